import type {
  ChatbotChatRequest,
  ChatbotDocumentList,
  ChatbotJob,
  ChatbotUploadAccepted,
} from '@internal/plugin-llm-chatbot-common';
import type { ChatbotServiceConfig } from '../config';
import {
  UpstreamError,
  UpstreamRefusedError,
  UpstreamTimeoutError,
} from './errors';

interface CallOptions {
  method?: string;
  body?: BodyInit;
  headers?: Record<string, string>;
  /** The caller went away: cancel the upstream request too. */
  signal?: AbortSignal;
  /** Overrides the configured timeout (ms) for the response headers. */
  timeoutMs?: number;
}

/**
 * One chatbot service's /v1 API, as openapi.yaml defines it. Only services
 * named in config are ever constructed, so no URL comes from the catalog.
 * Upstream 4xx keep their status and message; 503 and 429 keep Retry-After;
 * other 5xx and network failures become 502, silence 504.
 */
export class ChatbotServiceClient {
  constructor(
    private readonly service: ChatbotServiceConfig,
    private readonly timeoutMs: number,
  ) {}

  /** The raw response, OK or thrown as a mapped error. Bodies stream. */
  async call(path: string, options: CallOptions = {}): Promise<Response> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    // Bounds the wait for the response headers only: a streamed answer may
    // then take as long as it needs (the router watches it for silence).
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const signal = options.signal
      ? AbortSignal.any([options.signal, timeout.signal])
      : timeout.signal;
    let response: Response;
    try {
      response = await fetch(`${this.service.baseUrl}${path}`, {
        method: options.method ?? 'GET',
        body: options.body,
        headers: {
          ...(this.service.token
            ? { authorization: `Bearer ${this.service.token}` }
            : {}),
          ...options.headers,
        },
        signal,
        // A redirect from a chatbot service is never followed: it would make
        // the portal fetch whatever host the service names (SSRF).
        redirect: 'manual',
        // A streamed request body (uploads) needs half-duplex in undici.
        ...(options.body && typeof options.body !== 'string'
          ? { duplex: 'half' }
          : {}),
      } as RequestInit);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (timeout.signal.aborted) {
        throw new UpstreamTimeoutError(
          `chatbot service "${this.service.name}" did not answer within ${timeoutMs} ms`,
        );
      }
      // The code only (ECONNREFUSED, ENOTFOUND): the browser reads this
      // message, and the cause's text names internal addresses. The cause
      // stays on the error for the backend's log.
      const cause = (error as Error).cause as NodeJS.ErrnoException | undefined;
      throw new UpstreamError(
        `chatbot service "${this.service.name}" could not be reached (${
          cause?.code ?? 'connection failed'
        }): check llmChatbot.services.${
          this.service.name
        }.baseUrl and that the service is up`,
        error,
      );
    } finally {
      clearTimeout(timer);
    }
    if (response.status >= 300 && response.status < 400) {
      void response.body?.cancel();
      throw new UpstreamError(
        `chatbot service "${this.service.name}" answered a redirect (${response.status}), which the portal does not follow: set llmChatbot.services.${this.service.name}.baseUrl to the address it serves at`,
      );
    }
    if (!response.ok) throw await this.refusal(response);
    return response;
  }

  private async refusal(response: Response): Promise<Error> {
    const text = await response.text().catch(() => '');
    let name = 'Error';
    let message = text.slice(0, 500) || response.statusText;
    try {
      const body = JSON.parse(text);
      name = body?.error?.name ?? name;
      message = body?.error?.message ?? message;
    } catch {
      // not JSON: keep the text
    }
    const prefix = `chatbot service "${this.service.name}"`;
    if (response.status === 401) {
      // The portal's token is wrong, not the user's request.
      return new UpstreamError(
        `${prefix} refused the portal's token: check llmChatbot.services.${this.service.name}.token`,
      );
    }
    if (response.status < 500 || response.status === 503) {
      return new UpstreamRefusedError(
        response.status,
        name,
        response.status === 503 ? `${prefix}: ${message}` : message,
        response.headers.get('retry-after') ?? undefined,
      );
    }
    return new UpstreamError(
      `${prefix} failed (${response.status}): ${message}`,
    );
  }

  private async json<T>(path: string, options?: CallOptions): Promise<T> {
    return (await (await this.call(path, options)).json()) as T;
  }

  private collectionPath(collection: string) {
    return `/v1/collections/${encodeURIComponent(collection)}`;
  }

  /** Collections this client made sure of: a chat need not ask again. */
  private readonly known = new Set<string>();

  /**
   * Creates the entity's collection if it does not exist yet (idempotent),
   * once per collection: a round trip saved on every question. `recheck`
   * asks again, for requests that cannot be replayed (an upload's stream).
   */
  async ensureCollection(
    collection: string,
    options: { recheck?: boolean } = {},
  ): Promise<void> {
    if (this.known.has(collection) && !options.recheck) return;
    await this.call(this.collectionPath(collection), { method: 'PUT' });
    this.known.add(collection);
  }

  /** The collection went away behind the portal's back (deleted on the service). */
  forgetCollection(collection: string) {
    this.known.delete(collection);
  }

  listDocuments(collection: string): Promise<ChatbotDocumentList> {
    return this.json(`${this.collectionPath(collection)}/documents`);
  }

  getJob(collection: string, jobId: string): Promise<ChatbotJob> {
    return this.json(
      `${this.collectionPath(collection)}/jobs/${encodeURIComponent(jobId)}`,
    );
  }

  async deleteDocument(collection: string, documentId: string): Promise<void> {
    await this.call(
      `${this.collectionPath(collection)}/documents/${encodeURIComponent(
        documentId,
      )}`,
      { method: 'DELETE' },
    );
  }

  /** Streams a multipart body through unchanged. */
  upload(
    collection: string,
    body: ReadableStream<Uint8Array>,
    contentType: string,
    signal: AbortSignal,
  ): Promise<ChatbotUploadAccepted> {
    return this.json(`${this.collectionPath(collection)}/documents`, {
      method: 'POST',
      body,
      headers: { 'content-type': contentType },
      signal,
      // Large PDFs take longer to send than a request may take to answer.
      timeoutMs: Math.max(this.timeoutMs, 300_000),
    });
  }

  /** The answer's SSE stream; throws before it starts, never after. */
  chat(
    collection: string,
    request: ChatbotChatRequest,
    signal: AbortSignal,
  ): Promise<Response> {
    return this.call(`${this.collectionPath(collection)}/chat`, {
      method: 'POST',
      body: JSON.stringify(request),
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
      },
      signal,
    });
  }
}
