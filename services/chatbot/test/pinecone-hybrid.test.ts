/*
 * Sparse-dense retrieval on Pinecone: BM25 weights as the sparse half of
 * each record and query, at the HTTP boundary (msw) in the shapes Pinecone
 * documents. The embeddings here cannot tell pages apart (every text gets
 * the same vector), so only the sparse half can find the page.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setupServer } from 'msw/node';
import {
  api,
  chat,
  ingest as ingestInto,
  startService,
  type RunningService,
} from './helpers/service.js';
import { textPdf } from './helpers/pdfs.js';
import { FakePinecone, PINECONE_ENV } from './fakes/pinecone.js';
import { EMBED_BASE, embeddingsHandler } from './fakes/openai.js';
import { termIndex } from '../src/retrieval/sparse.js';

const pinecone = new FakePinecone();
pinecone.metric = 'dotproduct';
const FLAT = [0.5, 0.5, 0.5, 0.5];
const server = setupServer(
  ...pinecone.handlers(),
  embeddingsHandler(() => FLAT),
);
let svc: RunningService;

const pages = Array.from({ length: 40 }, (_, i) =>
  i === 17
    ? 'Firmware update. Download the firmware image, open the admin page and choose Upload firmware. Never unplug the router while updating.'
    : `Section ${i}. General notes about cables, mounting brackets and ventilation for page ${i}. Keep the device dry and away from heat sources.`,
);
const queries = () => pinecone.calls.filter(c => c.path === '/query');

const serviceEnv = {
  ...PINECONE_ENV,
  EMBEDDINGS_PROVIDER: 'openai',
  EMBEDDINGS_BASE_URL: EMBED_BASE,
  EMBEDDINGS_MODEL: 'BAAI/bge-small-en-v1.5',
  PINECONE_SPARSE_ALPHA: '0.25',
  CHUNK_SIZE: '200',
  CHUNK_OVERLAP: '20',
};

/** A service on the fake index with the router manual in "routers", and its job. */
async function routersService() {
  const service = await startService(serviceEnv);
  await api(service.url, 'PUT', '/v1/collections/routers');
  const job = await ingestInto(
    service.url,
    'routers',
    'router-manual.pdf',
    await textPdf(pages),
  );
  assert.equal(job.status, 'succeeded', job.error);
  return { service, job };
}

before(async () => {
  server.listen({ onUnhandledRequest: 'bypass' });
  svc = (await routersService()).service;
});

after(async () => {
  await svc.close();
  server.close();
});

describe('Pinecone sparse-dense retrieval', () => {
  test('stores every chunk with BM25 sparse values within Pinecone limits', () => {
    const records = pinecone.calls
      .filter(c => c.path === '/vectors/upsert')
      .flatMap(c => c.body.vectors);
    assert.ok(records.length >= 40);
    for (const r of records) {
      const { indices, values } = r.sparseValues;
      assert.equal(indices.length, values.length);
      assert.ok(indices.length > 0 && indices.length <= 1000);
      assert.ok(
        indices.every(
          (i: number) => Number.isInteger(i) && i >= 0 && i <= 0xffffffff,
        ),
      );
      assert.deepEqual(
        [...indices].sort((a, b) => a - b),
        indices,
        'sorted, unique',
      );
      assert.equal(new Set(indices).size, indices.length);
      assert.ok(values.every((v: number) => v > 0));
      assert.deepEqual(r.values, FLAT, 'the dense half is kept as embedded');
    }
    const firmware = records.find(r => /Firmware update/.test(r.metadata.text));
    assert.ok(firmware.sparseValues.indices.includes(termIndex('firmware')));
  });

  test("finds the page by its words alone, sending the question's BM25 weights as the sparse half", async () => {
    const { events } = await chat(svc.url, 'routers', {
      message: 'How do I upload new firmware?',
    });
    const sources = events.find(e => e.event === 'sources')!.data.sources;
    assert.equal(sources[0].page, 18);
    const { body } = queries().at(-1)!;
    assert.equal(body.namespace, 'routers');
    // Pinecone's convex combination: dense times alpha, sparse times 1 - alpha.
    assert.deepEqual(
      body.vector,
      FLAT.map(v => v * 0.25),
    );
    const i = body.sparseVector.indices.indexOf(termIndex('firmware'));
    assert.ok(i >= 0, "the question's rare term is in the sparse half");
    const j = body.sparseVector.indices.indexOf(termIndex('upload'));
    assert.ok(j >= 0);
    // Both occur on one page of forty: the same IDF, both new (weight 2).
    assert.ok(
      Math.abs(body.sparseVector.values[i] - body.sparseVector.values[j]) <
        1e-9,
    );
    assert.ok(body.sparseVector.values[i] > 0);
  });

  test('sends the WordNet relatives the collection uses of a word it never does', async () => {
    // "warmth" is on no page; "heat", its first relative, is on 39.
    await chat(svc.url, 'routers', {
      message: 'Should the router be kept from warmth?',
    });
    const { body } = queries().at(-1)!;
    const { indices, values } = body.sparseVector;
    assert.ok(!indices.includes(termIndex('warmth')));
    const heat = indices.indexOf(termIndex('heat'));
    assert.ok(heat >= 0, 'the relative is in the sparse half');
    const router = indices.indexOf(termIndex('router'));
    assert.ok(values[heat] > 0 && values[heat] < values[router]);
  });

  test('declines a question naming what the collection never mentions, without querying Pinecone', async () => {
    const before = queries().length;
    const { events } = await chat(svc.url, 'routers', {
      message: 'How do I run this router inside Kubernetes?',
    });
    const done = events.find(e => e.event === 'done')!.data;
    assert.equal(done.answered, false);
    const sources = events.find(e => e.event === 'sources')?.data.sources ?? [];
    assert.deepEqual(sources, []);
    assert.equal(queries().length, before);
  });

  test('another bad request fails that chat but keeps the sparse half', async () => {
    pinecone.failures['/query'] = [400];
    const failed = await chat(svc.url, 'routers', {
      message: 'How do I upload new firmware?',
    });
    assert.ok(!failed.events.find(e => e.event === 'sources'));
    const { events } = await chat(svc.url, 'routers', {
      message: 'How do I upload new firmware?',
    });
    assert.equal(
      events.find(e => e.event === 'sources')!.data.sources[0].page,
      18,
    );
    assert.ok(queries().at(-1)!.body.sparseVector);
  });

  test('an index that refuses sparse records (not dotproduct) is written and then searched dense only', async () => {
    const store = new FakePinecone();
    const server2 = setupServer(
      ...store.handlers(),
      embeddingsHandler(() => FLAT),
    );
    server.close();
    server2.listen({ onUnhandledRequest: 'bypass' });
    const { service: cosine, job } = await routersService();
    try {
      const upserts = store.calls.filter(c => c.path === '/vectors/upsert');
      assert.ok(upserts[0].body.vectors[0].sparseValues, 'tried sparse first');
      assert.ok(
        upserts.slice(1).every(c => !c.body.vectors[0].sparseValues),
        'then dense only',
      );
      assert.equal(store.ns('routers').size, job.progress.chunksStored);
      const { events } = await chat(cosine.url, 'routers', {
        message: 'How do I upload new firmware?',
      });
      assert.ok(events.find(e => e.event === 'done'));
      const queries = store.calls.filter(c => c.path === '/query');
      assert.deepEqual(
        queries.map(c => Boolean(c.body.sparseVector)),
        [false],
        'no sparse query tried',
      );
    } finally {
      await cosine.close();
      server2.close();
      server.listen({ onUnhandledRequest: 'bypass' });
    }
  });

  test('an index that refuses sparse queries (not dotproduct) is searched dense only, once told', async () => {
    pinecone.metric = 'cosine';
    const { status, events } = await chat(svc.url, 'routers', {
      message: 'How do I upload new firmware?',
    });
    assert.equal(status, 200);
    assert.ok(events.find(e => e.event === 'done'));
    const tried = queries()
      .slice(-2)
      .map(c => Boolean(c.body.sparseVector));
    assert.deepEqual(tried, [true, false], 'refused, then dense only');
    await chat(svc.url, 'routers', { message: 'And the ventilation?' });
    assert.equal(queries().at(-1)!.body.sparseVector, undefined);
  });
});
