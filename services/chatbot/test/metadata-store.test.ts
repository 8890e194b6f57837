import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/store/database.js';
import { SqliteMetadataStore } from '../src/store/SqliteMetadataStore.js';
import { PostgresMetadataStore } from '../src/store/PostgresMetadataStore.js';
import {
  DuplicatePendingUpload,
  UnknownCollection,
  type DocumentRecord,
  type MetadataStore,
} from '../src/store/MetadataStore.js';
import { freshPostgresDatabase } from './helpers/postgres.js';

const doc = (
  collectionId: string,
  id: string,
  sha256: string,
  filename = `${sha256}.pdf`,
): DocumentRecord => ({
  id,
  collectionId,
  filename,
  pages: 3,
  chunks: 7,
  bytes: 1234,
  sha256,
  createdAt: new Date().toISOString(),
});

/** The same behaviour from both stores; the API's tests run on SQLite, replicas on PostgreSQL. */
function contract(
  name: string,
  open: () => Promise<
    { store: MetadataStore; close(): Promise<void> } | { skip: string }
  >,
) {
  describe(`${name} metadata store`, () => {
    let store: MetadataStore;
    let close: () => Promise<void> = async () => undefined;
    let skip: string | undefined;

    before(async () => {
      const opened = await open();
      if ('skip' in opened) skip = opened.skip;
      else ({ store, close } = opened);
    });
    after(() => close());
    const it = (title: string, fn: () => Promise<void>) =>
      test(title, async t => (skip ? t.skip(skip) : fn()));

    it('lists documents and collections, and deleting a collection removes its documents, jobs and conversations', async () => {
      assert.deepEqual(await store.createCollection('a'), { created: true });
      assert.deepEqual(await store.createCollection('a'), { created: false });
      await store.createCollection('b');
      const job = await store.createJob('a', 'one.pdf', 'sha-1');
      await store.insertDocument(doc('a', job.documentId, 'sha-1', 'one.pdf'));
      const conversation = await store.startConversation('a');
      const listed = await store.listCollections();
      assert.deepEqual(
        listed.map(c => [c.id, c.documents]),
        [
          ['a', 1],
          ['b', 0],
        ],
      );
      assert.ok(!Number.isNaN(Date.parse(listed[0].createdAt)));
      const [stored] = await store.listDocuments('a');
      assert.deepEqual(
        { ...stored, createdAt: undefined },
        {
          ...doc('a', job.documentId, 'sha-1', 'one.pdf'),
          createdAt: undefined,
        },
      );
      assert.equal(
        await store.getDocument('b', job.documentId),
        undefined,
        'another collection does not see it',
      );
      assert.equal(
        (await store.documentWithHash('a', 'sha-1'))?.id,
        job.documentId,
      );
      assert.equal(await store.documentWithHash('a', 'sha-2'), undefined);
      assert.equal(
        await store.documentWithHash('b', 'sha-1'),
        undefined,
        'nor by its content',
      );

      await store.deleteCollection('a');
      assert.equal(await store.collectionExists('a'), false);
      assert.equal(await store.getJob(job.id), undefined);
      assert.equal(
        await store.conversationInCollection(conversation, 'a'),
        false,
      );
      assert.equal(await store.collectionExists('b'), true);
    });

    it('answers "not found" for malformed and unknown ids instead of failing', async () => {
      await store.createCollection('ids');
      assert.equal(await store.getJob('not-a-uuid'), undefined);
      assert.equal(await store.getDocument('ids', "1' OR '1'='1"), undefined);
      assert.equal(
        await store.deleteDocument('ids', crypto.randomUUID()),
        false,
      );
      assert.equal(await store.conversationInCollection('x', 'ids'), false);
      assert.deepEqual(
        await store.filenames('ids', ['x', crypto.randomUUID()]),
        new Map(),
      );
    });

    it('tracks job progress and finds a pending upload of the same file', async () => {
      await store.createCollection('jobs');
      const job = await store.createJob('jobs', 'big.pdf', 'sha-big');
      assert.equal(job.status, 'queued');
      await store.updateJob(job.id, {
        status: 'running',
        pagesTotal: 300,
        pagesParsed: 120,
      });
      const running = (await store.getJob(job.id))!;
      assert.deepEqual(running.progress, {
        pagesTotal: 300,
        pagesParsed: 120,
        chunksEmbedded: 0,
        chunksStored: 0,
      });
      assert.equal(running.status, 'running');
      assert.equal(
        (await store.pendingJobWithHash('jobs', 'sha-big'))?.id,
        job.id,
      );
      assert.equal(
        await store.pendingJobWithHash('jobs', 'sha-other'),
        undefined,
      );
      assert.equal(
        (await store.pendingJobForDocument('jobs', job.documentId))?.id,
        job.id,
      );
      assert.equal(
        await store.pendingJobForDocument('other', job.documentId),
        undefined,
      );
      await store.updateJob(job.id, {
        status: 'failed',
        error: 'the PDF is corrupt',
      });
      assert.equal((await store.getJob(job.id))!.error, 'the PDF is corrupt');
      assert.equal(
        await store.pendingJobWithHash('jobs', 'sha-big'),
        undefined,
      );
      assert.equal(
        await store.pendingJobForDocument('jobs', job.documentId),
        undefined,
      );
    });

    it('settles only jobs whose heartbeat lapsed: committed ones succeeded, the rest failed with the reason', async () => {
      await store.createCollection('crash');
      const committed = await store.createJob('crash', 'a.pdf', 'sha-a');
      const unfinished = await store.createJob('crash', 'b.pdf', 'sha-b');
      await store.updateJob(committed.id, { status: 'running' });
      await store.updateJob(unfinished.id, { status: 'running' });
      // The process died right after committing a.pdf, before marking its job.
      await store.insertDocument(doc('crash', committed.documentId, 'sha-a'));

      assert.deepEqual(
        await store.settleInterruptedJobs(60_000),
        [],
        'a live heartbeat keeps jobs running',
      );
      assert.equal((await store.getJob(unfinished.id))!.status, 'running');

      await new Promise(r => setTimeout(r, 5));
      const failed = await store.settleInterruptedJobs(0);
      assert.deepEqual(
        failed.map(j => j.id),
        [unfinished.id],
      );
      assert.equal((await store.getJob(committed.id))!.status, 'succeeded');
      assert.match((await store.getJob(unfinished.id))!.error!, /interrupted/);
      assert.deepEqual(
        await store.settleInterruptedJobs(0),
        [],
        'settled jobs are not settled twice',
      );
    });

    it('refuses a second live ingestion of the same file, and jobs for a collection that is gone', async () => {
      await store.createCollection('dupes');
      const first = await store.createJob('dupes', 'a.pdf', 'sha-same');
      await assert.rejects(
        store.createJob('dupes', 'copy-of-a.pdf', 'sha-same'),
        DuplicatePendingUpload,
      );
      await store.updateJob(first.id, { status: 'failed', error: 'corrupt' });
      assert.ok(
        await store.createJob('dupes', 'a-again.pdf', 'sha-same'),
        'allowed once the first is settled',
      );
      await assert.rejects(
        store.createJob('never-created', 'x.pdf', 'sha-x'),
        UnknownCollection,
      );
    });

    it('fences a job settled elsewhere: its holder can neither update it nor commit its document', async () => {
      await store.createCollection('fence');
      const held = await store.createJob('fence', 'held.pdf', 'sha-held');
      const lost = await store.createJob('fence', 'lost.pdf', 'sha-lost');
      assert.equal(await store.updateJob(held.id, { status: 'running' }), true);
      assert.equal(await store.updateJob(lost.id, { status: 'running' }), true);
      await store.updateJob(lost.id, {
        status: 'failed',
        error: 'settled by a live replica',
      });

      assert.equal(await store.updateJob(lost.id, { pagesParsed: 10 }), false);
      assert.equal(
        await store.insertDocument(
          doc('fence', lost.documentId, 'sha-lost'),
          lost.id,
        ),
        false,
      );
      assert.equal(
        await store.getDocument('fence', lost.documentId),
        undefined,
        'nothing was committed',
      );
      assert.equal(
        (await store.getJob(lost.id))!.status,
        'failed',
        'the settlement stands',
      );

      assert.equal(
        await store.insertDocument(
          doc('fence', held.documentId, 'sha-held'),
          held.id,
        ),
        true,
      );
      const done = (await store.getJob(held.id))!;
      assert.equal(done.status, 'succeeded', 'committed with its document');
      assert.equal(done.progress.chunksStored, 7);
      assert.ok(await store.getDocument('fence', held.documentId));
    });

    it('keeps conversation turns in order when appends race, and returns the recent ones', async () => {
      await store.createCollection('talk');
      const id = await store.startConversation('talk');
      assert.equal(await store.conversationInCollection(id, 'talk'), true);
      assert.equal(await store.conversationInCollection(id, 'crash'), false);
      await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          store.appendMessages(id, [
            { role: 'user', content: `q${i}` },
            { role: 'assistant', content: `a${i}` },
          ]),
        ),
      );
      const all = await store.recentMessages(id, 50);
      assert.equal(all.length, 10);
      all.forEach((m, i) =>
        assert.equal(
          m.role,
          i % 2 ? 'assistant' : 'user',
          'each turn stays a user/assistant pair',
        ),
      );
      assert.deepEqual(
        all
          .filter(m => m.role === 'user')
          .map(m => m.content)
          .sort(),
        ['q0', 'q1', 'q2', 'q3', 'q4'],
      );
      assert.deepEqual(await store.recentMessages(id, 1), all.slice(-2));
    });

    it('stores a turn holding U+0000 without it (PostgreSQL text refuses it)', async () => {
      await store.createCollection('nul');
      const id = await store.startConversation('nul');
      await store.appendMessages(id, [
        { role: 'user', content: 'reset?' },
        { role: 'assistant', content: 'Hold\u0000 reset.' },
      ]);
      assert.deepEqual(
        (await store.recentMessages(id, 1)).map(m => m.content),
        ['reset?', 'Hold reset.'],
      );
    });

    it('names only committed documents of the collection', async () => {
      await store.createCollection('names');
      await store.createCollection('elsewhere');
      const mine = crypto.randomUUID();
      const theirs = crypto.randomUUID();
      await store.insertDocument(doc('names', mine, 'sha-n', 'manual.pdf'));
      await store.insertDocument(
        doc('elsewhere', theirs, 'sha-e', 'secret.pdf'),
      );
      const names = await store.filenames('names', [
        mine,
        theirs,
        crypto.randomUUID(),
      ]);
      assert.deepEqual([...names], [[mine, 'manual.pdf']]);
    });

    it('counts the chunks holding each term per collection and per document, from documents stored with term counts, until they are deleted', async () => {
      await store.createCollection('terms');
      await store.createCollection('terms-other');
      const first = crypto.randomUUID();
      const second = crypto.randomUUID();
      const elsewhere = crypto.randomUUID();
      // [term, chunks holding it, of which in their text (not only titles)]
      const counts = (...rows: [string, number, number][]) =>
        new Map(
          rows.map(([t, chunks, textChunks]) => [t, { chunks, textChunks }]),
        );
      await store.insertDocument(
        doc('terms', first, 'sha-t1'),
        undefined,
        counts(['firmware', 3, 3], ['router', 7, 4]),
      );
      await store.insertDocument(
        doc('terms', second, 'sha-t2'),
        undefined,
        counts(['router', 2, 2]),
      );
      await store.insertDocument(
        doc('terms-other', elsewhere, 'sha-t3'),
        undefined,
        counts(['firmware', 5, 5]),
      );
      // A document stored without counts (before they were kept) adds no chunks.
      await store.insertDocument(doc('terms', crypto.randomUUID(), 'sha-t4'));
      const stats = await store.termStatistics('terms', [
        'firmware',
        'router',
        'unicorn',
      ]);
      assert.equal(stats.chunks, 14); // two documents of 7 chunks
      assert.deepEqual([...stats.frequencies].sort(), [
        ['firmware', 3],
        ['router', 9],
      ]);
      const byDocument = await store.documentTermCounts('terms', [
        'firmware',
        'router',
        'unicorn',
      ]);
      assert.deepEqual(
        byDocument.terms.map(r => [r.documentId, r.term, r.chunks]).sort(),
        [
          [first, 'firmware', 3],
          [first, 'router', 4], // in the text of 4 of its chunks
          [second, 'router', 2],
        ].sort(),
      );
      // Every document, the one stored without counts too.
      assert.equal(byDocument.documents.length, 3);
      assert.deepEqual(
        byDocument.documents.map(d => [d.chunks, d.counted]).sort(),
        [
          [7, false],
          [7, true],
          [7, true],
        ],
      );
      assert.ok(await store.deleteDocument('terms', first));
      assert.deepEqual(
        (await store.documentTermCounts('terms', ['firmware'])).terms,
        [],
      );
      const after = await store.termStatistics('terms', ['firmware', 'router']);
      assert.equal(after.chunks, 7);
      assert.deepEqual([...after.frequencies], [['router', 2]]);
      await store.deleteCollection('terms-other');
      assert.deepEqual(
        await store.termStatistics('terms-other', ['firmware']),
        { chunks: 0, frequencies: new Map() },
      );
    });
  });
}

contract('SQLite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metadata-test-'));
  const store = new SqliteMetadataStore(await openDatabase(dir));
  return {
    store,
    close: async () => (
      await store.close(), fs.rmSync(dir, { recursive: true, force: true })
    ),
  };
});

contract('PostgreSQL', async () => {
  const db = await freshPostgresDatabase();
  if ('skip' in db) return db;
  const store = await PostgresMetadataStore.connect({
    connectionString: db.url,
    poolSize: 4,
    timeoutMs: 5000,
  });
  return { store, close: async () => (await store.close(), await db.drop()) };
});

test('PostgreSQL: replicas settling at the same moment settle each dead job once', async t => {
  const db = await freshPostgresDatabase();
  if ('skip' in db) return t.skip(db.skip);
  const open = () =>
    PostgresMetadataStore.connect({
      connectionString: db.url,
      poolSize: 4,
      timeoutMs: 5000,
    });
  // Two replicas start together: the schema is created once, under a lock.
  const [a, b] = await Promise.all([open(), open()]);
  try {
    await a.createCollection('c');
    const jobs = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        a.createJob('c', `${i}.pdf`, `sha-${i}`),
      ),
    );
    await new Promise(r => setTimeout(r, 5));
    const [fromA, fromB] = await Promise.all([
      a.settleInterruptedJobs(0),
      b.settleInterruptedJobs(0),
    ]);
    const settled = [...fromA, ...fromB].map(j => j.id).sort();
    assert.deepEqual(settled, jobs.map(j => j.id).sort());
  } finally {
    await Promise.all([a.close(), b.close()]);
    await db.drop();
  }
});

test('PostgreSQL: an unreachable server fails start-up with a message naming it', async () => {
  await assert.rejects(
    PostgresMetadataStore.connect({
      connectionString: 'postgres://u:p@127.0.0.1:1/none',
      poolSize: 1,
      timeoutMs: 2000,
    }),
    /cannot connect to PostgreSQL for metadata: .*ECONNREFUSED/,
  );
});

test('PostgreSQL: with PG_SSL_CA the connection insists on TLS', async t => {
  const db = await freshPostgresDatabase();
  if ('skip' in db) return t.skip(db.skip);
  try {
    // The throwaway test server has no TLS: a client that requires it must refuse to go on.
    const sslCa =
      '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
    await assert.rejects(
      PostgresMetadataStore.connect({
        connectionString: db.url,
        poolSize: 1,
        timeoutMs: 5000,
        sslCa,
      }),
      /cannot connect to PostgreSQL for metadata: .*does not support SSL/,
    );
  } finally {
    await db.drop();
  }
});
