import express from 'express';
import helmet from 'helmet';
import { rateLimit } from 'express-rate-limit';
import type { ServiceConfig } from './config.js';
import type { Logger } from './logger.js';
import {
  createServices,
  uploadDirFor,
  type ChatbotServices,
} from './services.js';
import { notFound, tooManyRequests } from './errors.js';
import { requireBearerToken } from './http/auth.js';
import { openApiDocument } from './http/contract.js';
import { errorHandler } from './http/errorHandler.js';
import { mountedAt, requestContext } from './http/requestContext.js';
import { collectionGuard, collectionRoutes } from './routes/collections.js';
import { documentRoutes } from './routes/documents.js';
import { chatRoutes } from './routes/chat.js';
import { healthRoutes } from './routes/health.js';

export interface ChatbotApp extends ChatbotServices {
  app: express.Express;
  /** Readiness turns 503 and new uploads are refused; open streams go on. */
  beginShutdown(): void;
  readonly shuttingDown: boolean;
}

/** The HTTP surface over the services: middleware, routes and the error handler. */
function createHttpApp(
  services: ChatbotServices,
  logger: Logger,
  isShuttingDown: () => boolean,
) {
  const { config, metadata, vectors, provider, queue, chat, streams, metrics } =
    services;
  const requireCollection = collectionGuard(metadata);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 1);
  app.use(helmet());
  app.use(requestContext(metrics, logger));
  app.use(healthRoutes(metadata, vectors, provider, metrics, isShuttingDown));

  const v1 = express.Router();
  v1.use(
    rateLimit({
      windowMs: 60_000,
      limit: config.RATE_LIMIT_PER_MINUTE,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      handler: (req, _res, next) => {
        const resetMs =
          (
            req as { rateLimit?: { resetTime?: Date } }
          ).rateLimit?.resetTime?.getTime() ?? Date.now();
        const seconds = Math.max(1, Math.ceil((resetMs - Date.now()) / 1000));
        next(
          tooManyRequests(
            `rate limit of ${config.RATE_LIMIT_PER_MINUTE} requests a minute exceeded; retry in ${seconds} s`,
            seconds,
          ),
        );
      },
    }),
  );
  // The API's description is public, as /readyz is: the entity page and
  // the template link it for people who have no token.
  v1.get('/openapi.json', mountedAt('/v1'), (_req, res) => {
    res.json(openApiDocument);
  });
  v1.use(requireBearerToken(config.CHATBOT_API_TOKEN));
  v1.use(express.json({ limit: '64kb' }));
  v1.use(mountedAt('/v1'));
  v1.use(
    '/collections',
    mountedAt('/v1/collections'),
    collectionRoutes(metadata, vectors, requireCollection),
  );
  v1.use(
    '/collections/:collectionId/documents',
    mountedAt('/v1/collections/:collectionId/documents'),
    documentRoutes(
      metadata,
      vectors,
      queue,
      {
        uploadDir: uploadDirFor(config.DATA_DIR),
        maxUploadBytes: config.MAX_UPLOAD_MB * 1024 * 1024,
        maxFiles: config.MAX_FILES_PER_UPLOAD,
      },
      requireCollection,
    ),
  );
  v1.use(
    '/collections/:collectionId/chat',
    mountedAt('/v1/collections/:collectionId/chat'),
    chatRoutes(
      metadata,
      chat,
      streams,
      metrics,
      logger,
      {
        maxConcurrent: config.MAX_CONCURRENT_CHATS,
        sseFlushMs: config.SSE_FLUSH_MS,
      },
      requireCollection,
    ),
  );
  app.use('/v1', v1);

  app.use((_req, _res, next) =>
    next(notFound('no such route; see /v1/openapi.json')),
  );
  app.use(errorHandler(logger));
  return app;
}

/** The composition root: services, then HTTP. server.ts listens; tests call this directly. */
export async function createChatbotApp(
  config: ServiceConfig,
  logger: Logger,
): Promise<ChatbotApp> {
  const services = await createServices(config, logger);
  let shuttingDown = false;
  const app = createHttpApp(services, logger, () => shuttingDown);
  return {
    ...services,
    app,
    beginShutdown() {
      shuttingDown = true;
    },
    get shuttingDown() {
      return shuttingDown;
    },
  };
}
