import type { ErrorRequestHandler, Request, Response } from 'express';
import type { Logger } from '../logger.js';
import { HttpError, STATUS_NAMES, UpstreamError } from '../errors.js';
import { redactSecrets } from '../util/secrets.js';

/**
 * The one error body: Backstage's ErrorResponseBody (so the portal's
 * ResponseError.fromResponse reads it through the gateway) plus the request
 * id to report. 429 and 503 always say when to come back.
 */
export function sendError(
  req: Request,
  res: Response,
  status: number,
  name: string,
  message: string,
  retryAfterSeconds?: number,
) {
  if (retryAfterSeconds !== undefined || status === 429 || status === 503) {
    res.setHeader(
      'Retry-After',
      String(Math.max(1, Math.ceil(retryAfterSeconds ?? 1))),
    );
  }
  res.status(status).json({
    error: { name, message: redactSecrets(message) },
    request: { method: req.method, url: req.originalUrl },
    response: { statusCode: status },
    requestId: String(res.getHeader('x-request-id') ?? ''),
  });
}

/** Maps every error to a status and a message a person can act on. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const requestId = res.getHeader('x-request-id');
    if (res.headersSent) {
      logger.error({ requestId, err: error }, 'error after the response began');
      res.destroy();
      return;
    }
    if (error instanceof HttpError) {
      sendError(
        req,
        res,
        error.status,
        error.name,
        error.message,
        error.retryAfterSeconds,
      );
      return;
    }
    const type = (error as { type?: string }).type;
    if (type === 'entity.parse.failed') {
      sendError(req, res, 400, 'BadRequest', 'the body is not valid JSON');
      return;
    }
    if (type === 'entity.too.large') {
      sendError(
        req,
        res,
        413,
        'PayloadTooLarge',
        'the JSON body is over 64 KB',
      );
      return;
    }
    if (error instanceof UpstreamError) {
      logger.warn({ requestId, err: error }, 'upstream failure');
      sendError(req, res, 502, 'BadGateway', error.message);
      return;
    }
    // Errors from express and its parsers (bad URL encoding, unsupported
    // content-encoding …) carry a 4xx status and a message safe to show.
    const status = (error as { status?: number }).status;
    if (status && status >= 400 && status < 500) {
      sendError(
        req,
        res,
        status,
        STATUS_NAMES[status] ?? 'BadRequest',
        (error as Error).message,
      );
      return;
    }
    logger.error({ requestId, err: error }, 'unhandled error');
    sendError(
      req,
      res,
      500,
      'InternalError',
      'internal error; report the request id',
    );
  };
}
