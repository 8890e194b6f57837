import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  api,
  chat,
  ingest as ingestInto,
  startService,
  type RunningService,
} from './helpers/service.js';
import { textPdf } from './helpers/pdfs.js';
import {
  FakePinecone,
  PINECONE_CONTROLLER,
  PINECONE_ENV,
} from './fakes/pinecone.js';
import { EMBED_BASE, embeddingsHandler } from './fakes/openai.js';
import { HashingEmbeddings } from '../src/embeddings/HashingEmbeddings.js';
import {
  PINECONE_UPSERT_BATCH,
  PINECONE_UPSERT_BYTES,
  upsertBatches,
} from '../src/vector/PineconeVectorStore.js';

const pinecone = new FakePinecone();
pinecone.metric = 'dotproduct';
const embedRequests: any[] = [];
const hashing = new HashingEmbeddings(64);
let embed = (text: string) => hashing.embed(text);
const server = setupServer(
  ...pinecone.handlers(),
  embeddingsHandler(t => embed(t), embedRequests),
);
let svc: RunningService;

const manualPages = Array.from({ length: 70 }, (_, i) =>
  i === 17
    ? 'Firmware update. Download the firmware image, open the admin page and choose Upload firmware. Never unplug the router while updating.'
    : `Section ${i}. General notes about cables, mounting brackets and ventilation for page ${i}. Keep the device dry and away from heat sources.`,
);

const ingest = async (collection: string, name: string, pages: string[]) =>
  ingestInto(svc.url, collection, name, await textPdf(pages));

before(async () => {
  server.listen({ onUnhandledRequest: 'bypass' });
  svc = await startService({
    ...PINECONE_ENV,
    EMBEDDINGS_PROVIDER: 'openai',
    EMBEDDINGS_BASE_URL: EMBED_BASE,
    EMBEDDINGS_MODEL: 'BAAI/bge-small-en-v1.5',
    CHUNK_SIZE: '120',
    CHUNK_OVERLAP: '20',
    UPSTREAM_RETRIES: '3',
  });
  await api(svc.url, 'PUT', '/v1/collections/routers');
  await api(svc.url, 'PUT', '/v1/collections/other');
});

after(async () => {
  await svc.close();
  server.close();
});

describe('Pinecone vector store with OpenAI-compatible embeddings', () => {
  test('upserts into the collection namespace in batches within Pinecone limits, retrying 429 and 503', async () => {
    pinecone.failures['/vectors/upsert'] = [429, 503];
    const job = await ingest('routers', 'router-manual.pdf', manualPages);
    assert.equal(job.status, 'succeeded', job.error);
    const upserts = pinecone.calls.filter(c => c.path === '/vectors/upsert');
    const stored = pinecone.ns('routers').size;
    assert.ok(
      stored > PINECONE_UPSERT_BATCH,
      `expected more than one batch, got ${stored} chunks`,
    );
    assert.equal(stored, job.progress.chunksStored);
    assert.ok(
      upserts.every(
        c =>
          c.body.namespace === 'routers' &&
          c.body.vectors.length <= PINECONE_UPSERT_BATCH,
      ),
    );
    assert.equal(
      upserts.length,
      Math.ceil(stored / PINECONE_UPSERT_BATCH) + 2,
      'two failed attempts were retried',
    );
    const record = [...pinecone.ns('routers').values()][0];
    assert.equal(record.values.length, 64);
    assert.equal(record.metadata!.documentId, job.documentId);
    assert.ok(
      embedRequests.every(
        r => r.model === 'BAAI/bge-small-en-v1.5' && r.input.length <= 64,
      ),
    );
  });

  test('answers from the collection namespace and cites the page', async () => {
    const { events } = await chat(svc.url, 'routers', {
      message: 'How do I upload a firmware update?',
    });
    const query = pinecone.calls.filter(c => c.path === '/query').at(-1)!;
    assert.equal(query.body.namespace, 'routers');
    assert.equal(query.body.includeMetadata, true);
    const sources = events.find(e => e.event === 'sources')!.data.sources;
    assert.equal(sources[0].page, 18);
    assert.match(sources[0].snippet, /firmware/i);
  });

  test('ignores vectors whose document was never committed', async () => {
    pinecone.ns('other').set('orphan:0', {
      id: 'orphan:0',
      values: hashing.embed('firmware update upload'),
      metadata: {
        documentId: 'orphan',
        page: 1,
        text: 'firmware update upload',
      },
    });
    const job = await ingest('other', 'notes.pdf', ['Ventilation notes only.']);
    assert.equal(job.status, 'succeeded');
    const { events } = await chat(svc.url, 'other', {
      message: 'firmware update upload',
    });
    const sources = events.find(e => e.event === 'sources')!.data.sources;
    assert.ok(sources.every((s: any) => s.documentId !== 'orphan'));
  });

  test('fails the job with the reason and cleans up when Pinecone keeps failing', async () => {
    pinecone.failures['/vectors/upsert'] = [500, 500, 500, 500, 500];
    const job = await ingest('other', 'broken.pdf', [
      'Some words about antennas.',
    ]);
    assert.equal(job.status, 'failed');
    assert.match(
      job.error,
      /pinecone: upsert failed: Pinecone answered with a server error \(5xx\), or could not be reached, on 4 attempts; nothing was stored\. Upload the file again/,
    );
    const cleanup = pinecone.calls
      .filter(c => c.path === '/vectors/delete')
      .at(-1)!;
    assert.deepEqual(cleanup.body.filter, {
      documentId: { $eq: job.documentId },
    });
    const docs = (await api(svc.url, 'GET', '/v1/collections/other/documents'))
      .body.documents;
    assert.deepEqual(
      docs.map((d: any) => d.filename),
      ['notes.pdf'],
    );
  });

  test('a Pinecone error that echoes the API key is stored in the job as [redacted]', async () => {
    let key = '';
    server.use(
      http.post(
        `${PINECONE_ENV.PINECONE_INDEX_HOST}/vectors/upsert`,
        ({ request }) => {
          key = request.headers.get('api-key')!;
          return HttpResponse.json(
            {
              error: {
                code: 'INVALID_ARGUMENT',
                message: `Request from key ${key} is malformed`,
              },
            },
            { status: 400 },
          );
        },
        { once: true },
      ),
    );
    const job = await ingest('other', 'echo.pdf', ['Antenna notes.']);
    assert.equal(job.status, 'failed');
    assert.ok(key.length >= 8);
    assert.ok(!job.error.includes(key), job.error);
    assert.match(job.error, /\[redacted\]/);
  });

  test('without an index host, the host comes from PINECONE_CONTROLLER_HOST (a scheme-less host is https)', async t => {
    const { PINECONE_INDEX_HOST, ...withoutHost } = PINECONE_ENV;
    const located = await startService({
      ...withoutHost,
      PINECONE_CONTROLLER_HOST: new URL(PINECONE_CONTROLLER).host,
      EMBEDDINGS_PROVIDER: 'openai',
      EMBEDDINGS_BASE_URL: EMBED_BASE,
      EMBEDDINGS_MODEL: 'BAAI/bge-small-en-v1.5',
    });
    t.after(() => located.close());
    await api(located.url, 'PUT', '/v1/collections/located');
    const job = await ingestInto(
      located.url,
      'located',
      'located.pdf',
      await textPdf(['Antenna alignment notes.']),
    );
    assert.equal(job.status, 'succeeded', job.error);
    assert.ok(pinecone.calls.some(c => c.path === '/indexes/chatbot-index'));
    assert.equal(pinecone.ns('located').size, 1);
    assert.ok(PINECONE_INDEX_HOST);
  });

  test("a namespace Pinecone does not know yet (404) has no matches, and matches without this service's metadata are skipped", async () => {
    const query = `${PINECONE_ENV.PINECONE_INDEX_HOST}/query`;
    server.use(
      http.post(
        query,
        () =>
          HttpResponse.json(
            { code: 5, message: 'Namespace not found', details: [] },
            { status: 404 },
          ),
        { once: true },
      ),
    );
    const empty = await chat(svc.url, 'routers', {
      message: 'How do I update the firmware?',
    });
    assert.equal(empty.events.at(-1)!.event, 'done', empty.answer);

    server.use(
      http.post(
        query,
        () =>
          HttpResponse.json({
            matches: [
              { id: 'foreign-1', score: 0.9, metadata: { title: 'x' } },
              { id: 'foreign-2', score: 0.8 },
            ],
            namespace: 'routers',
          }),
        { once: true },
      ),
    );
    const foreign = await chat(svc.url, 'routers', {
      message: 'How do I update the firmware?',
    });
    assert.equal(foreign.events.at(-1)!.event, 'done', foreign.answer);
    assert.deepEqual(
      foreign.events.find(e => e.event === 'sources')!.data.sources,
      [],
    );
  });

  test('deleting a document deletes its vectors by metadata filter', async () => {
    const [doc] = (
      await api(svc.url, 'GET', '/v1/collections/routers/documents')
    ).body.documents;
    assert.equal(
      (
        await api(
          svc.url,
          'DELETE',
          `/v1/collections/routers/documents/${doc.id}`,
        )
      ).status,
      204,
    );
    assert.equal(pinecone.ns('routers').size, 0);
  });

  test('records that pass 2 MB a hundred at a time go in smaller upserts', async () => {
    // text-embedding-3-small's 1,536 dimensions, none zero, as a real
    // model's are: 100 records are ~3.5 MB of JSON.
    const wide = new HashingEmbeddings(1536);
    embed = text => wide.embed(text).map((x, i) => x + Math.sin(i) / 1000);
    try {
      await api(svc.url, 'PUT', '/v1/collections/wide');
      const before = pinecone.calls.length;
      const job = await ingest('wide', 'wide.pdf', manualPages);
      assert.equal(job.status, 'succeeded', job.error);
      const upserts = pinecone.calls
        .slice(before)
        .filter(c => c.path === '/vectors/upsert');
      const sizes = upserts.map(c => Buffer.byteLength(JSON.stringify(c.body)));
      assert.ok(
        sizes.every(n => n < 2 * 1024 * 1024),
        `request sizes ${sizes}`,
      );
      assert.ok(
        upserts.some(c => c.body.vectors.length < PINECONE_UPSERT_BATCH),
      );
      assert.equal(pinecone.ns('wide').size, job.progress.chunksStored);
    } finally {
      embed = text => hashing.embed(text);
    }
  });

  test('batches end at a hundred records or before their JSON passes the byte budget', () => {
    const sizes = (bytes: number[]) =>
      [...upsertBatches(bytes.map(n => ({ pad: 'x'.repeat(n) })))].map(
        b => b.length,
      );
    assert.deepEqual(sizes(Array(250).fill(10)), [100, 100, 50]);
    const third = Math.floor(PINECONE_UPSERT_BYTES / 3);
    assert.deepEqual(sizes([third, third, third, third, third]), [2, 2, 1]);
    // A record larger than the budget still goes, alone.
    assert.deepEqual(sizes([10, PINECONE_UPSERT_BYTES * 2, 10]), [1, 1, 1]);
    assert.deepEqual(sizes([]), []);
  });

  test('deleting a collection that holds no vectors succeeds (Pinecone answers 404)', async () => {
    await api(svc.url, 'PUT', '/v1/collections/empty');
    const { status } = await api(svc.url, 'DELETE', '/v1/collections/empty');
    assert.equal(status, 204);
    assert.equal(
      pinecone.calls.filter(c => c.path === '/vectors/delete').at(-1)!.body
        .namespace,
      'empty',
    );
    assert.equal(
      (await api(svc.url, 'GET', '/v1/collections/empty/documents')).status,
      404,
    );
  });

  test('a document whose vectors cannot be deleted stays listed, to delete again', async () => {
    await api(svc.url, 'PUT', '/v1/collections/keep');
    const job = await ingest('keep', 'keep.pdf', ['Antenna alignment notes.']);
    assert.equal(job.status, 'succeeded', job.error);
    const path = `/v1/collections/keep/documents/${job.documentId}`;
    pinecone.failures['/vectors/delete'] = [500, 500, 500, 500];
    assert.equal((await api(svc.url, 'DELETE', path)).status, 502);
    assert.equal((await api(svc.url, 'GET', path)).status, 200);
    assert.equal(pinecone.ns('keep').size, 1);
    assert.equal((await api(svc.url, 'DELETE', path)).status, 204);
    assert.equal((await api(svc.url, 'GET', path)).status, 404);
    assert.equal(pinecone.ns('keep').size, 0);
  });

  test('readiness reflects Pinecone', async () => {
    assert.equal((await fetch(`${svc.url}/readyz`)).status, 200);
    pinecone.failures['/describe_index_stats'] = [503, 503, 503, 503];
    const res = await fetch(`${svc.url}/readyz`);
    assert.equal(res.status, 503);
    assert.match(
      (await res.json()).checks.vectorStore,
      /pinecone: unavailable/,
    );

    // Open to anyone, so an upstream's words quoting the key are redacted.
    server.use(
      http.post(
        `${PINECONE_ENV.PINECONE_INDEX_HOST}/describe_index_stats`,
        ({ request }) =>
          HttpResponse.json(
            {
              error: {
                code: 'INVALID_ARGUMENT',
                message: `bad request from ${request.headers.get('api-key')}`,
              },
            },
            { status: 400 },
          ),
        { once: true },
      ),
    );
    const echoed = await (await fetch(`${svc.url}/readyz`)).json();
    assert.doesNotMatch(echoed.checks.vectorStore, /pc-test-key/);
    assert.match(echoed.checks.vectorStore, /\[redacted\]/);
  });
});
