import { CustomErrorBase } from '@backstage/errors';

/**
 * An upstream system (a chatbot service, Jenkins) failed or could not be
 * reached. The backend's error handler answers 502 with this message.
 */
export class UpstreamError extends CustomErrorBase {
  name = 'UpstreamError';
  statusCode = 502;
}

/** An upstream system gave no answer in time: 504. */
export class UpstreamTimeoutError extends CustomErrorBase {
  name = 'UpstreamTimeoutError';
  statusCode = 504;
}
