// The chatbot gateway end to end, as processes: the real portal backend
// (app-config.yaml, guest sign-in, the catalog in catalog/) in front of the
// real chatbot service (services/chatbot, offline defaults), and a small
// Jenkins fake on loopback. A real PDF is uploaded through the gateway,
// asked about, and deleted; then a second backend signs in a user who does
// not own demo-chatbot and is refused what only owners may do.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, spawnService, waitForOk } from './deploy/lib.mjs';
import { routerManualPdf } from '../packages/app/e2e-tests/fakes/routerManualPdf.mjs';
import {
  FAKE_JENKINS_TOKEN,
  FAKE_JENKINS_USER,
  startFakeJenkins,
} from '../packages/app/e2e-tests/fakes/fakeJenkins.mjs';
import {
  guestToken,
  startBackend,
  stopBackend,
  waitFor,
} from './lib/backendProcess.mjs';

const TOKEN = `gateway-test-${process.pid}-0123456789abcdef`;
const DEMO = '/api/llm-chatbot/entities/component/default/demo-chatbot';

let chatbot; // { child, url, dataDir }
let jenkins; // startFakeJenkins()

async function startPortal(extraEnv = {}) {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    CHATBOT_API_TOKEN: TOKEN,
    APP_CONFIG_backend_listen: `:${port}`,
    APP_CONFIG_backend_baseUrl: baseUrl,
    APP_CONFIG_llmChatbot_services_demo_baseUrl: chatbot.url,
    APP_CONFIG_jenkins: JSON.stringify({
      baseUrl: jenkins.url,
      username: FAKE_JENKINS_USER,
      apiKey: FAKE_JENKINS_TOKEN,
    }),
    ...extraEnv,
  };
  const child = startBackend(env, ['../../app-config.yaml']);
  await waitFor(
    'readiness',
    async () => (await fetch(`${baseUrl}/.backstage/health/v1/readiness`)).ok,
    180_000,
    child,
  );
  const first = { authorization: `Bearer ${await guestToken(baseUrl)}` };
  await waitFor(
    'demo-chatbot in the catalog',
    async () =>
      (
        await fetch(
          `${baseUrl}/api/catalog/entities/by-name/component/default/demo-chatbot`,
          { headers: first },
        )
      ).ok,
    120_000,
    child,
  );
  // Signed in again now that the catalog holds the users: ownership comes from it.
  const headers = { authorization: `Bearer ${await guestToken(baseUrl)}` };
  return { child, baseUrl, headers };
}

/** Reads an SSE response as it arrives: the events, and how many reads they came in. */
async function readEvents(res) {
  const events = [];
  const decoder = new TextDecoder();
  let buffer = '';
  let reads = 0;
  for await (const chunk of res.body) {
    reads++;
    buffer += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
    }
  }
  return { events, reads };
}

before(async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-chatbot-'));
  const { child, url } = await spawnService(
    { DATA_DIR: dataDir, CHATBOT_API_TOKEN: TOKEN, LOG_LEVEL: 'warn' },
    { build: true, inheritOutput: true },
  );
  chatbot = { child, dataDir, url };
  await waitForOk(`${chatbot.url}/readyz`, child, 60_000);
  jenkins = await startFakeJenkins();
});

after(async () => {
  chatbot?.child.kill('SIGTERM');
  await jenkins?.close();
  if (chatbot) fs.rmSync(chatbot.dataDir, { recursive: true, force: true });
});

test('an owner uploads a real PDF through the portal, chats with cited pages streaming back, runs the pipeline and deletes the document', async () => {
  const portal = await startPortal();
  const api = (route, init = {}) =>
    fetch(`${portal.baseUrl}${DEMO}${route}`, {
      ...init,
      headers: { ...portal.headers, ...init.headers },
    });
  try {
    assert.deepEqual(await (await api('/documents')).json(), { documents: [] });

    const form = new FormData();
    form.append(
      'files',
      new Blob([await routerManualPdf()], { type: 'application/pdf' }),
      'router-manual.pdf',
    );
    const upload = await api('/documents', { method: 'POST', body: form });
    assert.equal(upload.status, 202, await upload.clone().text());
    const [job] = (await upload.json()).jobs;
    const finished = await waitFor(
      'ingestion',
      async () => {
        const state = await (await api(`/jobs/${job.id}`)).json();
        return ['succeeded', 'failed'].includes(state.status) && state;
      },
      60_000,
    );
    assert.equal(finished.status, 'succeeded', finished.error);
    const { documents } = await (await api('/documents')).json();
    assert.deepEqual(
      documents.map(d => [d.filename, d.pages]),
      [['router-manual.pdf', 2]],
    );

    const conversation = await (
      await api('/conversations', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Reset' }),
      })
    ).json();
    const res = await api('/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        conversationId: conversation.id,
        message: 'How long do I hold the reset button?',
      }),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/event-stream/);
    const { events } = await readEvents(res);
    const names = events.map(e => e.event);
    assert.equal(names[0], 'start');
    assert.equal(names[1], 'sources');
    assert.ok(names.filter(n => n === 'token').length >= 1, names.join(','));
    assert.equal(names.at(-1), 'done');
    assert.equal(events[0].data.conversationId, conversation.id);
    const sources = events[1].data.sources;
    assert.equal(sources[0].filename, 'router-manual.pdf');
    assert.equal(sources[0].page, 2);
    const answer = events
      .filter(e => e.event === 'token')
      .map(e => e.data.text)
      .join('');
    assert.match(answer, /ten seconds/);

    const messages = (
      await (await api(`/conversations/${conversation.id}/messages`)).json()
    ).messages;
    assert.deepEqual(
      messages.map(m => m.role),
      ['user', 'assistant'],
    );

    const run = await api('/pipeline/runs', { method: 'POST' });
    assert.equal(run.status, 201, await run.clone().text());
    assert.equal((await run.json()).buildNumber, 101);
    assert.deepEqual(jenkins.requests, [
      { crumb: 'e2e-crumb', cookie: 'JSESSIONID.e2e=session' },
    ]);
    const { builds } = await (await api('/pipeline/builds')).json();
    assert.deepEqual(
      builds.map(b => [b.number, b.building]),
      [
        [101, true],
        [100, false],
        [99, false],
      ],
    );

    assert.equal(
      (await api(`/documents/${documents[0].id}`, { method: 'DELETE' })).status,
      204,
    );
    assert.deepEqual(await (await api('/documents')).json(), { documents: [] });
  } finally {
    await stopBackend(portal.child);
  }
});

test('a user who does not own demo-chatbot may chat but not upload or run its pipeline', async () => {
  const portal = await startPortal({
    APP_CONFIG_auth_providers_guest_userEntityRef: 'user:default/visitor',
    APP_CONFIG_auth_providers_guest_ownershipEntityRefs:
      '["user:default/visitor"]',
  });
  const api = (route, init = {}) =>
    fetch(`${portal.baseUrl}${DEMO}${route}`, {
      ...init,
      headers: { ...portal.headers, ...init.headers },
    });
  try {
    assert.equal((await api('/documents')).status, 200);
    const form = new FormData();
    form.append(
      'files',
      new Blob([await routerManualPdf()], { type: 'application/pdf' }),
      'x.pdf',
    );
    const upload = await api('/documents', { method: 'POST', body: form });
    assert.equal(upload.status, 403);
    assert.match(
      (await upload.json()).error.message,
      /llm-chatbot\.documents\.manage/,
    );
    const run = await api('/pipeline/runs', { method: 'POST' });
    assert.equal(run.status, 403);
    assert.match(
      (await run.json()).error.message,
      /llm-chatbot\.pipeline\.run/,
    );
    const created = await api('/conversations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(created.status, 201);
  } finally {
    await stopBackend(portal.child);
  }
});
