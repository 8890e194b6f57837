import { CustomErrorBase } from '@backstage/errors';

/*
 * Statuses @backstage/errors has no class for. The backend's error handler
 * reads `statusCode`, and the body keeps Backstage's ErrorResponseBody shape.
 */

/**
 * The chatbot service or Jenkins failed (5xx) or could not be reached: 502
 * with its message; gave no answer in time: 504.
 */
export {
  UpstreamError,
  UpstreamTimeoutError,
} from '@internal/plugin-llm-chatbot-node';

/** The chatbot service refused the request (4xx): its status and message pass through. */
export class UpstreamRefusedError extends CustomErrorBase {
  constructor(
    readonly statusCode: number,
    name: string,
    message: string,
    readonly retryAfter?: string,
  ) {
    super(message);
    this.name = name;
  }
}

/** Too many requests from one user: 429. */
export class TooManyRequestsError extends CustomErrorBase {
  name = 'TooManyRequestsError';
  statusCode = 429;
}

/** A file over the upload limit: 413. */
export class PayloadTooLargeError extends CustomErrorBase {
  name = 'PayloadTooLargeError';
  statusCode = 413;
}
