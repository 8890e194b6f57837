import { randomUUID } from 'node:crypto';
import type express from 'express';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';

/** `/v1/collections/:collectionId/chat`, not the concrete path: bounded label values. */
function routeTemplate(req: express.Request, res: express.Response): string {
  if (!req.route?.path) return 'unmatched';
  const mount = (res.locals.mount as string | undefined) ?? '';
  return `${mount}${req.route.path === '/' && mount ? '' : req.route.path}`;
}

/** Records the mount path pattern for the route label. */
export const mountedAt =
  (pattern: string): express.RequestHandler =>
  (_req, res, next) => {
    res.locals.mount = pattern;
    next();
  };

/**
 * Gives every request an id (the caller's, when it is a safe token), and
 * logs and measures it once it closes.
 */
export function requestContext(
  metrics: Metrics,
  logger: Logger,
): express.RequestHandler {
  return (req, res, next) => {
    const incoming = req.header('x-request-id');
    const requestId =
      incoming && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const start = performance.now();
    res.on('close', () => {
      const route = routeTemplate(req, res);
      const seconds = (performance.now() - start) / 1000;
      metrics.httpDuration.observe(
        { method: req.method, route, status_code: String(res.statusCode) },
        seconds,
      );
      logger.info(
        {
          requestId,
          method: req.method,
          route,
          status: res.statusCode,
          durationMs: Math.round(seconds * 1000),
        },
        'request',
      );
    });
    next();
  };
}
