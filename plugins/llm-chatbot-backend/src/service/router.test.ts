import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { setupServer } from 'msw/node';
import { http, HttpResponse, delay } from 'msw';
import {
  CHATBOT_URL,
  answerWith,
  FakeChatbotService,
  FakeJenkins,
  JENKINS_URL,
} from '../__testUtils__/handlers';
import {
  ALICE,
  BOB,
  audits,
  auth,
  denied,
  startGateway,
} from '../__testUtils__/backend';

const chatbot = new FakeChatbotService();
const jenkins = new FakeJenkins();
const server = setupServer(...chatbot.handlers(), ...jenkins.handlers());
// registerMswTestHooks would also refuse the tests' own calls to the backend
// on loopback: let those through, and fail any other unhandled request.
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

const DEMO = '/api/llm-chatbot/entities/component/default/demo-chatbot';
const DOC = '3f2b6c1e-5d4a-4e8f-9b7c-2a1d0e9f8c7b';
const pdf = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n');

let backend: Awaited<ReturnType<typeof startGateway>>;
beforeAll(async () => {
  backend = await startGateway();
});
afterAll(() => backend.stop());
beforeEach(() => {
  chatbot.reset();
  jenkins.reset();
  denied.clear();
  audits.length = 0;
});

const api = () => request(backend.server);

describe('which service an entity talks to', () => {
  it('lists the documents of the service its annotation names, with the portal token', async () => {
    chatbot.collections.add('demo-chatbot');
    chatbot.documents.set('demo-chatbot', [
      { id: 'd1', filename: 'a.pdf', bytes: 3 },
    ]);
    const res = await api().get(`${DEMO}/documents`).set(auth(ALICE));
    expect(res.status).toBe(200);
    expect(res.body.documents.map((d: any) => d.filename)).toEqual(['a.pdf']);
  });

  it('answers an empty list before the first upload made the collection', async () => {
    const res = await api().get(`${DEMO}/documents`).set(auth(ALICE));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ documents: [] });
  });

  it('returns 404 naming the config key to add for an unknown service name', async () => {
    const res = await api()
      .get('/api/llm-chatbot/entities/component/default/unknown-bot/documents')
      .set(auth(ALICE));
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(
      /add llmChatbot\.services\.nope\.baseUrl/,
    );
  });

  it('never calls a URL held in the annotation', async () => {
    const calls: string[] = [];
    server.events.on('request:start', ({ request: r }) => calls.push(r.url));
    const res = await api()
      .get('/api/llm-chatbot/entities/component/default/url-bot/documents')
      .set(auth(ALICE));
    server.events.removeAllListeners();
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/holds a URL/);
    expect(calls.filter(u => u.includes('169.254'))).toEqual([]);
  });

  it('refuses an entity that names a service it is not allowed to use, whoever owns it', async () => {
    chatbot.collections.add('demo-chatbot');
    chatbot.documents.set('demo-chatbot', [
      { id: 'd1', filename: 'a.pdf', bytes: 3 },
    ]);
    const intruder = '/api/llm-chatbot/entities/component/default/intruder';
    const list = await api().get(`${intruder}/documents`).set(auth(ALICE));
    expect(list.status).toBe(404);
    expect(list.body.error.message).toMatch(
      /add it to llmChatbot\.services\.demo\.entities/,
    );
    const del = await api()
      .delete(`${intruder}/documents/8a4f1f2e-4b8c-4a8e-9c1e-1f2e3d4c5b6a`)
      .set(auth(ALICE));
    expect(del.status).toBe(404);
    expect(chatbot.documents.get('demo-chatbot')).toHaveLength(1);
  });

  it('refuses a collection or a Jenkins job that two entities claim, to both (409)', async () => {
    for (const name of ['team-bot', 'team-thief']) {
      const res = await api()
        .get(`/api/llm-chatbot/entities/component/default/${name}/documents`)
        .set(auth(ALICE));
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(
        new RegExp(
          `collection "team-bot" of chatbot service "open" is claimed by 1 other entity as well as component:default/${name}; it belongs to one entity only`,
        ),
      );
      expect(res.body.error.message).not.toMatch(
        name === 'team-bot' ? /team-thief/ : /component:default\/team-bot\b/,
      );
    }
    const runs = await api()
      .post(
        '/api/llm-chatbot/entities/component/default/job-thief/pipeline/runs',
      )
      .set(auth(ALICE));
    expect(runs.status).toBe(409);
    expect(runs.body.error.message).toMatch(
      /Jenkins job default:chatbots\/team-bot is claimed by 1 other entity/,
    );
    expect(jenkins.builds).toEqual([]);
    expect(chatbot.collections.size).toBe(0);
  });

  it('names the collection after the whole entity ref when no annotation names one', async () => {
    const seen: string[] = [];
    server.events.on('request:start', ({ request: r }) =>
      seen.push(new URL(r.url).pathname),
    );
    await api()
      .get('/api/llm-chatbot/entities/component/default/open-bot/documents')
      .set(auth(ALICE));
    server.events.removeAllListeners();
    expect(seen).toContain('/v1/collections/default-open-bot/documents');
  });

  it('never turns a document or job id into another path on the service', async () => {
    chatbot.collections.add('demo-chatbot');
    chatbot.documents.set('demo-chatbot', [
      { id: 'd1', filename: 'a.pdf', bytes: 3 },
    ]);
    const calls: string[] = [];
    server.events.on('request:start', ({ request: r }) =>
      calls.push(`${r.method} ${r.url}`),
    );
    for (const id of ['%2E%2E', '..%2F..', 'not-a-uuid']) {
      expect(
        (await api().delete(`${DEMO}/documents/${id}`).set(auth(ALICE))).status,
      ).toBe(404);
      expect(
        (await api().get(`${DEMO}/jobs/${id}`).set(auth(ALICE))).status,
      ).toBe(404);
      expect(
        (
          await api()
            .get(`${DEMO}/conversations/${id}/messages`)
            .set(auth(ALICE))
        ).status,
      ).toBe(404);
    }
    server.events.removeAllListeners();
    expect(calls.filter(c => c.includes(CHATBOT_URL))).toEqual([]);
    expect(chatbot.collections.has('demo-chatbot')).toBe(true);
  });

  it('returns 404 for an entity the catalog does not have', async () => {
    const res = await api()
      .get('/api/llm-chatbot/entities/component/default/missing/documents')
      .set(auth(ALICE));
    expect(res.status).toBe(404);
  });

  it('refuses callers that are not signed in', async () => {
    const res = await api()
      .get(`${DEMO}/documents`)
      .set('Authorization', 'Bearer not-a-token');
    expect(res.status).toBe(401);
  });
});

describe('permissions', () => {
  const cases: [string, string, () => request.Test][] = [
    [
      'llm-chatbot.documents.read',
      'lists documents',
      () => api().get(`${DEMO}/documents`),
    ],
    [
      'llm-chatbot.documents.manage',
      'uploads',
      () => api().post(`${DEMO}/documents`).attach('files', pdf, 'a.pdf'),
    ],
    [
      'llm-chatbot.documents.manage',
      'deletes',
      () => api().delete(`${DEMO}/documents/d1`),
    ],
    [
      'llm-chatbot.chat',
      'lists conversations',
      () => api().get(`${DEMO}/conversations`),
    ],
    [
      'llm-chatbot.chat',
      'chats',
      () =>
        api().post(`${DEMO}/chat`).send({
          conversationId: '8a4f1f2e-4b8c-4a8e-9c1e-1f2e3d4c5b6a',
          message: 'hi',
        }),
    ],
    [
      'llm-chatbot.pipeline.run',
      'runs the pipeline',
      () => api().post(`${DEMO}/pipeline/runs`),
    ],
  ];
  for (const [permission, what, call] of cases) {
    it(`returns 403 naming ${permission} when the user may not do what ${what} needs`, async () => {
      chatbot.collections.add('demo-chatbot');
      denied.set(BOB, new Set([permission]));
      const res = await call().set(auth(BOB));
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain(permission);
      expect(chatbot.uploads).toEqual([]);
      expect(jenkins.builds).toEqual([]);
    });
    it(`lets a user with ${permission} do what ${what} needs`, async () => {
      chatbot.collections.add('demo-chatbot');
      chatbot.documents.set('demo-chatbot', [
        { id: 'd1', filename: 'a.pdf', bytes: 3 },
      ]);
      const res = await call().set(auth(ALICE));
      // Past the permission check (a made-up conversation may then be a 404).
      expect([401, 403]).not.toContain(res.status);
    });
  }
});

describe('documents', () => {
  it('streams a multipart upload through, creating the collection, and audits it', async () => {
    const res = await api()
      .post(`${DEMO}/documents`)
      .set(auth(ALICE))
      .attach('files', pdf, 'one.pdf')
      .attach('files', pdf, 'two.pdf');
    expect(res.status).toBe(202);
    expect(res.body.jobs.map((j: any) => j.filename)).toEqual([
      'one.pdf',
      'two.pdf',
    ]);
    expect(chatbot.uploads).toEqual([
      {
        contentType: expect.stringMatching(/^multipart\/form-data; boundary=/),
        files: ['one.pdf', 'two.pdf'],
      },
    ]);
    expect(audits).toEqual([
      expect.objectContaining({
        eventId: 'document-upload',
        outcome: 'success',
      }),
    ]);
  });

  it('refuses a file over the limit with 413 and forwards nothing stored', async () => {
    const big = Buffer.concat([pdf, Buffer.alloc(1024 * 1024 + 10)]);
    const res = await api()
      .post(`${DEMO}/documents`)
      .set(auth(ALICE))
      .attach('files', big, 'big.pdf');
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(
      /big\.pdf is larger than the 1 MB limit/,
    );
    expect(chatbot.uploads).toEqual([]);
    expect(audits[0]).toEqual(
      expect.objectContaining({ eventId: 'document-upload', outcome: 'fail' }),
    );
  });

  it('refuses more files than allowed with 400 naming the limit', async () => {
    const res = await api()
      .post(`${DEMO}/documents`)
      .set(auth(ALICE))
      .attach('files', pdf, '1.pdf')
      .attach('files', pdf, '2.pdf')
      .attach('files', pdf, '3.pdf');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/at most 2 PDFs/);
    expect(chatbot.uploads).toEqual([]);
  });

  it('refuses a declared size over the limit before sending anything', async () => {
    const calls: string[] = [];
    server.events.on('request:start', ({ request: r }) =>
      calls.push(`${r.method} ${r.url}`),
    );
    const res = await api()
      .post(`${DEMO}/documents`)
      .set(auth(ALICE))
      .set('Content-Type', 'multipart/form-data; boundary=x')
      .set('Content-Length', String(50 * 1024 * 1024))
      .send('--x--');
    const form = await api()
      .post(`${DEMO}/documents`)
      .set(auth(ALICE))
      .set('Content-Type', 'text/plain')
      .send('not a form');
    server.events.removeAllListeners();
    expect(res.status).toBe(413);
    expect(form.status).toBe(400);
    expect(form.body.error.message).toMatch(/as multipart\/form-data/);
    // Not even the collection is made.
    expect(calls.filter(c => c.includes(CHATBOT_URL))).toEqual([]);
  });

  it('refuses a chunked upload that grows past the limit after its files, forwarding none of it', async () => {
    const { port } = backend.server.address() as AddressInfo;
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: `${DEMO}/documents`,
          method: 'POST',
          headers: {
            ...auth(ALICE),
            'content-type': 'multipart/form-data; boundary=x',
          },
        },
        res => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on('error', reject);
      req.write(
        '--x\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n',
      );
      req.write(pdf);
      req.write('\r\n--x--\r\n');
      // 4 MB after the closing boundary: no file part, so no file limit sees it.
      let sent = 0;
      const more = (): void => {
        while (sent < 64) {
          sent++;
          if (!req.write(Buffer.alloc(64 * 1024, 97))) {
            req.once('drain', more);
            return;
          }
        }
        req.end();
      };
      more();
    });
    expect(status).toBe(413);
    expect(chatbot.uploads).toEqual([]);
  });

  it("passes the service's reason for a file that is not a PDF", async () => {
    const res = await api()
      .post(`${DEMO}/documents`)
      .set(auth(ALICE))
      .attach('files', Buffer.from('hello'), 'notes.pdf');
    expect(res.status).toBe(415);
    expect(res.body.error.message).toMatch(/notes\.pdf is not a PDF/);
  });

  it('deletes a document and audits it; an unknown one is a 404', async () => {
    chatbot.collections.add('demo-chatbot');
    chatbot.documents.set('demo-chatbot', [
      { id: DOC, filename: 'a.pdf', bytes: 3 },
    ]);
    expect(
      (await api().delete(`${DEMO}/documents/${DOC}`).set(auth(ALICE))).status,
    ).toBe(204);
    expect(chatbot.documents.get('demo-chatbot')).toEqual([]);
    expect(
      (await api().delete(`${DEMO}/documents/${DOC}`).set(auth(ALICE))).status,
    ).toBe(404);
    expect(audits.map(a => [a.eventId, a.outcome])).toEqual([
      ['document-delete', 'success'],
      ['document-delete', 'fail'],
    ]);
  });
});

describe('upstream failures', () => {
  it("turns an upstream 500 into a 502 with the service's message", async () => {
    server.use(
      http.get(`${CHATBOT_URL}/v1/collections/:c/documents`, () =>
        HttpResponse.json(
          { error: { name: 'InternalError', message: 'disk on fire' } },
          { status: 500 },
        ),
      ),
    );
    const res = await api().get(`${DEMO}/documents`).set(auth(ALICE));
    expect(res.status).toBe(502);
    expect(res.body.error.message).toMatch(/disk on fire/);
  });

  it('never follows a redirect from the service to another address', async () => {
    let followed = false;
    server.use(
      http.get(`${CHATBOT_URL}/v1/collections/:c/documents`, () =>
        HttpResponse.text('', {
          status: 302,
          headers: { location: 'http://metadata.internal/computeMetadata/v1/' },
        }),
      ),
      http.get('http://metadata.internal/*', () => {
        followed = true;
        return HttpResponse.json({ documents: [{ filename: 'SECRET' }] });
      }),
    );
    const res = await api().get(`${DEMO}/documents`).set(auth(ALICE));
    expect(followed).toBe(false);
    expect(res.status).toBe(502);
    expect(res.body.error.message).toMatch(
      /answered a redirect \(302\), which the portal does not follow: set llmChatbot\.services\.demo\.baseUrl/,
    );
    expect(JSON.stringify(res.body)).not.toMatch(/SECRET|metadata\.internal/);
  });

  it('says a service could not be reached without naming its address', async () => {
    server.use(
      http.get(`${CHATBOT_URL}/v1/collections/:c/documents`, () =>
        HttpResponse.error(),
      ),
    );
    const res = await api().get(`${DEMO}/documents`).set(auth(ALICE));
    expect(res.status).toBe(502);
    expect(res.body.error.message).toMatch(
      /chatbot service "demo" could not be reached \(.+\): check llmChatbot\.services\.demo\.baseUrl/,
    );
    expect(res.body.error.message).not.toContain(new URL(CHATBOT_URL).host);
  });

  it('times out a silent service with 504 and a message', async () => {
    server.use(
      http.get(`${CHATBOT_URL}/v1/collections/:c/documents`, async () => {
        await delay(2000);
        return HttpResponse.json({ documents: [] });
      }),
    );
    const res = await api().get(`${DEMO}/documents`).set(auth(ALICE));
    expect(res.status).toBe(504);
    expect(res.body.error.message).toMatch(/did not answer within 500 ms/);
  });

  it("keeps a 503's Retry-After", async () => {
    server.use(
      http.get(`${CHATBOT_URL}/v1/collections/:c/documents`, () =>
        HttpResponse.json(
          { error: { name: 'ServiceUnavailable', message: 'queue full' } },
          { status: 503, headers: { 'retry-after': '60' } },
        ),
      ),
    );
    const res = await api().get(`${DEMO}/documents`).set(auth(ALICE));
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('60');
  });

  it("says which token to fix when the service refuses the portal's", async () => {
    server.use(
      http.get(`${CHATBOT_URL}/v1/collections/:c/documents`, () =>
        HttpResponse.json(
          { error: { name: 'Unauthorized', message: 'invalid bearer token' } },
          { status: 401 },
        ),
      ),
    );
    const res = await api().get(`${DEMO}/documents`).set(auth(ALICE));
    expect(res.status).toBe(502);
    expect(res.body.error.message).toMatch(/llmChatbot\.services\.demo\.token/);
  });
});

describe('conversations', () => {
  it("creates, lists, renames and deletes a user's conversations", async () => {
    const created = await api()
      .post(`${DEMO}/conversations`)
      .set(auth(ALICE))
      .send({ title: 'Reset' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const renamed = await api()
      .patch(`${DEMO}/conversations/${id}`)
      .set(auth(ALICE))
      .send({ title: 'Factory reset' });
    expect(renamed.body.title).toBe('Factory reset');
    const list = await api().get(`${DEMO}/conversations`).set(auth(ALICE));
    expect(list.body.conversations.map((c: any) => c.title)).toEqual([
      'Factory reset',
    ]);
    expect(
      (await api().delete(`${DEMO}/conversations/${id}`).set(auth(ALICE)))
        .status,
    ).toBe(204);
    expect(
      (await api().get(`${DEMO}/conversations`).set(auth(ALICE))).body
        .conversations,
    ).toEqual([]);
  });

  it("never shows one user's conversations to another", async () => {
    const { body } = await api()
      .post(`${DEMO}/conversations`)
      .set(auth(ALICE))
      .send({ title: 'Mine' });
    expect(
      (await api().get(`${DEMO}/conversations`).set(auth(BOB))).body
        .conversations,
    ).toEqual([]);
    expect(
      (
        await api()
          .get(`${DEMO}/conversations/${body.id}/messages`)
          .set(auth(BOB))
      ).status,
    ).toBe(404);
    expect(
      (
        await api()
          .patch(`${DEMO}/conversations/${body.id}`)
          .set(auth(BOB))
          .send({ title: 'x' })
      ).status,
    ).toBe(404);
    expect(
      (await api().delete(`${DEMO}/conversations/${body.id}`).set(auth(BOB)))
        .status,
    ).toBe(404);
    const chat = await api()
      .post(`${DEMO}/chat`)
      .set(auth(BOB))
      .send({ conversationId: body.id, message: 'hi' });
    expect(chat.status).toBe(404);
  });

  it('names an untitled conversation after its first question', async () => {
    const { body } = await api()
      .post(`${DEMO}/conversations`)
      .set(auth(ALICE))
      .send({});
    expect(body.title).toBe('New conversation');
    await api().post(`${DEMO}/chat`).set(auth(ALICE)).send({
      conversationId: body.id,
      message:
        'How do I reset the router to factory settings without losing the Wi-Fi password?',
    });
    const [renamed] = (
      await api().get(`${DEMO}/conversations`).set(auth(ALICE))
    ).body.conversations;
    expect(renamed.title).toBe(
      'How do I reset the router to factory settings without los…',
    );
  });

  it('refuses a blank title and a body that is not JSON with 400', async () => {
    const blank = await api()
      .post(`${DEMO}/conversations`)
      .set(auth(ALICE))
      .send({ title: '  ' });
    expect(blank.status).toBe(400);
    expect(blank.body.error.message).toMatch(/title: title is empty/);
  });
});

describe('chat', () => {
  async function conversation(user = ALICE) {
    return (
      await api()
        .post(`${DEMO}/conversations`)
        .set(auth(user))
        .send({ title: 't' })
    ).body.id as string;
  }

  it("relays the answer as SSE, keeps the service's conversation for follow-ups and stores both turns", async () => {
    const id = await conversation();
    const first = await api()
      .post(`${DEMO}/chat`)
      .set(auth(ALICE))
      .send({ conversationId: id, message: 'How do I reset?' });
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(first.headers['cache-control']).toBe('no-cache, no-transform');
    expect(first.headers['x-accel-buffering']).toBe('no');
    const events = [...first.text.matchAll(/^event: (\w+)\ndata: (.*)$/gm)].map(
      m => [m[1], JSON.parse(m[2])],
    );
    expect(events.map(e => e[0])).toEqual([
      'start',
      'sources',
      'token',
      'token',
      'token',
      'done',
    ]);
    // The browser sees the portal's conversation id, not the service's.
    expect(events[0][1].conversationId).toBe(id);
    expect(events[5][1].conversationId).toBe(id);

    await api()
      .post(`${DEMO}/chat`)
      .set(auth(ALICE))
      .send({ conversationId: id, message: 'And then?' });
    const serviceId = chatbot.chatRequests[0].conversationId;
    expect(serviceId).toBeUndefined();
    expect(chatbot.chatRequests[1].conversationId).toEqual(expect.any(String));

    const titles = (await api().get(`${DEMO}/conversations`).set(auth(ALICE)))
      .body.conversations;
    // A conversation with a title keeps it.
    expect(titles.find((c: any) => c.id === id).title).toBe('t');
    const messages = (
      await api().get(`${DEMO}/conversations/${id}/messages`).set(auth(ALICE))
    ).body.messages;
    expect(messages.map((m: any) => [m.role, m.content, m.status])).toEqual([
      ['user', 'How do I reset?', 'complete'],
      ['assistant', 'Hold reset ten seconds.', 'complete'],
      ['user', 'And then?', 'complete'],
      ['assistant', 'Hold reset ten seconds.', 'complete'],
    ]);
    expect(messages[1].traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(messages[1].sources[0]).toEqual(
      expect.objectContaining({ filename: 'manual.pdf', page: 3 }),
    );
  });

  it('makes the collection again when the service lost it since the portal last made sure of it', async () => {
    const id = await conversation();
    expect(
      (
        await api()
          .post(`${DEMO}/chat`)
          .set(auth(ALICE))
          .send({ conversationId: id, message: 'one' })
      ).status,
    ).toBe(200);
    chatbot.collections.clear(); // deleted on the service behind the portal's back
    const again = await api()
      .post(`${DEMO}/chat`)
      .set(auth(ALICE))
      .send({ conversationId: id, message: 'two' });
    expect(again.status).toBe(200);
    expect(again.text).toMatch(/event: done/);
    expect(chatbot.collections.has('demo-chatbot')).toBe(true);
  });

  it('stores an answer the model cut at its token limit as truncated', async () => {
    chatbot.chatScript = answerWith('Hold reset for', { truncated: true });
    const id = await conversation();
    const res = await api()
      .post(`${DEMO}/chat`)
      .set(auth(ALICE))
      .send({ conversationId: id, message: 'q' });
    expect(res.text).toMatch(/event: done\ndata: \{[^\n]*"truncated":true/);
    const messages = (
      await api().get(`${DEMO}/conversations/${id}/messages`).set(auth(ALICE))
    ).body.messages;
    expect(messages[1]).toEqual(
      expect.objectContaining({
        content: 'Hold reset for',
        status: 'truncated',
      }),
    );
  });

  it('ends with an error event when the service breaks off mid-stream', async () => {
    chatbot.chatScript = async ({ controller, frame }) => {
      controller.enqueue(
        frame('start', { conversationId: 'c1', standaloneQuestion: 'q' }),
      );
      controller.enqueue(frame('token', { text: 'Hal' }));
      await delay(20);
      controller.error(new Error('connection reset'));
    };
    const id = await conversation();
    const res = await api()
      .post(`${DEMO}/chat`)
      .set(auth(ALICE))
      .send({ conversationId: id, message: 'q' });
    expect(res.text).toMatch(
      /event: error\ndata: \{"message":"the answer broke off/,
    );
    const messages = (
      await api().get(`${DEMO}/conversations/${id}/messages`).set(auth(ALICE))
    ).body.messages;
    expect(messages[1]).toEqual(
      expect.objectContaining({ content: 'Hal', status: 'failed' }),
    );
  });

  it('ends with an error event when the service goes silent, and cancels it', async () => {
    chatbot.chatScript = async ({ controller, frame }) => {
      controller.enqueue(
        frame('start', { conversationId: 'c1', standaloneQuestion: 'q' }),
      );
      // then nothing, past streamIdleTimeoutMs (800 ms)
    };
    const id = await conversation();
    const res = await api()
      .post(`${DEMO}/chat`)
      .set(auth(ALICE))
      .send({ conversationId: id, message: 'q' });
    expect(res.text).toMatch(
      /event: error\ndata: \{"message":"the answer broke off: the chatbot service sent nothing for 800 ms/,
    );
    expect(chatbot.upstreamAborted).toBe(true);
  });

  it('ends a stream that only sends keep-alives after streamMaxMs, and one that runs past maxAnswerChars', async () => {
    chatbot.chatScript = async ({ controller, frame }) => {
      controller.enqueue(
        frame('start', { conversationId: 'c1', standaloneQuestion: 'q' }),
      );
      // Alive (each comment re-arms the 800 ms idle clock), never answering.
      for (let i = 0; i < 40 && !chatbot.upstreamAborted; i++) {
        controller.enqueue(new TextEncoder().encode(': keep-alive\n\n'));
        await delay(200);
      }
    };
    const id = await conversation();
    const started = Date.now();
    const slow = await api()
      .post(`${DEMO}/chat`)
      .set(auth(ALICE))
      .send({ conversationId: id, message: 'q' });
    expect(slow.text).toMatch(
      /event: error\ndata: \{"message":"the answer broke off: the answer took longer than 3000 ms \(llmChatbot\.streamMaxMs\)/,
    );
    expect(Date.now() - started).toBeLessThan(6000);
    expect(chatbot.upstreamAborted).toBe(true);

    chatbot.reset();
    chatbot.chatScript = async ({ controller, frame }) => {
      controller.enqueue(
        frame('start', { conversationId: 'c1', standaloneQuestion: 'q' }),
      );
      for (let i = 0; i < 100; i++)
        controller.enqueue(frame('token', { text: 'words words ' }));
      controller.close();
    };
    const long = await api()
      .post(`${DEMO}/chat`)
      .set(auth(ALICE))
      .send({ conversationId: id, message: 'q' });
    expect(long.text).toMatch(
      /the answer broke off: the answer passed 200 characters \(llmChatbot\.maxAnswerChars\)/,
    );
    expect(long.text.match(/event: token/g)!.length).toBe(16);
  }, 15_000);

  it('reports a stream closed before done', async () => {
    chatbot.chatScript = async ({ controller, frame }) => {
      controller.enqueue(
        frame('start', { conversationId: 'c1', standaloneQuestion: 'q' }),
      );
      controller.close();
    };
    const id = await conversation();
    const res = await api()
      .post(`${DEMO}/chat`)
      .set(auth(ALICE))
      .send({ conversationId: id, message: 'q' });
    expect(res.text).toMatch(/closed the stream before the answer was done/);
  });

  it('maps a refusal before the stream to a status (upstream 503 with Retry-After)', async () => {
    server.use(
      http.post(`${CHATBOT_URL}/v1/collections/:c/chat`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'ServiceUnavailable',
              message: 'too many chats in progress (50); retry shortly',
            },
          },
          { status: 503, headers: { 'retry-after': '2' } },
        ),
      ),
    );
    const id = await conversation();
    const res = await api()
      .post(`${DEMO}/chat`)
      .set(auth(ALICE))
      .send({ conversationId: id, message: 'q' });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.body.error.message).toMatch(/too many chats/);
  });

  it('refuses an empty message and a conversation id that is not one', async () => {
    const id = await conversation();
    const empty = await api()
      .post(`${DEMO}/chat`)
      .set(auth(ALICE))
      .send({ conversationId: id, message: '  ' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/message: message is empty/);
    const bad = await api()
      .post(`${DEMO}/chat`)
      .set(auth(ALICE))
      .send({ conversationId: 'x', message: 'hi' });
    expect(bad.status).toBe(400);
  });

  it('refuses a NUL character from the user, and stores an answer holding one without it', async () => {
    const id = await conversation();
    const asked = await api()
      .post(`${DEMO}/chat`)
      .set(auth(ALICE))
      .send({ conversationId: id, message: 'reset\u0000?' });
    expect(asked.status).toBe(400);
    expect(asked.body.error.message).toMatch(
      /message: message contains a NUL character/,
    );
    const titled = await api()
      .patch(`${DEMO}/conversations/${id}`)
      .set(auth(ALICE))
      .send({ title: 'a\u0000b' });
    expect(titled.status).toBe(400);
    expect(titled.body.error.message).toMatch(/title contains a NUL/);

    chatbot.chatScript = answerWith('Hold\u0000 reset.');
    await api()
      .post(`${DEMO}/chat`)
      .set(auth(ALICE))
      .send({ conversationId: id, message: 'reset?' });
    const messages = (
      await api().get(`${DEMO}/conversations/${id}/messages`).set(auth(ALICE))
    ).body.messages;
    expect(messages[1]).toEqual(
      expect.objectContaining({ content: 'Hold reset.', status: 'complete' }),
    );
  });
});

describe('run pipeline', () => {
  it('lists the latest builds for anyone who may read the pipeline', async () => {
    const res = await api().get(`${DEMO}/pipeline/builds`).set(auth(BOB));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      instance: 'default',
      job: 'chatbots/demo-chatbot',
      builds: [
        expect.objectContaining({
          number: 6,
          result: 'SUCCESS',
          building: false,
        }),
      ],
    });
    denied.set(BOB, new Set(['llm-chatbot.pipeline.read']));
    expect(
      (await api().get(`${DEMO}/pipeline/builds`).set(auth(BOB))).status,
    ).toBe(403);
  });

  it('answers 504 when Jenkins does not answer within the request timeout', async () => {
    server.use(
      http.get(
        `${JENKINS_URL}/job/chatbots/job/demo-chatbot/api/json`,
        async () => {
          await delay('infinite');
          return HttpResponse.json({});
        },
      ),
    );
    const started = Date.now();
    const res = await api().get(`${DEMO}/pipeline/builds`).set(auth(BOB));
    expect(res.status).toBe(504);
    expect(res.body.error.message).toMatch(
      /Jenkins instance "default" did not answer within 500 ms/,
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('triggers a new build with a crumb on its session, follows the queue to the build number, and audits it', async () => {
    const res = await api().post(`${DEMO}/pipeline/runs`).set(auth(ALICE));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      instance: 'default',
      job: 'chatbots/demo-chatbot',
      queueItemUrl: 'http://jenkins.test/queue/item/42/',
      buildNumber: 7,
      buildUrl: 'http://jenkins.test/job/chatbots/job/demo-chatbot/7/',
    });
    expect(jenkins.builds).toEqual([
      {
        job: 'chatbots/demo-chatbot',
        crumb: 'crumb-123',
        cookie: 'JSESSIONID.abc=session-1',
      },
    ]);
    expect(audits).toEqual([
      expect.objectContaining({ eventId: 'pipeline-run', outcome: 'success' }),
    ]);
  });
});
