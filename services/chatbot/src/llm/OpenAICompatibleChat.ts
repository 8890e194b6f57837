import OpenAI, {
  APIConnectionError,
  APIError,
  APIUserAbortError,
  NotFoundError,
} from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ChatMessage } from '../store/MetadataStore.js';
import { UpstreamError } from '../errors.js';
import {
  isRetryableStatus,
  parseRetryAfter,
  withRetry,
} from '../util/retry.js';
import type {
  AnswerEvent,
  AnswerRequest,
  ChatProvider,
} from './ChatProvider.js';
import {
  ChatCompletionsClient,
  ModelServerStatusError,
} from './ChatCompletionsClient.js';

const SYSTEM_PROMPT = `You answer questions using only the numbered context passages from the user's documents.
Cite every claim with the passage's label, like [manual.pdf p. 12].
If the passages do not contain the answer, say that you could not find it in the documents. Never invent an answer.`;

const REWRITE_PROMPT = `Rewrite the user's last message as a standalone question that can be understood without the conversation. Reply with the question only.`;

export interface OpenAICompatibleOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  temperature: number;
  maxTokens: number;
  /** Ask for token usage at the end of the stream (stream_options.include_usage). */
  streamUsage?: boolean;
  timeoutMs: number;
  retries: number;
}

/**
 * Any OpenAI-compatible chat completions server with streaming: OpenAI,
 * Hugging Face TGI, vLLM, Ollama. Answers stream through
 * ChatCompletionsClient (node:http, the hot path); the rare calls (rewriting
 * a follow-up, the readiness ping) go through the official openai SDK. Failures
 * before the stream starts (408, 429 with or without Retry-After, 5xx,
 * failed connections) are retried by withRetry, the one policy every
 * upstream shares; the abort signal cancels the upstream request when the
 * client goes away.
 *
 * Not langchain's ChatOpenAI, which wraps the SDK and costs more CPU still
 * per streamed answer (`npm run bench`, "CPU per streamed answer").
 * langchain still does the embeddings.
 */
export class OpenAICompatibleChat implements ChatProvider {
  readonly name = 'openai';
  private readonly client: OpenAI;
  private readonly answers: ChatCompletionsClient;

  constructor(private readonly options: OpenAICompatibleOptions) {
    this.client = new OpenAI({
      baseURL: options.baseUrl,
      apiKey: options.apiKey ?? 'unused', // local servers take any key
      // withRetry below: one policy for every upstream. (The SDK's own retry
      // also awaits cancelling the error body, which msw's mocks never settle.)
      maxRetries: 0,
      timeout: options.timeoutMs,
    });
    this.answers = new ChatCompletionsClient(
      options.baseUrl,
      options.apiKey ?? 'unused',
    );
  }

  async rewriteQuestion(
    history: ChatMessage[],
    question: string,
    signal: AbortSignal,
  ): Promise<string> {
    if (history.length === 0) return question;
    const reply = await this.retrying(signal, () =>
      this.client.chat.completions.create(
        {
          model: this.options.model,
          messages: [
            { role: 'system', content: REWRITE_PROMPT },
            ...history,
            { role: 'user', content: question },
          ],
          temperature: 0,
          max_tokens: 128,
        },
        { signal },
      ),
    );
    const text = reply.choices?.[0]?.message?.content?.trim() ?? '';
    return text.length > 0 ? text : question;
  }

  async *streamAnswer({
    question,
    passages,
    history,
    signal,
  }: AnswerRequest): AsyncIterable<AnswerEvent> {
    const context = passages
      .map((p, i) => `[${i + 1}] [${p.filename} p. ${p.page}]\n${p.text}`)
      .join('\n\n');
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: SYSTEM_PROMPT },
      ...history,
      {
        role: 'user',
        content: `Context:\n${context}\n\nQuestion: ${question}`,
      },
    ];
    // One clock per attempt, for connecting, the first token and every
    // pause after it: a retry after a server's Retry-After starts afresh.
    let idle = new IdleTimeout(this.options.timeoutMs);
    let requestSignal = signal;
    try {
      const res = await this.retrying(signal, () => {
        idle.stop();
        idle = new IdleTimeout(this.options.timeoutMs);
        requestSignal = AbortSignal.any([signal, idle.signal]);
        return this.answers.open(
          {
            model: this.options.model,
            messages,
            temperature: this.options.temperature,
            max_tokens: this.options.maxTokens,
            stream: true,
            ...(this.options.streamUsage === false
              ? {}
              : { stream_options: { include_usage: true } }),
          },
          requestSignal,
        );
      });
      const stream = { done: false };
      let finished = false;
      let answered = false;
      for await (const chunk of this.answers.chunks(
        res,
        requestSignal,
        stream,
      )) {
        idle.touch();
        // Some servers send chunks without choices (usage only, keep-alives).
        const choice = chunk.choices?.[0];
        if (choice?.delta?.content) {
          answered = true;
          yield { type: 'token', text: choice.delta.content };
        }
        if (choice?.finish_reason) finished = true;
        if (choice?.finish_reason === 'length') yield { type: 'truncated' };
        const unusable = UNUSABLE_ENDS.get(choice?.finish_reason ?? '');
        if (unusable) throw new Error(unusable);
        if (chunk.usage) {
          yield {
            type: 'usage',
            promptTokens: chunk.usage.prompt_tokens,
            completionTokens: chunk.usage.completion_tokens,
          };
        }
      }
      // A connection closed mid-answer can look like a normal end of
      // stream; a finish_reason or the [DONE] marker says it was not.
      if (!finished && !stream.done && !signal.aborted) {
        throw new Error(
          'the model server closed the stream before the answer was complete',
        );
      }
      if (!answered && !signal.aborted) {
        throw new Error('the model returned an empty answer');
      }
    } catch (error) {
      if (signal.aborted) return;
      throw upstream(idle.timedOut ? new Error(idle.message) : error);
    } finally {
      idle.stop();
    }
  }

  private async retrying<T>(
    signal: AbortSignal,
    call: () => Promise<T>,
  ): Promise<T> {
    try {
      return await withRetry(call, {
        retries: this.options.retries,
        baseDelayMs: 250,
        signal,
        isRetryable,
        retryAfterMs,
      });
    } catch (error) {
      throw upstream(error);
    }
  }

  async ping(): Promise<void> {
    try {
      await this.client.models.list({ timeout: 5000, maxRetries: 0 });
    } catch (error) {
      // 404: the server is up but has no model list (some TGI versions).
      if (error instanceof NotFoundError) return;
      throw error instanceof APIError && error.status
        ? new UpstreamError(
            'llm',
            `GET /models answered ${error.status}`,
            error.status >= 500,
            { cause: error },
          )
        : upstream(error);
    }
  }
}

/** Aborts after `ms` without a chunk; `touch` restarts the clock. */
class IdleTimeout {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  readonly message: string;
  timedOut = false;

  constructor(ms: number) {
    this.message = `no answer from the model server in ${ms} ms`;
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error(this.message));
    }, ms);
  }

  get signal() {
    return this.controller.signal;
  }

  touch() {
    this.timer.refresh();
  }

  stop() {
    clearTimeout(this.timer);
  }
}

/**
 * Statuses that say "try again" (408, 429, 5xx), and, as the openai SDK
 * does, every failure of the connection (refused, reset, unresolvable,
 * TLS). Not an abort (the client left, or the idle timeout fired), nor
 * node refusing the request itself (ERR_INVALID_*, ERR_HTTP_*: a bad URL or
 * a key with a newline), which no retry can fix.
 */
function isRetryable(error: unknown): boolean {
  if (error instanceof ModelServerStatusError || error instanceof APIError) {
    if (error instanceof APIUserAbortError) return false;
    if (error instanceof APIConnectionError) return true;
    return isRetryableStatus(error.status);
  }
  const code = (error as NodeJS.ErrnoException)?.code ?? '';
  return (
    (error as Error)?.name !== 'AbortError' &&
    !/^ERR_(INVALID|HTTP)_/.test(code)
  );
}

function retryAfterMs(error: unknown): number | undefined {
  if (error instanceof ModelServerStatusError) return error.retryAfterMs;
  return error instanceof APIError
    ? parseRetryAfter(error.headers?.get('retry-after'))
    : undefined;
}

function upstream(error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  if (error instanceof ModelServerStatusError) {
    return new UpstreamError(
      'llm',
      error.message,
      isRetryableStatus(error.status),
      { cause: error },
    );
  }
  if (
    error instanceof APIError &&
    !(error instanceof APIUserAbortError) &&
    error.status
  ) {
    return new UpstreamError(
      'llm',
      `the model server answered ${error.status}: ${error.message}`,
      isRetryableStatus(error.status),
      { cause: error },
    );
  }
  // No status: refused, reset or timed-out connections, and broken streams.
  return new UpstreamError(
    'llm',
    (error as Error)?.message ?? String(error),
    true,
    { cause: error },
  );
}

/**
 * Ends that leave no answer to show as one; any other finish_reason (stop,
 * length, TGI's eos_token and stop_sequence, …) ends it normally.
 */
const UNUSABLE_ENDS = new Map([
  [
    'content_filter',
    "the model server's content filter stopped the answer (finish_reason content_filter)",
  ],
  [
    'tool_calls',
    'the model asked to call a tool (finish_reason tool_calls); this service offers none, so there is no answer',
  ],
  [
    'function_call',
    'the model asked to call a function (finish_reason function_call); this service offers none, so there is no answer',
  ],
]);
