/**
 * The service's one error module: what a client caused or can act on
 * (HttpError, mapped to its status by http/errorHandler.ts) and what an
 * upstream provider did (UpstreamError, a 502 or an SSE `error` event).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    name: string,
    /** Sent as Retry-After (seconds) on 429 and 503. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = name;
  }
}

export const badRequest = (message: string) =>
  new HttpError(400, message, 'BadRequest');
export const unauthorized = (message: string) =>
  new HttpError(401, message, 'Unauthorized');
export const notFound = (message: string) =>
  new HttpError(404, message, 'NotFound');
export const conflict = (message: string) =>
  new HttpError(409, message, 'Conflict');
export const payloadTooLarge = (message: string) =>
  new HttpError(413, message, 'PayloadTooLarge');
export const unsupportedMediaType = (message: string) =>
  new HttpError(415, message, 'UnsupportedMediaType');
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new HttpError(429, message, 'TooManyRequests', retryAfterSeconds);
export const serviceUnavailable = (
  message: string,
  retryAfterSeconds: number,
) => new HttpError(503, message, 'ServiceUnavailable', retryAfterSeconds);

/** The error name each status carries when no HttpError named it (express and parser errors). */
export const STATUS_NAMES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  429: 'TooManyRequests',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
};

/** An upstream provider (LLM, embeddings, vector store) failed. */
export class UpstreamError extends Error {
  name = 'UpstreamError';
  constructor(
    readonly provider: string,
    message: string,
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(`${provider}: ${message}`, options);
  }
}
