import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from '../errors.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Requires `Authorization: Bearer <CHATBOT_API_TOKEN>`; compares in constant time. */
export function requireBearerToken(token: string): RequestHandler {
  const expected = digest(token);
  return (req, _res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match) {
      return next(
        new HttpError(
          401,
          'missing bearer token: send Authorization: Bearer <token>',
          'Unauthorized',
        ),
      );
    }
    if (!timingSafeEqual(digest(match[1].trim()), expected)) {
      return next(new HttpError(401, 'invalid bearer token', 'Unauthorized'));
    }
    next();
  };
}
