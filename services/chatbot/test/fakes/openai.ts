import { http, HttpResponse, delay } from 'msw';

/**
 * An OpenAI-compatible server at the HTTP boundary, in the shapes the Chat
 * Completions and Embeddings APIs document: `chat.completion.chunk` SSE
 * frames ending in `data: [DONE]`, a final usage frame when
 * `stream_options.include_usage` is set, and `{data:[{embedding,index}]}`.
 */
export const LLM_BASE = 'http://llm.test/v1';

export function chunk(
  content: string | null,
  finish: string | null = null,
  usage?: object,
) {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'test-model',
    choices: usage
      ? []
      : [
          {
            index: 0,
            delta: content === null ? {} : { role: 'assistant', content },
            finish_reason: finish,
          },
        ],
    ...(usage ? { usage } : {}),
  };
}

export interface StreamScript {
  tokens: string[];
  delayMs?: number;
  /** Break the connection after this many tokens. */
  failAfter?: number;
  /** Close the stream cleanly after this many tokens, with no finish_reason (a proxy cutting it short). */
  closeAfter?: number;
  /** `length`: the model stopped at max_tokens; `content_filter`, `tool_calls`… Default `stop`. */
  finishReason?: string;
  onAbort?: () => void;
}

/** One Server-Sent Events data frame. */
export const sseData = (obj: unknown) => `data: ${JSON.stringify(obj)}\n\n`;

export function sseResponse(script: StreamScript, signal: AbortSignal) {
  const encoder = new TextEncoder();
  const frame = (obj: unknown) => encoder.encode(sseData(obj));
  signal.addEventListener('abort', () => script.onAbort?.());
  const stream = new ReadableStream({
    async start(controller) {
      for (const [i, token] of script.tokens.entries()) {
        if (signal.aborted) return;
        if (script.failAfter !== undefined && i === script.failAfter) {
          controller.error(new Error('upstream connection reset'));
          return;
        }
        if (script.closeAfter !== undefined && i === script.closeAfter) {
          controller.close();
          return;
        }
        controller.enqueue(frame(chunk(token)));
        if (script.delayMs) await delay(script.delayMs);
      }
      controller.enqueue(frame(chunk(null, script.finishReason ?? 'stop')));
      controller.enqueue(
        frame(
          chunk(null, null, {
            prompt_tokens: 42,
            completion_tokens: script.tokens.length,
            total_tokens: 42 + script.tokens.length,
          }),
        ),
      );
      controller.enqueue(encoder.encode('data: [DONE]\n\n'));
      controller.close();
    },
  });
  return new HttpResponse(stream, {
    headers: { 'content-type': 'text/event-stream' },
  });
}

export function completion(content: string) {
  return HttpResponse.json({
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'test-model',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content },
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  });
}

export const modelsHandler = http.get(`${LLM_BASE}/models`, () =>
  HttpResponse.json({
    object: 'list',
    data: [{ id: 'test-model', object: 'model', owned_by: 'test' }],
  }),
);

/**
 * POST /embeddings as OpenAI, TEI, Ollama and vLLM serve it. Vectors come
 * from the offline hashing embedder, so retrieval through the fake is real.
 */
export const EMBED_BASE = 'http://embed.test/v1';

export function embeddingsHandler(
  embed: (text: string) => number[],
  seen: any[] = [],
) {
  return http.post(`${EMBED_BASE}/embeddings`, async ({ request }) => {
    const body = (await request.json()) as {
      input: string[] | string;
      model: string;
    };
    seen.push(body);
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    return HttpResponse.json({
      object: 'list',
      model: body.model,
      data: inputs.map((text, index) => ({
        object: 'embedding',
        index,
        embedding: embed(text),
      })),
      usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
    });
  });
}
