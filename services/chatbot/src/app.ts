import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import express, { type ErrorRequestHandler } from 'express';
import helmet from 'helmet';
import { rateLimit } from 'express-rate-limit';
import type { ServiceConfig } from './config.js';
import type { Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import type { MetadataStore } from './store/MetadataStore.js';
import { openMetadataStore } from './store/index.js';
import { createVectorStore } from './vector/index.js';
import { createEmbeddings } from './embeddings/index.js';
import { createChatProvider } from './llm/index.js';
import { IngestionQueue, JOB_HEARTBEAT_MS, JOB_LEASE_MS } from './ingest/IngestionQueue.js';
import { PdfParser } from './ingest/PdfParser.js';
import { ChatService } from './rag/ChatService.js';
import { HttpError, UpstreamError } from './errors.js';
import { requireBearerToken } from './http/auth.js';
import { collectionGuard, collectionRoutes } from './routes/collections.js';
import { documentRoutes, uploadDirFor } from './routes/documents.js';
import { chatRoutes, StreamRegistry } from './routes/chat.js';
import { healthRoutes } from './routes/health.js';
import { openApiDocument } from './openapi.js';
import type { VectorStore } from './vector/VectorStore.js';

export interface ChatbotApp {
  app: express.Express;
  metadata: MetadataStore;
  store: VectorStore;
  queue: IngestionQueue;
  streams: StreamRegistry;
  metrics: Metrics;
  shutdown: { requested: boolean };
  /** Releases the metadata store; call after the queue has drained. */
  close(): Promise<void>;
}

/** `/v1/collections/:collectionId/chat`, not the concrete path: bounded label values. */
function routeTemplate(req: express.Request, res: express.Response): string {
  if (!req.route?.path) return 'unmatched';
  const mount = (res.locals.mount as string | undefined) ?? '';
  return `${mount}${req.route.path === '/' && mount ? '' : req.route.path}`;
}

/** Records the mount path pattern for the route label. */
const mountedAt =
  (pattern: string): express.RequestHandler =>
  (_req, res, next) => {
    res.locals.mount = pattern;
    next();
  };

/** Upload spool files belong to jobs of a previous process: remove them. */
function sweepUploads(dir: string) {
  if (!fs.existsSync(dir)) return;
  for (const name of fs.readdirSync(dir)) fs.rmSync(path.join(dir, name), { force: true });
}

/** Wires the service together. server.ts listens; tests call this directly. */
export async function createChatbotApp(config: ServiceConfig, logger: Logger): Promise<ChatbotApp> {
  const metadata = await openMetadataStore(config, logger);
  const metrics = createMetrics();
  const store = createVectorStore(config, metadata, logger);
  const embeddings = createEmbeddings(config);
  const provider = createChatProvider(config);
  const shutdown = { requested: false };

  // Jobs a dead process left behind: committed documents are kept (their job
  // is marked succeeded), the rest failed; their partial vectors are removed
  // in the background so start-up never waits on an upstream store. SQLite
  // has one owner, so at start-up every unfinished job is a dead one; replicas
  // sharing PostgreSQL settle only jobs whose heartbeat lapsed, and keep
  // checking for replicas that die.
  const settle = async (staleAfterMs: number) => {
    for (const job of await metadata.settleInterruptedJobs(staleAfterMs)) {
      logger.warn({ jobId: job.id, documentId: job.documentId }, 'job interrupted by restart marked failed');
      await store.deleteDocument(job.collectionId, job.documentId).catch(error =>
        logger.warn({ jobId: job.id, err: (error as Error).message }, 'could not remove partial vectors; they stay hidden from search'),
      );
    }
  };
  const settleFailed = (error: unknown) =>
    logger.warn({ err: (error as Error).message }, 'could not settle interrupted jobs');
  const staleAfterMs = metadata.kind === 'sqlite' ? 0 : JOB_LEASE_MS;
  void settle(staleAfterMs).catch(settleFailed);
  const settler =
    metadata.kind === 'postgres'
      ? setInterval(() => void settle(JOB_LEASE_MS).catch(settleFailed), 4 * JOB_HEARTBEAT_MS).unref()
      : undefined;
  sweepUploads(uploadDirFor(config.DATA_DIR));

  const pdf = new PdfParser(config.PDF_PARSE_THREADS);
  const queue = new IngestionQueue(metadata, store, embeddings, pdf, metrics, logger, {
    concurrency: config.INGEST_CONCURRENCY,
    queueLimit: config.INGEST_QUEUE_LIMIT,
    maxPages: config.MAX_PAGES,
    chunkSize: config.CHUNK_SIZE,
    chunkOverlap: config.CHUNK_OVERLAP,
  });
  const chat = new ChatService(metadata, store, embeddings, provider, metrics, logger, {
    topK: config.RETRIEVAL_TOP_K,
    minScore: config.RETRIEVAL_MIN_SCORE,
    memoryTurns: config.MEMORY_TURNS,
  });
  const streams = new StreamRegistry();
  const requireCollection = collectionGuard(metadata);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 1);
  app.use(helmet());
  app.use((req, res, next) => {
    const incoming = req.header('x-request-id');
    const requestId = incoming && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const start = performance.now();
    res.on('close', () => {
      const route = routeTemplate(req, res);
      const seconds = (performance.now() - start) / 1000;
      metrics.httpDuration.observe({ method: req.method, route, status_code: String(res.statusCode) }, seconds);
      logger.info(
        { requestId, method: req.method, route, status: res.statusCode, durationMs: Math.round(seconds * 1000) },
        'request',
      );
    });
    next();
  });

  app.use(healthRoutes(metadata, store, provider, metrics, () => shutdown.requested));

  const v1 = express.Router();
  v1.use(
    rateLimit({
      windowMs: 60_000,
      limit: config.RATE_LIMIT_PER_MINUTE,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      message: { error: { name: 'TooManyRequests', message: 'rate limit exceeded; retry after the time in RateLimit-Reset' } },
    }),
  );
  v1.use(requireBearerToken(config.CHATBOT_API_TOKEN));
  v1.use(express.json({ limit: '64kb' }));
  v1.use(mountedAt('/v1'));
  v1.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  v1.use('/collections', mountedAt('/v1/collections'), collectionRoutes(metadata, store, requireCollection));
  v1.use(
    '/collections/:collectionId/documents',
    mountedAt('/v1/collections/:collectionId/documents'),
    documentRoutes(
      metadata,
      store,
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
    chatRoutes(metadata, chat, streams, metrics, logger, { maxConcurrent: config.MAX_CONCURRENT_CHATS, sseFlushMs: config.SSE_FLUSH_MS }, requireCollection),
  );
  app.use('/v1', v1);

  app.use((_req, _res, next) => next(new HttpError(404, 'no such route; see /v1/openapi.json', 'NotFound')));
  const errorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
    const requestId = res.getHeader('x-request-id');
    if (error instanceof HttpError) {
      res.status(error.status).json({ error: { name: error.code, message: error.message }, requestId });
      return;
    }
    if ((error as { type?: string }).type === 'entity.parse.failed') {
      res.status(400).json({ error: { name: 'BadRequest', message: 'the body is not valid JSON' }, requestId });
      return;
    }
    if ((error as { type?: string }).type === 'entity.too.large') {
      res.status(413).json({ error: { name: 'PayloadTooLarge', message: 'the JSON body is over 64 KB' }, requestId });
      return;
    }
    if (error instanceof UpstreamError) {
      logger.warn({ requestId, err: error.message }, 'upstream failure');
      res.status(502).json({ error: { name: 'BadGateway', message: error.message }, requestId });
      return;
    }
    // Errors from express and its parsers (bad URL encoding, unsupported
    // content-encoding …) carry a 4xx status and a message safe to show.
    const status = (error as { status?: number }).status;
    if (status && status >= 400 && status < 500) {
      res.status(status).json({ error: { name: 'BadRequest', message: (error as Error).message }, requestId });
      return;
    }
    logger.error({ requestId, err: (error as Error).message, stack: (error as Error).stack }, 'unhandled error');
    if (!res.headersSent) {
      res.status(500).json({ error: { name: 'InternalError', message: 'internal error; report the request id' }, requestId });
    }
  };
  app.use(errorHandler);

  const close = async () => {
    clearInterval(settler);
    await pdf.close();
    await metadata.close();
  };
  return { app, metadata, store, queue, streams, metrics, shutdown, close };
}
