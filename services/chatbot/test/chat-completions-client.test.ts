import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import {
  ChatCompletionsClient,
  parseChunk,
} from '../src/llm/ChatCompletionsClient.js';
import { chunk } from './fakes/openai.js';

// A model server on a real loopback socket that answers each request with
// the raw SSE body the test sets.
let body = '';
let holdOpen = false;
const server = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  if (holdOpen) res.write(body);
  else res.end(body);
});
let client: ChatCompletionsClient;

before(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  client = new ChatCompletionsClient(
    `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`,
    'key',
  );
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const request = { model: 'm', messages: [], stream: true as const };

async function read(raw: string, signal = new AbortController().signal) {
  body = raw;
  const res = await client.open(request, signal);
  const texts: string[] = [];
  for await (const c of client.chunks(res, signal))
    texts.push(c.choices[0]?.delta?.content ?? '');
  return texts;
}

test('reads data frames up to [DONE], across CRLF line endings, skipping comments', async () => {
  const frames = [
    ': keep-alive',
    `data: ${JSON.stringify(chunk('Hel'))}`,
    `data: ${JSON.stringify(chunk('lo'))}`,
    'data: [DONE]',
  ];
  assert.deepEqual(await read(frames.join('\r\n\r\n') + '\r\n\r\n'), [
    'Hel',
    'lo',
  ]);
});

test('a chunk with error: null is a chunk', async () => {
  assert.deepEqual(
    await read(
      `data: ${JSON.stringify({
        ...chunk('ok'),
        error: null,
      })}\n\ndata: [DONE]\n\n`,
    ),
    ['ok'],
  );
});

test('error frames end the stream with the server\'s message: {error: {message}}, TGI\'s {error: "…"}, and event: error', async () => {
  await assert.rejects(
    read(
      `data: ${JSON.stringify(
        chunk('a'),
      )}\n\ndata: {"error":{"message":"CUDA out of memory"}}\n\n`,
    ),
    /reported an error mid-answer: CUDA out of memory/,
  );
  await assert.rejects(
    read(
      'data: {"error":"Input validation error: inputs too long","error_type":"validation"}\n\n',
    ),
    /mid-answer: Input validation error/,
  );
  await assert.rejects(
    read('event: error\ndata: overloaded\n\n'),
    /mid-answer: overloaded/,
  );
});

test('frames that are not chunks are refused with what was sent', async () => {
  assert.throws(
    () => parseChunk({ event: undefined, data: 'null' }),
    /not a chunk: null/,
  );
  assert.throws(
    () => parseChunk({ event: undefined, data: '[1,2]' }),
    /not a chunk/,
  );
  assert.throws(
    () => parseChunk({ event: undefined, data: '{"choices": [' }),
    /not JSON: \{"choices": \[/,
  );
});

test('an abort mid-stream is reported as the abort, not as a dropped connection', async () => {
  holdOpen = true;
  try {
    const controller = new AbortController();
    body = `data: ${JSON.stringify(chunk('first'))}\n\n`;
    const res = await client.open(request, controller.signal);
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const c of client.chunks(res, controller.signal)) {
          seen.push(c.choices[0]!.delta!.content!);
          controller.abort(new Error('client disconnected'));
        }
      })(),
      /client disconnected/,
    );
    assert.deepEqual(seen, ['first']);
  } finally {
    holdOpen = false;
  }
});

test("a non-2xx answer rejects with its status, the server's message and Retry-After", async () => {
  const failing = http.createServer((req, res) => {
    req.resume();
    res.writeHead(429, {
      'content-type': 'application/json',
      'retry-after': '2',
    });
    res.end('{"error":{"message":"Rate limit reached"}}');
  });
  failing.listen(0, '127.0.0.1');
  await once(failing, 'listening');
  try {
    const c = new ChatCompletionsClient(
      `http://127.0.0.1:${(failing.address() as AddressInfo).port}/v1`,
      'key',
    );
    await assert.rejects(
      c.open(request, new AbortController().signal),
      (error: any) => {
        assert.equal(error.status, 429);
        assert.equal(error.retryAfterMs, 2000);
        assert.match(error.message, /answered 429: Rate limit reached/);
        return true;
      },
    );
  } finally {
    failing.close();
  }
});
