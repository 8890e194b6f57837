import { setupServer } from 'msw/node';
import { delay } from 'msw';
import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { FakeChatbotService, FakeJenkins } from '../__testUtils__/handlers';
import {
  ALICE,
  CONFIG,
  auth,
  freePort,
  startGateway,
} from '../__testUtils__/backend';

/*
 * Streaming over real sockets, through the backend's own root router
 * (backend-defaults, compression on), as a browser would see it.
 */
const chatbot = new FakeChatbotService();
const server = setupServer(
  ...chatbot.handlers(),
  ...new FakeJenkins().handlers(),
);
beforeAll(() =>
  server.listen({
    onUnhandledRequest: (req, print) => {
      if (!/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(req.url))
        print.error();
    },
  }),
);
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

let base: string;
beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const config = {
    ...CONFIG,
    llmChatbot: { ...CONFIG.llmChatbot, chatRateLimitPerMinute: 3 },
    backend: { baseUrl: base, listen: { host: '127.0.0.1', port } },
  };
  // startTestBackend reads its own server after start, which a real root
  // router replaces; the backend is up by then and test-utils stops it afterAll.
  await startGateway({ config, extra: [rootHttpRouterServiceFactory()] }).catch(
    error => {
      if (!/TestBackend server is not available/.test(String(error)))
        throw error;
    },
  );
});
beforeEach(() => chatbot.reset());

const DEMO = () =>
  `${base}/api/llm-chatbot/entities/component/default/demo-chatbot`;

async function conversation(): Promise<string> {
  const res = await fetch(`${DEMO()}/conversations`, {
    method: 'POST',
    headers: { ...auth(ALICE), 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'stream' }),
  });
  return (await res.json()).id;
}

function chat(conversationId: string, signal?: AbortSignal) {
  return fetch(`${DEMO()}/chat`, {
    method: 'POST',
    headers: {
      ...auth(ALICE),
      'content-type': 'application/json',
      'accept-encoding': 'gzip, deflate, br',
    },
    body: JSON.stringify({ conversationId, message: 'How do I reset?' }),
    signal,
  });
}

it('delivers the first event before the service has finished the answer, uncompressed', async () => {
  let release!: () => void;
  const released = new Promise<void>(resolve => (release = resolve));
  chatbot.chatScript = async ({ controller, frame }) => {
    controller.enqueue(
      frame('start', { conversationId: 'svc-1', standaloneQuestion: 'q' }),
    );
    await released; // the rest waits until the client has seen the first event
    controller.enqueue(frame('token', { text: 'Hold reset.' }));
    controller.enqueue(
      frame('done', {
        conversationId: 'svc-1',
        answered: true,
        usage: { promptTokens: 1, completionTokens: 1 },
        timings: { retrievalMs: 1, firstTokenMs: 1, totalMs: 1 },
      }),
    );
    controller.close();
  };
  const res = await chat(await conversation());
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  expect(res.headers.get('content-encoding')).toBeNull();
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const first = decoder.decode((await reader.read()).value);
  expect(first).toMatch(/^event: start\n/);
  release();
  let rest = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    rest += decoder.decode(value);
  }
  expect(rest).toMatch(/event: token[\s\S]*event: done/);
});

it('cancels the upstream answer when the browser goes away, and keeps what was said as stopped', async () => {
  chatbot.chatScript = async ({ controller, frame }) => {
    controller.enqueue(
      frame('start', { conversationId: 'svc-2', standaloneQuestion: 'q' }),
    );
    controller.enqueue(frame('token', { text: 'Hold ' }));
    // and then an answer that would go on for a long time
  };
  const id = await conversation();
  const abort = new AbortController();
  const res = await chat(id, abort.signal);
  const reader = res.body!.getReader();
  await reader.read();
  abort.abort();
  for (let i = 0; i < 40 && !chatbot.upstreamAborted; i++) await delay(50);
  expect(chatbot.upstreamAborted).toBe(true);
  let messages: any[] = [];
  for (let i = 0; i < 40 && messages.length < 2; i++) {
    await delay(50);
    const list = await fetch(`${DEMO()}/conversations/${id}/messages`, {
      headers: auth(ALICE),
    });
    messages = (await list.json()).messages;
  }
  expect(messages[1]).toEqual(
    expect.objectContaining({
      role: 'assistant',
      content: 'Hold ',
      status: 'stopped',
    }),
  );
});

it('limits questions per user with 429 and Retry-After', async () => {
  const id = await conversation();
  // Three a minute: earlier tests in this file asked twice already.
  const answers = [];
  for (let i = 0; i < 4; i++) {
    const res = await chat(id);
    answers.push({
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      body: await res.text(),
    });
  }
  const limited = answers.filter(a => a.status === 429);
  expect(limited.length).toBeGreaterThan(0);
  expect(Number(limited[0].retryAfter)).toBeGreaterThanOrEqual(1);
  expect(JSON.parse(limited[0].body).error.message).toMatch(
    /at most 3 questions a minute/,
  );
});
