import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import { parseRetryAfter } from '../util/retry.js';

/** The model server answered with a status other than 2xx. */
export class ModelServerStatusError extends Error {
  name = 'ModelServerStatusError';
  constructor(
    readonly status: number,
    detail: string,
    /** From Retry-After, when the server sent one. */
    readonly retryAfterMs: number | undefined,
  ) {
    super(`the model server answered ${status}: ${detail}`);
  }
}

// Error bodies are read for their message only, never in full.
const MAX_ERROR_BODY = 8 * 1024;

/**
 * `POST {baseUrl}/chat/completions` with `stream: true` over node:http, as
 * the Chat Completions API documents it: `data:` frames of
 * `chat.completion.chunk` ending with `data: [DONE]`, parsed by
 * eventsource-parser. The wire shapes are the openai SDK's own types.
 *
 * This one call does not go through the openai SDK because it is the hot
 * path: per streamed answer the SDK's fetch, web streams and SSE decoder
 * cost about 2× the CPU of node:http with eventsource-parser (`npm run
 * bench`, "CPU per streamed answer"), and at 50 concurrent chats that CPU
 * queues on the event loop as time to first token. What the SDK's stream
 * also did is done here: error frames become errors with the server's
 * message, and a reader that stops early cancels the request.
 */
export class ChatCompletionsClient {
  private readonly url: URL;
  private readonly agent: http.Agent;

  constructor(baseUrl: string, private readonly apiKey: string) {
    this.url = new URL(`${baseUrl.replace(/\/+$/, '')}/chat/completions`);
    const Agent = this.url.protocol === 'https:' ? https.Agent : http.Agent;
    this.agent = new Agent({ keepAlive: true });
  }

  /**
   * Sends the request and resolves once a 2xx status arrives. Non-2xx
   * answers reject with ModelServerStatusError; refused or reset
   * connections with node's error; an abort with node's AbortError.
   */
  open(
    body: ChatCompletionCreateParamsStreaming,
    signal: AbortSignal,
  ): Promise<IncomingMessage> {
    const payload = JSON.stringify(body);
    const request =
      this.url.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const req = request(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          signal,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            accept: 'text/event-stream',
            authorization: `Bearer ${this.apiKey}`,
          },
        },
        res => {
          const status = res.statusCode ?? 0;
          const type = String(res.headers['content-type'] ?? '');
          if (status >= 200 && status < 300 && !/json/i.test(type))
            return resolve(res);
          if (status >= 200 && status < 300) {
            // A whole JSON body where a stream was asked for: an error some
            // proxies send with 200, or a server that ignores `stream`.
            readSome(res, MAX_ERROR_BODY).then(
              text =>
                reject(
                  new ModelServerStatusError(
                    status,
                    notAStream(text),
                    undefined,
                  ),
                ),
              reject,
            );
            return;
          }
          readSome(res, MAX_ERROR_BODY).then(
            text =>
              reject(
                new ModelServerStatusError(
                  status,
                  errorDetail(text) +
                    // Most often a base URL without its /v1.
                    (status === 404
                      ? ` (POST ${this.url.pathname}: check LLM_BASE_URL, which for OpenAI-compatible servers usually ends in /v1)`
                      : ''),
                  parseRetryAfter(res.headers['retry-after']),
                ),
              ),
            reject,
          );
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /**
   * The chunks of an opened stream, up to `[DONE]` or the end of the
   * response. A reader that stops before `[DONE]` (or an error frame) closes
   * the connection, which tells the server to stop generating. `signal` is
   * the one the request was opened with: its abort is reported as itself,
   * not as the broken connection it causes.
   */
  async *chunks(
    res: IncomingMessage,
    signal: AbortSignal,
    /** Set when `[DONE]` arrives: the server's own end of the answer. */
    stream: { done: boolean } = { done: false },
  ): AsyncGenerator<ChatCompletionChunk> {
    res.setEncoding('utf8');
    const frames: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: event => frames.push(event) });
    let done = false;
    try {
      for await (const text of res.iterator({ destroyOnReturn: false })) {
        parser.feed(text as string);
        for (const frame of frames.splice(0)) {
          if (frame.data === '[DONE]') {
            done = true;
            stream.done = true;
            return;
          }
          yield parseChunk(frame);
        }
      }
    } catch (error) {
      if (signal.aborted) throw signal.reason ?? error;
      // node reports a connection cut mid-response as "aborted".
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ECONNRESET' || (error as Error).message === 'aborted') {
        throw new Error('the model server dropped the connection mid-answer', {
          cause: error,
        });
      }
      throw error;
    } finally {
      if (!res.readableEnded) {
        if (done) drainAfterDone(res);
        else res.destroy();
      }
    }
  }
}

// After [DONE] the server ends the response, often in a later packet.
const DRAIN_AFTER_DONE_MS = 5_000;

/**
 * Reads the rest of a response whose [DONE] has been seen in the background,
 * which returns the connection to the pool; a server that holds it open
 * loses it after DRAIN_AFTER_DONE_MS.
 */
function drainAfterDone(res: IncomingMessage) {
  if (res.destroyed) return;
  const timer = setTimeout(() => res.destroy(), DRAIN_AFTER_DONE_MS).unref();
  res.on('error', () => undefined);
  res.on('close', () => clearTimeout(timer));
  res.resume();
}

/** A chunk, or the server's own error: an `event: error` frame or `{error}` data, as vLLM and TGI send mid-stream. */
export function parseChunk(
  frame: Pick<EventSourceMessage, 'event' | 'data'>,
): ChatCompletionChunk {
  let body: ChatCompletionChunk & {
    error?: { message?: string } | string | null;
  };
  try {
    body = JSON.parse(frame.data);
  } catch {
    if (frame.event === 'error')
      throw new Error(
        `the model server reported an error mid-answer: ${frame.data.slice(
          0,
          300,
        )}`,
      );
    throw new Error(
      `the model server sent a frame that is not JSON: ${frame.data.slice(
        0,
        120,
      )}`,
    );
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new Error(
      `the model server sent a frame that is not a chunk: ${frame.data.slice(
        0,
        120,
      )}`,
    );
  }
  if (frame.event === 'error' || body.error) {
    const detail =
      typeof body.error === 'string'
        ? body.error
        : body.error?.message ?? frame.data.slice(0, 300);
    throw new Error(`the model server reported an error mid-answer: ${detail}`);
  }
  return body;
}

async function readSome(res: IncomingMessage, limit: number): Promise<string> {
  let text = '';
  res.setEncoding('utf8');
  for await (const part of res) {
    text += part;
    if (text.length >= limit) {
      res.destroy();
      break;
    }
  }
  return text.slice(0, limit);
}

/** What a JSON body sent instead of the asked-for stream says. */
function notAStream(text: string): string {
  let body: { error?: unknown; object?: string } | undefined;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON after all */
  }
  return body?.error
    ? errorDetail(text)
    : `one JSON body (${
        body?.object ?? 'not a chunk'
      }) instead of a stream; check that the server supports "stream": true`;
}

/** `{error: {message}}` (OpenAI, vLLM), `{error: "..."}` (TGI), `{message}`, or the text itself. */
function errorDetail(text: string): string {
  try {
    const body = JSON.parse(text) as {
      error?: { message?: string } | string;
      message?: string;
    };
    const detail =
      typeof body.error === 'string'
        ? body.error
        : body.error?.message ?? body.message;
    if (detail) return detail;
  } catch {
    /* not JSON */
  }
  return text.trim().slice(0, 300) || 'no error message';
}
