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
import { HashingEmbeddings } from '../src/embeddings/HashingEmbeddings.js';
import { PINECONE_UPSERT_BATCH } from '../src/vector/PineconeVectorStore.js';

const pinecone = new FakePinecone();
const embedRequests: any[] = [];
const hashing = new HashingEmbeddings(64);
const server = setupServer(
  ...pinecone.handlers(),
  embeddingsHandler(t => hashing.embed(t), embedRequests),
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
    assert.match(job.error, /pinecone: upsert failed/);
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

  test('readiness reflects Pinecone', async () => {
    assert.equal((await fetch(`${svc.url}/readyz`)).status, 200);
    pinecone.failures['/describe_index_stats'] = [503, 503, 503, 503];
    const res = await fetch(`${svc.url}/readyz`);
    assert.equal(res.status, 503);
    assert.match(
      (await res.json()).checks.vectorStore,
      /pinecone: unavailable/,
    );
  });
});
