import {
  test,
  before,
  after,
  afterEach,
  describe,
  type TestContext,
} from 'node:test';
import assert from 'node:assert/strict';
import { setupServer } from 'msw/node';
import { delay, http, HttpResponse } from 'msw';
import {
  api,
  auth,
  chat,
  ingest,
  startService,
  type RunningService,
} from './helpers/service.js';
import { textPdf } from './helpers/pdfs.js';
import { randomToken } from './helpers/process.mjs';
import {
  completion,
  LLM_BASE,
  modelsHandler,
  sseResponse,
} from './fakes/openai.js';
import { startFakeLlm, type FakeLlmOptions } from './fakes/llmServer.js';

const server = setupServer(modelsHandler);
let svc: RunningService;
const requests: any[] = [];

before(async () => {
  server.listen({ onUnhandledRequest: 'bypass' });
  server.events.on('request:start', async ({ request }) => {
    if (request.url.startsWith(LLM_BASE) && request.method === 'POST')
      requests.push(await request.clone().json());
  });
  svc = await startService({
    LLM_PROVIDER: 'openai',
    LLM_BASE_URL: LLM_BASE,
    LLM_API_KEY: randomToken(),
    LLM_MODEL: 'test-model',
    UPSTREAM_RETRIES: '2',
  });
  await api(svc.url, 'PUT', '/v1/collections/docs');
  const manual = await textPdf([
    'Intro page.',
    'Hold the reset button for ten seconds to restore factory settings.',
  ]);
  assert.equal(
    (await ingest(svc.url, 'docs', 'manual.pdf', manual)).status,
    'succeeded',
  );
});

afterEach(() => {
  server.resetHandlers();
  requests.length = 0;
});

after(async () => {
  await svc.close();
  server.close();
});

const question = {
  message: 'How do I restore factory settings with the reset button?',
};

/** Another service for one test, with its own settings and the manual in "docs"; closed after the test. */
async function serviceWith(t: TestContext, env: Record<string, string>) {
  const service = await startService({ LLM_PROVIDER: 'openai', ...env });
  t.after(() => service.close());
  await api(service.url, 'PUT', '/v1/collections/docs');
  await ingest(
    service.url,
    'docs',
    'manual.pdf',
    await textPdf([
      'Hold the reset button for ten seconds to restore factory settings.',
    ]),
  );
  return service;
}

/**
 * A model server on a real loopback socket, 100 tokens 50 ms apart by
 * default: what it sees is the connection closing, which msw cannot show.
 */
async function realSocketModel(
  t: TestContext,
  options: Partial<FakeLlmOptions>,
) {
  const llm = await startFakeLlm({
    ttftMs: 0,
    tokens: Array.from({ length: 100 }, (_, i) => `t${i} `),
    intervalMs: 50,
    ...options,
  });
  t.after(() => llm.close());
  return llm;
}

describe('OpenAI-compatible LLM (TGI, vLLM, Ollama, OpenAI)', () => {
  test('streams the model tokens, sends the retrieved context and reports usage', async () => {
    server.use(
      http.post(`${LLM_BASE}/chat/completions`, ({ request }) =>
        sseResponse(
          {
            tokens: ['Hold ', 'it ', 'ten ', 'seconds ', '[manual.pdf p. 2].'],
          },
          request.signal,
        ),
      ),
    );
    const { events, answer } = await chat(svc.url, 'docs', question);
    assert.equal(answer, 'Hold it ten seconds [manual.pdf p. 2].');
    assert.equal(events.filter(e => e.event === 'token').length, 5);
    const done = events.at(-1)!;
    assert.equal(done.event, 'done');
    assert.deepEqual(done.data.usage, {
      promptTokens: 42,
      completionTokens: 5,
    });
    assert.equal(done.data.truncated, false);
    const sent = requests[0];
    assert.equal(sent.model, 'test-model');
    assert.equal(sent.stream, true);
    assert.deepEqual(sent.stream_options, { include_usage: true });
    assert.match(
      sent.messages.at(-1).content,
      /\[manual\.pdf p\. 2\]\nHold the reset button/,
    );
    assert.match(
      sent.messages[0].content,
      /could not find it in the documents/,
    );
  });

  test('a follow-up whose rewrite fails still tells the client its conversation, then the error', async () => {
    server.use(
      http.post(`${LLM_BASE}/chat/completions`, async ({ request }) => {
        const body = (await request.clone().json()) as { stream?: boolean };
        return body.stream
          ? sseResponse({ tokens: ['Hold it.'] }, request.signal)
          : HttpResponse.json({ error: { message: 'bad' } }, { status: 400 });
      }),
    );
    const first = await chat(svc.url, 'docs', question);
    const conversationId = first.events[0].data.conversationId;
    const { events } = await chat(svc.url, 'docs', {
      conversationId,
      message: 'And then?',
    });
    assert.deepEqual(
      events.map(e => e.event),
      ['start', 'error'],
    );
    assert.equal(events[0].data.conversationId, conversationId);
    assert.match(events[1].data.message, /answered 400/);
  });

  test('rewrites a follow-up with the model before retrieving', async () => {
    server.use(
      http.post(`${LLM_BASE}/chat/completions`, async ({ request }) => {
        const body = (await request.clone().json()) as any;
        return body.stream
          ? sseResponse({ tokens: ['Ten seconds.'] }, request.signal)
          : completion('How long must the reset button be held?');
      }),
    );
    const first = await chat(svc.url, 'docs', question);
    const conversationId = first.events[0].data.conversationId;
    const second = await chat(svc.url, 'docs', {
      conversationId,
      message: 'For how long?',
    });
    assert.equal(
      second.events[0].data.standaloneQuestion,
      'How long must the reset button be held?',
    );
    const rewrite = requests.find(
      r =>
        !r.stream &&
        r.messages.some((m: any) => /standalone question/.test(m.content)),
    );
    assert.ok(rewrite, 'a rewrite request was sent');
    assert.ok(
      rewrite.messages.some((m: any) => m.content === question.message),
      'history was sent',
    );
  });

  test('retries a 429 after the Retry-After it carries, and a bare 429 from TGI-style servers after a backoff', async () => {
    let calls = 0;
    const at: number[] = [];
    server.use(
      http.post(`${LLM_BASE}/chat/completions`, ({ request }) => {
        calls++;
        at.push(performance.now());
        if (calls === 1) {
          return HttpResponse.json(
            {
              error: {
                message: 'Rate limit reached',
                type: 'rate_limit_error',
              },
            },
            // Longer than the first backoff (125-250 ms at baseDelayMs 250): only honouring it waits this long.
            { status: 429, headers: { 'retry-after': '0.6' } },
          );
        }
        if (calls === 2)
          return HttpResponse.json(
            { error: 'Model is overloaded' },
            { status: 429 },
          );
        return sseResponse({ tokens: ['OK'] }, request.signal);
      }),
    );
    const { answer, events } = await chat(svc.url, 'docs', question);
    assert.equal(calls, 3);
    assert.ok(
      at[1] - at[0] >= 580,
      `waited ${Math.round(at[1] - at[0])} ms, not Retry-After's 600`,
    );
    // No header: the second backoff, 250-500 ms. A lower bound only: an upper one flakes under load.
    assert.ok(
      at[2] - at[1] >= 200,
      `a bare 429 was retried after ${Math.round(at[2] - at[1])} ms`,
    );
    assert.equal(answer, 'OK');
    assert.equal(events.at(-1)!.event, 'done');
  });

  test('sends an error event naming the upstream failure when the model server keeps failing', async () => {
    server.use(
      http.post(`${LLM_BASE}/chat/completions`, () =>
        HttpResponse.json(
          { error: { message: 'model overloaded' } },
          { status: 503 },
        ),
      ),
    );
    const { events } = await chat(svc.url, 'docs', question);
    const error = events.at(-1)!;
    assert.equal(error.event, 'error');
    assert.match(error.data.message, /llm: .*503/);
    assert.ok(error.data.requestId);
    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    assert.match(
      metrics,
      /chatbot_upstream_errors_total\{provider="llm",kind="retryable"\} [1-9]/,
    );
  });

  test('sends an error event after partial output when the upstream stream breaks', async () => {
    server.use(
      http.post(`${LLM_BASE}/chat/completions`, ({ request }) =>
        sseResponse(
          {
            tokens: ['Partial ', 'answer ', 'never ', 'finished'],
            failAfter: 2,
            delayMs: 10,
          },
          request.signal,
        ),
      ),
    );
    const { events, answer } = await chat(svc.url, 'docs', question);
    assert.equal(answer, 'Partial answer ');
    assert.equal(events.at(-1)!.event, 'error');
    assert.ok(!events.some(e => e.event === 'done'));
  });

  test("an error frame mid-stream ends the answer with the server's message, and the connection is closed at once", async t => {
    let upstreamClosedAt = 0;
    const llm = await realSocketModel(t, {
      errorAfter: 2,
      onClientGone: () => (upstreamClosedAt = performance.now()),
    });
    const erring = await serviceWith(t, { LLM_BASE_URL: llm.url });
    const { events, answer } = await chat(erring.url, 'docs', question);
    assert.equal(answer, 't0 t1 ');
    assert.equal(events.at(-1)!.event, 'error');
    assert.match(
      events.at(-1)!.data.message,
      /the model server reported an error mid-answer: CUDA out of memory/,
    );
    // Within a second of the answer's end, not after a 5 s drain or the 5 s of tokens left.
    const deadline = Date.now() + 1000;
    while (!upstreamClosedAt && Date.now() < deadline)
      await new Promise(r => setTimeout(r, 10));
    assert.ok(upstreamClosedAt, 'the model server saw the connection close');
  });

  test('retries a connection that fails before any answer', async () => {
    let calls = 0;
    server.use(
      http.post(`${LLM_BASE}/chat/completions`, ({ request }) =>
        ++calls === 1
          ? HttpResponse.error()
          : sseResponse({ tokens: ['OK'] }, request.signal),
      ),
    );
    const { answer, events } = await chat(svc.url, 'docs', question);
    assert.equal(calls, 2);
    assert.equal(answer, 'OK');
    assert.equal(events.at(-1)!.event, 'done');
  });

  test('sends an error event when the stream closes before the model finished the answer', async () => {
    server.use(
      http.post(`${LLM_BASE}/chat/completions`, ({ request }) =>
        sseResponse(
          { tokens: ['Cut ', 'short ', 'here'], closeAfter: 2 },
          request.signal,
        ),
      ),
    );
    const { events, answer } = await chat(svc.url, 'docs', question);
    assert.equal(answer, 'Cut short ');
    assert.equal(events.at(-1)!.event, 'error');
    assert.match(
      events.at(-1)!.data.message,
      /closed the stream before the answer was complete/,
    );
  });

  test('an answer the model stopped at max_tokens is marked truncated', async () => {
    server.use(
      http.post(`${LLM_BASE}/chat/completions`, ({ request }) =>
        sseResponse(
          { tokens: ['Hold ', 'the '], finishReason: 'length' },
          request.signal,
        ),
      ),
    );
    const { events, answer } = await chat(svc.url, 'docs', question);
    assert.equal(answer, 'Hold the ');
    const done = events.at(-1)!;
    assert.equal(done.event, 'done');
    assert.equal(done.data.truncated, true);
    assert.deepEqual(done.data.usage, {
      promptTokens: 42,
      completionTokens: 2,
    });
  });

  test('an answer the content filter stopped, a tool call, or an empty answer ends with an error saying so', async () => {
    for (const [tokens, finishReason, expected] of [
      [['Hold '], 'content_filter', /content filter stopped the answer/],
      [[], 'tool_calls', /asked to call a tool .*offers none/],
      [[], 'stop', /the model returned an empty answer/],
    ] as const) {
      server.use(
        http.post(`${LLM_BASE}/chat/completions`, ({ request }) =>
          sseResponse({ tokens: [...tokens], finishReason }, request.signal),
        ),
      );
      const { events } = await chat(svc.url, 'docs', question);
      const last = events.at(-1)!;
      assert.equal(last.event, 'error', finishReason);
      assert.match(last.data.message, expected);
    }
  });

  test('memory keeps the first 8,000 characters of a runaway answer, which every follow-up resends', async () => {
    const word = 'runaway ';
    server.use(
      http.post(`${LLM_BASE}/chat/completions`, ({ request }) =>
        sseResponse(
          { tokens: Array.from({ length: 5000 }, () => word) },
          request.signal,
        ),
      ),
    );
    const first = await chat(svc.url, 'docs', question);
    assert.equal(
      first.answer.length,
      5000 * word.length,
      'the user sees it all',
    );
    const conversationId = first.events[0].data.conversationId;
    requests.length = 0;
    await chat(svc.url, 'docs', { conversationId, message: 'And then?' });
    const resent = requests
      .flatMap(r => r.messages)
      .find((m: any) => m.role === 'assistant' || /runaway/.test(m.content));
    assert.ok(resent, 'the answer is resent with the follow-up');
    const kept = (resent.content.match(/runaway/g) ?? []).length;
    assert.ok(kept > 900 && kept <= 1000, `${kept} words resent`);
  });

  test('[DONE] without a finish_reason ends the answer, and chunks without choices are skipped', async () => {
    const frame = (data: object) => `data: ${JSON.stringify(data)}\n\n`;
    const delta = (content: string) => ({
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta: { content } }],
    });
    server.use(
      http.post(
        `${LLM_BASE}/chat/completions`,
        () =>
          new HttpResponse(
            frame(delta('Hold ')) +
              frame({}) +
              frame({ object: 'chat.completion.chunk', id: 'keep-alive' }) +
              frame(delta('it.')) +
              'data: [DONE]\n\n',
            { headers: { 'content-type': 'text/event-stream' } },
          ),
      ),
    );
    const { events, answer } = await chat(svc.url, 'docs', question);
    assert.equal(answer, 'Hold it.');
    assert.equal(events.at(-1)!.event, 'done');
  });

  test("a whole JSON body where a stream was asked for ends the answer with the server's words", async () => {
    for (const [body, expected] of [
      [
        { error: { message: 'model not loaded yet' } },
        /answered 200: model not loaded yet/,
      ],
      [
        {
          object: 'chat.completion',
          choices: [{ message: { role: 'assistant', content: 'Hi' } }],
        },
        /one JSON body \(chat\.completion\) instead of a stream; check that the server supports "stream": true/,
      ],
    ] as const) {
      let calls = 0;
      server.use(
        http.post(`${LLM_BASE}/chat/completions`, () => {
          calls++;
          return HttpResponse.json(body);
        }),
      );
      const { events } = await chat(svc.url, 'docs', question);
      assert.equal(events.at(-1)!.event, 'error');
      assert.match(events.at(-1)!.data.message, expected);
      assert.equal(
        calls,
        1,
        'not retried: the same request gets the same body',
      );
    }
  });

  test('a 404 from the model server points at LLM_BASE_URL', async () => {
    server.use(
      http.post(`${LLM_BASE}/chat/completions`, () =>
        HttpResponse.text('404 page not found', { status: 404 }),
      ),
    );
    const { events } = await chat(svc.url, 'docs', question);
    assert.match(
      events.at(-1)!.data.message,
      /answered 404: 404 page not found \(POST \/v1\/chat\/completions: check LLM_BASE_URL, which for OpenAI-compatible servers usually ends in \/v1\)/,
    );
  });

  test('a server that echoes the API key in its error shows [redacted] instead', async () => {
    let key = '';
    server.use(
      http.post(`${LLM_BASE}/chat/completions`, ({ request }) => {
        key = request.headers.get('authorization')!.replace(/^Bearer /, '');
        return HttpResponse.json(
          {
            error: {
              message: `Incorrect API key provided: ${key}`,
              type: 'invalid_request_error',
            },
          },
          { status: 401 },
        );
      }),
    );
    const { events } = await chat(svc.url, 'docs', question);
    const { message } = events.at(-1)!.data;
    assert.ok(key.length >= 16);
    assert.ok(!message.includes(key), message);
    assert.match(
      message,
      /answered 401: Incorrect API key provided: \[redacted\]/,
    );
  });

  test('a Retry-After longer than UPSTREAM_TIMEOUT_MS is waited out, and the retry gets its own clock', async t => {
    let calls = 0;
    server.use(
      http.post(`${LLM_BASE}/chat/completions`, ({ request }) =>
        ++calls === 1
          ? HttpResponse.json(
              { error: { message: 'Rate limit reached' } },
              { status: 429, headers: { 'retry-after': '0.7' } },
            )
          : sseResponse({ tokens: ['OK'] }, request.signal),
      ),
    );
    const quick = await serviceWith(t, {
      LLM_BASE_URL: LLM_BASE,
      UPSTREAM_TIMEOUT_MS: '400',
      UPSTREAM_RETRIES: '1',
    });
    const { answer, events } = await chat(quick.url, 'docs', question);
    assert.equal(calls, 2);
    assert.equal(answer, 'OK');
    assert.equal(events.at(-1)!.event, 'done');
  });

  test('a collection deleted while its answer streams ends the answer saying so', async t => {
    const llm = await realSocketModel(t, {
      tokens: Array.from({ length: 20 }, (_, i) => `t${i} `),
      intervalMs: 25,
    });
    const deleting = await serviceWith(t, { LLM_BASE_URL: llm.url });
    const answering = chat(deleting.url, 'docs', question);
    await new Promise(r => setTimeout(r, 150));
    assert.equal(
      (await api(deleting.url, 'DELETE', '/v1/collections/docs')).status,
      204,
    );
    const { events, answer } = await answering;
    assert.equal(answer.split(' ').length, 21, 'the answer was delivered');
    assert.equal(events.at(-1)!.event, 'error');
    assert.match(
      events.at(-1)!.data.message,
      /collection docs was deleted while this answer was streaming; the conversation was not saved/,
    );
  });

  test('cancels the upstream LLM call when the client disconnects', async t => {
    let upstreamAborted = false;
    const llm = await realSocketModel(t, {
      onClientGone: () => (upstreamAborted = true),
    });
    const streaming = await serviceWith(t, { LLM_BASE_URL: llm.url });
    const client = new AbortController();
    const res = await fetch(`${streaming.url}/v1/collections/docs/chat`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(question),
      signal: client.signal,
    });
    const reader = res.body!.getReader();
    let seen = '';
    while (!seen.includes('event: token'))
      seen += new TextDecoder().decode((await reader.read()).value);
    client.abort();
    const deadline = Date.now() + 2000;
    while (!upstreamAborted && Date.now() < deadline)
      await new Promise(r => setTimeout(r, 20));
    assert.equal(upstreamAborted, true, 'the upstream request was aborted');
    await new Promise(r => setTimeout(r, 100));
    assert.equal(streaming.streams.size, 0);
  });

  test('LLM_STREAM_USAGE=false leaves stream_options out for servers that refuse it', async t => {
    const plain = await serviceWith(t, {
      LLM_BASE_URL: LLM_BASE,
      LLM_STREAM_USAGE: 'false',
    });
    server.use(
      http.post(`${LLM_BASE}/chat/completions`, async ({ request }) => {
        const body = (await request.clone().json()) as any;
        // As an older server would: an unknown field is a 422.
        if ('stream_options' in body)
          return HttpResponse.json(
            { error: 'unknown field `stream_options`' },
            { status: 422 },
          );
        return sseResponse({ tokens: ['Ten ', 'seconds.'] }, request.signal);
      }),
    );
    const { answer, events } = await chat(plain.url, 'docs', question);
    assert.equal(answer, 'Ten seconds.');
    assert.equal(events.at(-1)!.event, 'done');
    assert.equal(requests.at(-1).stream_options, undefined);
  });

  test('a model server that goes silent mid-stream ends the answer with an error after UPSTREAM_TIMEOUT_MS', async t => {
    const impatient = await serviceWith(t, {
      LLM_BASE_URL: LLM_BASE,
      UPSTREAM_TIMEOUT_MS: '300',
      UPSTREAM_RETRIES: '2',
    });
    server.use(
      http.post(`${LLM_BASE}/chat/completions`, ({ request }) =>
        sseResponse({ tokens: ['Hold ', 'it'], delayMs: 3000 }, request.signal),
      ),
    );
    const started = performance.now();
    const { events, answer } = await chat(impatient.url, 'docs', question);
    assert.equal(answer, 'Hold ');
    assert.equal(events.at(-1)!.event, 'error');
    assert.match(
      events.at(-1)!.data.message,
      /no answer from the model server in 300 ms/,
    );
    assert.ok(
      performance.now() - started < 2500,
      'the stall was cut short, not waited out',
    );

    // Silent before the headers too: the idle timeout aborts, and an abort is not retried.
    let calls = 0;
    server.use(
      http.post(`${LLM_BASE}/chat/completions`, async ({ request }) => {
        calls++;
        await delay(2000);
        return sseResponse({ tokens: ['late'] }, request.signal);
      }),
    );
    const silent = await chat(impatient.url, 'docs', question);
    assert.equal(silent.events.at(-1)!.event, 'error');
    assert.match(
      silent.events.at(-1)!.data.message,
      /no answer from the model server in 300 ms/,
    );
    assert.equal(calls, 1, 'not retried');
  });

  test('readiness follows the model server', async () => {
    assert.equal((await fetch(`${svc.url}/readyz`)).status, 200);
    server.use(
      http.get(`${LLM_BASE}/models`, () =>
        HttpResponse.json({ error: 'down' }, { status: 502 }),
      ),
    );
    const res = await fetch(`${svc.url}/readyz`);
    assert.equal(res.status, 503);
    assert.match((await res.json()).checks.llm, /502/);
  });
});
