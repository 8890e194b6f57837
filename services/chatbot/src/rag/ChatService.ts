import {
  context,
  isSpanContextValid,
  trace,
  SpanStatusCode,
} from '@opentelemetry/api';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { MetadataStore } from '../store/MetadataStore.js';
import type { Retriever } from '../retrieval/Retriever.js';
import type { components } from '../http/contractTypes.js';
import { notFound } from '../errors.js';
import {
  NO_ANSWER,
  type ChatProvider,
  type Passage,
} from '../llm/ChatProvider.js';

type Schemas = components['schemas'];
export type Source = Schemas['Source'];

/** The events of one answer, in the order they are emitted (`error` is the route's). */
export type ChatEvent = Exclude<
  Schemas['ChatEvent'],
  Schemas['ChatErrorEvent']
>;

export interface ChatOptions {
  memoryTurns: number;
  /** The vector store's name, for the retrieval metric's label. */
  storeName: string;
}

const tracer = trace.getTracer('llm-chatbot');

/**
 * One chat turn: rewrite a follow-up into a standalone question, retrieve
 * from the collection only (retrieval/Retriever), stream the answer, and
 * remember the turn. When nothing relevant is retrieved it says so, citing
 * nothing, instead of asking the model.
 */
export class ChatService {
  constructor(
    private readonly metadata: MetadataStore,
    private readonly retriever: Retriever,
    private readonly provider: ChatProvider,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly options: ChatOptions,
  ) {}

  async *answer(
    collectionId: string,
    conversationId: string,
    message: string,
    signal: AbortSignal,
    /** Started by this request: it has no history to read. */
    newConversation = false,
  ): AsyncGenerator<ChatEvent> {
    const started = performance.now();
    // One trace per answer: retrieval and generation are children of it.
    const root = tracer.startSpan('chat.answer', {
      attributes: { 'chatbot.collection': collectionId },
    });
    const ctx = trace.setSpan(context.active(), root);
    try {
      yield* this.answerInSpan(
        ctx,
        collectionId,
        conversationId,
        message,
        signal,
        started,
        newConversation,
      );
    } catch (error) {
      root.recordException(error as Error);
      root.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      root.end();
    }
  }

  private async *answerInSpan(
    ctx: ReturnType<typeof context.active>,
    collectionId: string,
    conversationId: string,
    message: string,
    signal: AbortSignal,
    started: number,
    newConversation: boolean,
  ): AsyncGenerator<ChatEvent> {
    const history = newConversation
      ? []
      : await this.metadata.recentMessages(
          conversationId,
          this.options.memoryTurns,
        );
    let standalone: string;
    try {
      standalone = await this.provider.rewriteQuestion(
        history,
        message,
        signal,
      );
    } catch (error) {
      // The conversation exists: its id reaches the client before the error.
      yield {
        event: 'start',
        data: { conversationId, standaloneQuestion: message },
      };
      throw error;
    }
    yield {
      event: 'start',
      data: { conversationId, standaloneQuestion: standalone },
    };

    const retrievalStart = performance.now();
    const passages = await tracer.startActiveSpan(
      'rag.retrieve',
      {},
      ctx,
      async span => {
        try {
          const found = await this.retriever.retrieve(
            collectionId,
            message,
            standalone,
          );
          span.setAttributes({
            'chatbot.retrieval': this.retriever.mode,
            'chatbot.hits': found.hits.length,
            ...(found.coverage === undefined
              ? {}
              : { 'chatbot.coverage': found.coverage }),
            ...(found.declined ? { 'chatbot.declined': found.declined } : {}),
          });
          return this.withFilenames(collectionId, found.hits);
        } finally {
          span.end();
        }
      },
    );
    const retrievalMs = performance.now() - retrievalStart;
    this.metrics.retrievalDuration.observe(
      { store: this.options.storeName },
      retrievalMs / 1000,
    );

    yield {
      event: 'sources',
      data: {
        sources: passages.map(p => ({
          documentId: p.documentId,
          filename: p.filename,
          page: p.page,
          snippet: snippet(p.text),
          score: Number(p.score.toFixed(4)),
        })),
      },
    };

    let answer = '';
    let firstTokenMs: number | null = null;
    let usage = { promptTokens: 0, completionTokens: 0 };
    let truncated = false;
    const providerName = passages.length ? this.provider.name : 'none';
    const stream = passages.length
      ? this.provider.streamAnswer({
          question: standalone,
          passages,
          history,
          signal,
        })
      : noAnswer();

    const tokensStreamed = this.metrics.tokensStreamed.labels(providerName); // looked up once, not per token
    const span = tracer.startSpan(
      'llm.generate',
      { attributes: { 'chatbot.provider': providerName } },
      ctx,
    );
    try {
      for await (const part of stream) {
        if (part.type === 'usage') {
          usage = {
            promptTokens: part.promptTokens,
            completionTokens: part.completionTokens,
          };
          continue;
        }
        if (part.type === 'truncated') {
          truncated = true;
          continue;
        }
        if (firstTokenMs === null) {
          firstTokenMs = performance.now() - started;
          this.metrics.timeToFirstToken.observe(
            { provider: providerName },
            firstTokenMs / 1000,
          );
        }
        tokensStreamed.inc();
        answer += part.text;
        yield { event: 'token', data: { text: part.text } };
      }
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
    if (signal.aborted) return;

    await this.metadata
      .appendMessages(conversationId, [
        { role: 'user', content: message },
        { role: 'assistant', content: remembered(answer) },
      ])
      .catch(async error => {
        // Deleted while the answer streamed, its conversation with it.
        if (
          await this.metadata
            .conversationInCollection(conversationId, collectionId)
            .catch(() => true)
        )
          throw error;
        throw notFound(
          `collection ${collectionId} was deleted while this answer was streaming; the conversation was not saved`,
        );
      });
    yield {
      event: 'done',
      data: {
        conversationId,
        answered: passages.length > 0,
        truncated,
        usage,
        timings: {
          retrievalMs: round(retrievalMs),
          firstTokenMs: firstTokenMs === null ? null : round(firstTokenMs),
          totalMs: round(performance.now() - started),
        },
        ...traceIdOf(ctx),
      },
    };
  }

  private async withFilenames(
    collectionId: string,
    hits: Omit<Passage, 'filename'>[],
  ): Promise<Passage[]> {
    const names = await this.metadata.filenames(collectionId, [
      ...new Set(hits.map(h => h.documentId)),
    ]);
    return hits
      .filter(h => names.has(h.documentId))
      .map(h => ({ ...h, filename: names.get(h.documentId)! }));
  }
}

async function* noAnswer() {
  yield { type: 'token' as const, text: NO_ANSWER };
}

function snippet(text: string) {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

/**
 * What memory keeps of an answer: every follow-up resends it, twice (the
 * rewrite and the answer), so one runaway answer from a server that ignored
 * max_tokens would overflow the model's context for MEMORY_TURNS turns.
 */
export const REMEMBERED_ANSWER_CHARS = 8_000;
function remembered(answer: string): string {
  return answer.length > REMEMBERED_ANSWER_CHARS
    ? `${answer.slice(0, REMEMBERED_ANSWER_CHARS)} […]`
    : answer;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** The answer's trace, when tracing is on: the portal links it in Tempo. */
function traceIdOf(ctx: ReturnType<typeof context.active>): {
  traceId?: string;
} {
  const spanContext = trace.getSpan(ctx)?.spanContext();
  return spanContext && isSpanContextValid(spanContext)
    ? { traceId: spanContext.traceId }
    : {};
}
