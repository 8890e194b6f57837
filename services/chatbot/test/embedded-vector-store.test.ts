import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/store/database.js';
import { SqliteMetadataStore } from '../src/store/SqliteMetadataStore.js';
import { EmbeddedVectorStore } from '../src/vector/EmbeddedVectorStore.js';
import { SqliteDocumentCommit } from '../src/ingest/commit/SqliteDocumentCommit.js';
import { HashingEmbeddings } from '../src/embeddings/HashingEmbeddings.js';

const DIM = 64;

/** A seeded generator, so a failure can be replayed. */
function random(seed: number) {
  return () =>
    ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32) * 2 -
    1;
}

async function storeWith(vectors: number[][]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatbot-vectors-'));
  const db = await openDatabase(dir);
  const metadata = new SqliteMetadataStore(db);
  const store = new EmbeddedVectorStore(db);
  await metadata.createCollection('c');
  await new SqliteDocumentCommit(db, metadata, store).commit(
    {
      id: 'd',
      collectionId: 'c',
      filename: 'f.pdf',
      pages: 1,
      chunks: vectors.length,
      bytes: 1,
      sha256: 'x',
      createdAt: '',
    },
    vectors.map((vector, i) => ({
      id: `d:${i}`,
      page: i + 1,
      text: `chunk ${i}`,
      vector,
    })),
    () => undefined,
  );
  return {
    store,
    close: () => (db.close(), fs.rmSync(dir, { recursive: true, force: true })),
  };
}

/** Cosine similarity by the textbook formula, for every row. */
function bruteForceTop(vectors: number[][], q: number[], k: number) {
  const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return vectors
    .map((v, i) => ({
      i,
      score: v.reduce((s, x, j) => s + x * q[j], 0) / (norm(v) * norm(q)),
    }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}

test('sparse and dense questions rank chunks as cosine similarity does', async t => {
  const next = random(7);
  const vectors = Array.from({ length: 500 }, () =>
    Array.from({ length: DIM }, next),
  );
  const { store, close } = await storeWith(vectors);
  t.after(close);
  const sparse = Array.from({ length: DIM }, (_, j) =>
    j % 13 === 0 ? next() : 0,
  ); // 5 of 64 set: scored sparsely
  const dense = Array.from({ length: DIM }, next);
  for (const q of [sparse, dense]) {
    const hits = await store.search('c', q, 5);
    const expected = bruteForceTop(vectors, q, 5);
    assert.deepEqual(
      hits.map(h => h.page - 1),
      expected.map(e => e.i),
    );
    hits.forEach((h, n) =>
      assert.ok(
        Math.abs(h.score - expected[n].score) < 1e-5,
        `${h.score} vs ${expected[n].score}`,
      ),
    );
  }
});

test('an offline-embedded question finds the chunk that shares its words', async t => {
  const embeddings = new HashingEmbeddings(256);
  const texts = [
    'set the terminal to pngcairo',
    'plot a data file with lines',
    'fit a function to data',
    'splot a surface with hidden3d',
  ];
  const { store, close } = await storeWith(
    await embeddings.embedDocuments(texts),
  );
  t.after(close);
  const [top] = await store.search(
    'c',
    await embeddings.embedQuery('how to plot a data file'),
    1,
  );
  assert.equal(top.text, 'chunk 1');
});

test('deleting a document takes only its vectors out of the loaded index', async t => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatbot-vectors-'));
  const db = await openDatabase(dir);
  t.after(() => (db.close(), fs.rmSync(dir, { recursive: true, force: true })));
  const metadata = new SqliteMetadataStore(db);
  const store = new EmbeddedVectorStore(db);
  const documents = new SqliteDocumentCommit(db, metadata, store);
  await metadata.createCollection('c');
  for (const [id, vector] of [
    ['a', [1, 0]],
    ['b', [0.9, 0.1]],
  ] as const) {
    const doc = {
      id,
      collectionId: 'c',
      filename: `${id}.pdf`,
      pages: 1,
      chunks: 1,
      bytes: 1,
      sha256: id,
      createdAt: '',
    };
    await documents.commit(
      doc,
      [{ id: `${id}:0`, page: 1, text: id, vector: [...vector] }],
      () => undefined,
    );
  }
  const found = async () =>
    (await store.search('c', [1, 0], 2)).map(h => h.documentId);
  assert.deepEqual(await found(), ['a', 'b']); // loads the index
  // The documents route deletes the row first: a search before the index
  // hears of it skips the hit instead of failing.
  await metadata.deleteDocument('c', 'a');
  assert.deepEqual(await found(), ['b']);
  await store.deleteDocument('c', 'a');
  await store.deleteDocument('c', 'never-committed'); // a failed ingestion's clean-up
  const reads = t.mock.method(db, 'prepare');
  assert.deepEqual(await found(), ['b']);
  assert.equal(
    reads.mock.callCount(),
    0,
    'the collection was not reloaded from SQLite',
  );
});
