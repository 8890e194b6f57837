import { Router, type RequestHandler } from 'express';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { MetadataStore } from '../store/MetadataStore.js';
import type { ChatService } from '../rag/ChatService.js';
import {
  badRequest,
  HttpError,
  notFound,
  serviceUnavailable,
  UpstreamError,
} from '../errors.js';
import { assertMatches } from '../http/contract.js';
import type { components } from '../http/contractTypes.js';
import { SseStream } from '../http/sse.js';

export interface ChatLimits {
  maxConcurrent: number;
  /** SseOptions.flushMs */
  sseFlushMs: number;
}

/** Tracks open streams so shutdown can wait for them, then cut them off. */
export class StreamRegistry {
  private readonly open = new Set<AbortController>();
  get size() {
    return this.open.size;
  }
  add(c: AbortController) {
    this.open.add(c);
  }
  delete(c: AbortController) {
    this.open.delete(c);
  }
  abortAll(reason: string) {
    for (const c of this.open) c.abort(new Error(reason));
  }
}

export function chatRoutes(
  metadata: MetadataStore,
  chat: ChatService,
  streams: StreamRegistry,
  metrics: Metrics,
  logger: Logger,
  limits: ChatLimits,
  requireCollection: RequestHandler,
) {
  const router = Router({ mergeParams: true });

  router.post('/', requireCollection, async (req, res) => {
    const collectionId = req.params.collectionId as string;
    // express.json() leaves any other body unread: say so, not "message is required".
    // (req.is is null without a body, false with one of another type.)
    if (req.is('application/json') === false)
      throw badRequest(
        `send the chat as JSON with Content-Type: application/json (got ${
          req.headers['content-type'] ?? 'no Content-Type'
        })`,
      );
    const body = assertMatches<components['schemas']['ChatRequest']>(
      'ChatRequest',
      req.body ?? {},
    );
    const message = body.message.trim();
    // PostgreSQL's text cannot hold it, and no question needs it.
    if (message.includes('\u0000'))
      throw badRequest(
        'message contains a NUL character (\\u0000), which cannot be stored',
      );
    let { conversationId } = body;
    if (
      conversationId &&
      !(await metadata.conversationInCollection(conversationId, collectionId))
    ) {
      throw notFound(
        `conversation ${conversationId} not found in collection ${collectionId}`,
      );
    }
    if (streams.size >= limits.maxConcurrent) {
      throw serviceUnavailable(
        `too many chats in progress (${limits.maxConcurrent}); retry shortly`,
        2,
      );
    }
    const newConversation = !conversationId;
    conversationId ??= await metadata.startConversation(collectionId);

    const controller = new AbortController();
    streams.add(controller);
    metrics.chatsInFlight.inc();
    // The client went away: cancel retrieval and the upstream LLM call.
    res.on('close', () => {
      if (!res.writableFinished)
        controller.abort(new Error('client disconnected'));
    });

    const sse = new SseStream(res, { flushMs: limits.sseFlushMs });
    try {
      for await (const event of chat.answer(
        collectionId,
        conversationId,
        message,
        controller.signal,
        newConversation,
      )) {
        sse.send(event.event, event.data);
      }
    } catch (error) {
      const e = error as Error;
      if (error instanceof UpstreamError && !controller.signal.aborted) {
        metrics.upstreamErrors.inc({
          provider: error.provider,
          kind: error.retryable ? 'retryable' : 'fatal',
        });
      }
      if (!controller.signal.aborted) {
        logger.warn(
          { err: e, requestId: res.getHeader('x-request-id') },
          'chat stream failed',
        );
        const known =
          error instanceof UpstreamError || error instanceof HttpError;
        sse.send('error', {
          message: known
            ? e.message
            : 'the answer failed unexpectedly; retry, and report the request id if it persists',
          requestId: res.getHeader('x-request-id'),
        });
      }
    } finally {
      const reason = controller.signal.reason as Error | undefined;
      if (
        controller.signal.aborted &&
        reason?.message !== 'client disconnected'
      ) {
        sse.send('error', {
          message: reason?.message ?? 'the answer was cancelled',
        });
      }
      sse.end();
      streams.delete(controller);
      metrics.chatsInFlight.dec();
    }
  });

  return router;
}
