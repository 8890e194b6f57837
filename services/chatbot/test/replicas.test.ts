import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setupServer } from 'msw/node';
import pg from 'pg';
import {
  api,
  chat,
  ingest,
  startService,
  upload,
  waitForJob,
  type RunningService,
} from './helpers/service.js';
import { textPdf } from './helpers/pdfs.js';
import { freshPostgresDatabase } from './helpers/postgres.js';
import { FakePinecone, PINECONE_ENV } from './fakes/pinecone.js';
import { readConfig } from '../src/config.js';

/**
 * Two replicas of the service, as the chart runs them when it scales out:
 * one PostgreSQL for metadata, one Pinecone index (faked at its HTTP API).
 * Any replica must serve any request.
 */
const pinecone = new FakePinecone();
const server = setupServer(...pinecone.handlers());
let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
let a: RunningService;
let b: RunningService;
const replicaEnv = () => ({
  ...PINECONE_ENV,
  METADATA_STORE: 'postgres',
  DATABASE_URL: 'url' in database ? database.url : '',
});

before(async () => {
  database = await freshPostgresDatabase();
  if ('skip' in database) return;
  server.listen({ onUnhandledRequest: 'bypass' });
  [a, b] = await Promise.all([
    startService(replicaEnv()),
    startService(replicaEnv()),
  ]);
});

after(async () => {
  if ('skip' in database) return;
  await Promise.all([a.close(), b.close()]);
  server.close();
  await database.drop();
});

const replicaTest = (title: string, fn: () => Promise<void>) =>
  test(title, async t => ('skip' in database ? t.skip(database.skip) : fn()));

replicaTest(
  'an upload taken by one replica is tracked, listed, cited and deleted through the other',
  async () => {
    assert.equal(
      (await api(a.url, 'PUT', '/v1/collections/shared')).status,
      201,
    );
    assert.equal(
      (await api(b.url, 'PUT', '/v1/collections/shared')).status,
      200,
      'B sees the collection A created',
    );
    const pdf = await textPdf([
      'Cover page.',
      'Backups. Run the nightly backup job at 02:00 and keep fourteen copies off site.',
    ]);
    const { status, body } = await upload(a.url, 'shared', [
      { name: 'ops-handbook.pdf', data: pdf },
    ]);
    assert.equal(status, 202);
    const job = await waitForJob(b.url, 'shared', body.jobs[0].id);
    assert.equal(job.status, 'succeeded', job.error);

    const listed = await api(b.url, 'GET', '/v1/collections/shared/documents');
    assert.deepEqual(
      listed.body.documents.map((d: any) => [d.filename, d.pages]),
      [['ops-handbook.pdf', 2]],
    );
    const again = await upload(b.url, 'shared', [
      { name: 'copy.pdf', data: pdf },
    ]);
    assert.equal(again.status, 409, 'B knows the file is already stored');

    const answer = await chat(b.url, 'shared', {
      message: 'When does the nightly backup job run?',
    });
    const sources = answer.events.find(e => e.event === 'sources')!.data
      .sources;
    assert.deepEqual(
      [sources[0].filename, sources[0].page],
      ['ops-handbook.pdf', 2],
    );

    await api(
      a.url,
      'DELETE',
      `/v1/collections/shared/documents/${job.documentId}`,
    ).then(r => assert.equal(r.status, 204));
    const after = await chat(b.url, 'shared', {
      message: 'When does the nightly backup job run?',
    });
    assert.deepEqual(
      after.events.find(e => e.event === 'sources')!.data.sources,
      [],
    );
  },
);

replicaTest(
  'a conversation started on one replica continues on the other, with its memory',
  async () => {
    await api(a.url, 'PUT', '/v1/collections/memory');
    const pdf = await textPdf([
      'Wi-Fi. The Wi-Fi password is printed under the router. Change it in the admin page under Wireless.',
    ]);
    await ingest(a.url, 'memory', 'router.pdf', pdf);
    const first = await chat(a.url, 'memory', {
      message: 'Where is the Wi-Fi password?',
    });
    const conversationId = first.events[0].data.conversationId;
    const second = await chat(b.url, 'memory', {
      conversationId,
      message: 'Can I change it?',
    });
    assert.equal(second.status, 200);
    assert.match(
      second.events[0].data.standaloneQuestion,
      /^Can I change it\? \(about: .*password/i,
    );
  },
);

replicaTest(
  'a job held by a replica that died is failed by a live replica once its heartbeat lapses',
  async () => {
    await api(a.url, 'PUT', '/v1/collections/orphans');
    const job = await a.metadata.createJob('orphans', 'lost.pdf', 'sha-lost');
    await a.metadata.updateJob(job.id, { status: 'running', pagesParsed: 40 });
    const client = new pg.Client({
      connectionString: replicaEnv().DATABASE_URL,
    });
    await client.connect();
    await client.query(
      "UPDATE jobs SET updated_at = now() - interval '10 minutes' WHERE id = $1",
      [job.id],
    );
    await client.end();

    // A replica starting up settles lapsed jobs straight away.
    const c = await startService(replicaEnv());
    try {
      const settled = await waitForJob(b.url, 'orphans', job.id, 10_000);
      assert.equal(settled.status, 'failed');
      assert.match(settled.error, /interrupted.*upload the file again/);
    } finally {
      await c.close();
    }
  },
);

replicaTest('readiness reports the shared metadata store', async () => {
  const res = await fetch(`${a.url}/readyz`);
  assert.equal(res.status, 200);
  assert.equal((await res.json()).checks.metadataStore, 'postgres: ok');
});

test('shared metadata with a pod-local vector store is refused with a reason', () => {
  assert.throws(
    () =>
      readConfig({
        CHATBOT_API_TOKEN: 'x'.repeat(16),
        METADATA_STORE: 'postgres',
        VECTOR_STORE: 'embedded',
      }),
    /METADATA_STORE=postgres needs VECTOR_STORE=pinecone/,
  );
});
