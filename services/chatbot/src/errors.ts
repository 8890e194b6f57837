/** An error a client caused or can act on; the HTTP layer maps it to a status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = code;
  }
}

export const badRequest = (message: string) => new HttpError(400, message, 'BadRequest');
export const notFound = (message: string) => new HttpError(404, message, 'NotFound');
export const conflict = (message: string) => new HttpError(409, message, 'Conflict');
export const tooLarge = (message: string) => new HttpError(413, message, 'PayloadTooLarge');
export const unsupportedMedia = (message: string) =>
  new HttpError(415, message, 'UnsupportedMediaType');
export const unavailable = (message: string) =>
  new HttpError(503, message, 'ServiceUnavailable');

/** An upstream provider (LLM, embeddings, vector store) failed. */
export class UpstreamError extends Error {
  name = 'UpstreamError';
  constructor(
    readonly provider: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(`${provider}: ${message}`);
  }
}
