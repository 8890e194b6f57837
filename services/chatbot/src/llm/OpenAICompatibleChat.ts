import { ChatOpenAI } from '@langchain/openai';
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatMessage } from '../store/MetadataStore.js';
import { UpstreamError } from '../errors.js';
import { withRetry } from '../util/retry.js';
import type { AnswerEvent, AnswerRequest, ChatProvider } from './ChatProvider.js';

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
  timeoutMs: number;
  retries: number;
}

/**
 * Any OpenAI-compatible chat completions server with streaming: OpenAI,
 * Hugging Face TGI, vLLM, Ollama. langchain's ChatOpenAI does the HTTP, the
 * SSE parsing and the retries on 429/5xx before the stream starts; the abort
 * signal cancels the upstream request when the client goes away.
 */
export class OpenAICompatibleChat implements ChatProvider {
  readonly name = 'openai';
  private readonly model: ChatOpenAI;
  /** A short, non-streaming twin for rewriting follow-ups. */
  private readonly rewriter: ChatOpenAI;

  constructor(private readonly options: OpenAICompatibleOptions) {
    this.model = new ChatOpenAI({
      model: options.model,
      apiKey: options.apiKey ?? 'unused',
      temperature: options.temperature,
      maxTokens: options.maxTokens,
      streamUsage: true,
      maxRetries: options.retries,
      timeout: options.timeoutMs,
      configuration: { baseURL: options.baseUrl },
    });
    this.rewriter = new ChatOpenAI({
      model: options.model,
      apiKey: options.apiKey ?? 'unused',
      temperature: 0,
      maxTokens: 128,
      maxRetries: options.retries,
      timeout: options.timeoutMs,
      configuration: { baseURL: options.baseUrl },
    });
  }

  async rewriteQuestion(history: ChatMessage[], question: string, signal: AbortSignal): Promise<string> {
    if (history.length === 0) return question;
    try {
      const reply = await this.rewriter.invoke(
        [new SystemMessage(REWRITE_PROMPT), ...toMessages(history), new HumanMessage(question)],
        { signal },
      );
      const text = String(reply.content).trim();
      return text.length > 0 ? text : question;
    } catch (error) {
      throw upstream(error);
    }
  }

  async *streamAnswer({ question, passages, history, signal }: AnswerRequest): AsyncIterable<AnswerEvent> {
    const context = passages
      .map((p, i) => `[${i + 1}] [${p.filename} p. ${p.page}]\n${p.text}`)
      .join('\n\n');
    const messages: BaseMessage[] = [
      new SystemMessage(SYSTEM_PROMPT),
      ...toMessages(history),
      new HumanMessage(`Context:\n${context}\n\nQuestion: ${question}`),
    ];
    let stream;
    try {
      // langchain retries 5xx and a 429 that carries Retry-After; a bare 429
      // (TGI and vLLM when overloaded) it hands back at once as a capacity
      // error. Back off and retry those here too.
      stream = await withRetry(() => this.model.stream(messages, { signal }), {
        retries: this.options.retries,
        baseDelayMs: 250,
        isRetryable: error => (error as Error)?.name === 'RateLimitCapacityError',
        signal,
      });
    } catch (error) {
      throw upstream(error);
    }
    try {
      for await (const chunk of stream) {
        const text = typeof chunk.content === 'string' ? chunk.content : '';
        if (text) yield { type: 'token', text };
        if (chunk.usage_metadata) {
          yield {
            type: 'usage',
            promptTokens: chunk.usage_metadata.input_tokens,
            completionTokens: chunk.usage_metadata.output_tokens,
          };
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      throw upstream(error);
    }
  }

  async ping(): Promise<void> {
    const res = await fetch(new URL('models', withSlash(this.options.baseUrl)), {
      headers: this.options.apiKey ? { Authorization: `Bearer ${this.options.apiKey}` } : {},
      signal: AbortSignal.timeout(5000),
    });
    // 404: the server is up but has no model list (some TGI versions).
    if (!res.ok && res.status !== 404) {
      throw new UpstreamError('llm', `GET /models answered ${res.status}`, res.status >= 500);
    }
  }
}

function toMessages(history: ChatMessage[]): BaseMessage[] {
  return history.map(m => (m.role === 'user' ? new HumanMessage(m.content) : new AIMessage(m.content)));
}

function withSlash(url: string) {
  return url.endsWith('/') ? url : `${url}/`;
}

function upstream(error: unknown): UpstreamError {
  const e = error as { status?: number; message?: string };
  const status = e?.status;
  return new UpstreamError(
    'llm',
    status ? `the model server answered ${status}: ${e.message}` : (e?.message ?? String(error)),
    status === undefined || status === 429 || status >= 500,
  );
}
