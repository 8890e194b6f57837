import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setupServer } from 'msw/node';
import {
  api,
  chat,
  ingest,
  startService,
  type RunningService,
} from './helpers/service.js';
import { textPdf } from './helpers/pdfs.js';
import { FakePinecone, PINECONE_ENV } from './fakes/pinecone.js';
import { HashingEmbeddings } from '../src/embeddings/HashingEmbeddings.js';
import { PINECONE_EMBED_BATCH } from '../src/embeddings/PineconeInferenceEmbeddings.js';

const pinecone = new FakePinecone();
const hashing = new HashingEmbeddings(64);
pinecone.embed = text => hashing.embed(text);
const server = setupServer(...pinecone.handlers());
let svc: RunningService;

before(async () => {
  server.listen({ onUnhandledRequest: 'bypass' });
  svc = await startService({
    ...PINECONE_ENV,
    EMBEDDINGS_PROVIDER: 'pinecone',
    EMBEDDINGS_MODEL: 'multilingual-e5-large',
    CHUNK_SIZE: '150',
    CHUNK_OVERLAP: '20',
  });
  await api(svc.url, 'PUT', '/v1/collections/hosted');
});

after(async () => {
  await svc.close();
  server.close();
});

test('embeds passages and queries with Pinecone hosted inference, in batches of 96, retrying a 429', async () => {
  pinecone.failures['/embed'] = [429];
  const pages = Array.from({ length: 120 }, (_, i) =>
    i === 81
      ? 'Calibration. Hold the calibrate key while the gauge reads zero, then release it.'
      : `Filler page ${i} about brackets, mounting, cabling and ventilation of the unit.`,
  );
  const job = await ingest(
    svc.url,
    'hosted',
    'gauge.pdf',
    await textPdf(pages),
  );
  assert.equal(job.status, 'succeeded', job.error);
  const embeds = pinecone.calls.filter(c => c.path === '/embed');
  assert.ok(embeds.length >= 3, 'more than one batch plus the retried one');
  assert.ok(
    embeds.every(
      c =>
        c.body.inputs.length <= PINECONE_EMBED_BATCH &&
        c.body.model === 'multilingual-e5-large',
    ),
  );
  assert.ok(embeds.every(c => c.body.parameters.input_type === 'passage'));

  const { events } = await chat(svc.url, 'hosted', {
    message: 'How do I calibrate the gauge with the calibrate key?',
  });
  const query = pinecone.calls.filter(c => c.path === '/embed').at(-1)!;
  assert.equal(query.body.parameters.input_type, 'query');
  assert.equal(
    events.find(e => e.event === 'sources')!.data.sources[0].page,
    82,
  );
});

test('a stalled embed call is cut off after UPSTREAM_TIMEOUT_MS and retried, as a 502 is', async t => {
  const impatient = await startService({
    ...PINECONE_ENV,
    EMBEDDINGS_PROVIDER: 'pinecone',
    EMBEDDINGS_MODEL: 'multilingual-e5-large',
    UPSTREAM_TIMEOUT_MS: '300',
    UPSTREAM_RETRIES: '2',
  });
  t.after(() => impatient.close());
  await api(impatient.url, 'PUT', '/v1/collections/stalls');
  const pdf = await textPdf([
    'Calibration. Hold the calibrate key while the gauge reads zero.',
  ]);

  pinecone.stalls['/embed'] = 1;
  pinecone.failures['/embed'] = [502];
  const before = pinecone.calls.length;
  const job = await ingest(impatient.url, 'stalls', 'gauge.pdf', pdf);
  assert.equal(job.status, 'succeeded', job.error);
  const embeds = pinecone.calls.slice(before).filter(c => c.path === '/embed');
  assert.equal(embeds.length, 3, 'stalled, 502, then answered');
  const [stalled, failed502] = embeds;
  // 300 ms of timeout and one backoff; the default timeout would be 60 s.
  assert.ok(
    failed502.at - stalled.at < 3000,
    `the stall was cut short after ${failed502.at - stalled.at} ms`,
  );
  // ...and its request cancelled, not left running.
  assert.deepEqual(pinecone.cancelled, ['/embed']);

  pinecone.stalls['/embed'] = 3;
  const failed = await ingest(
    impatient.url,
    'stalls',
    'gauge-2.pdf',
    await textPdf(['Another page about the gauge.']),
  );
  assert.equal(failed.status, 'failed');
  assert.match(
    failed.error,
    /pinecone-inference: embed failed: embed timed out after 300 ms/,
  );
  const { body } = await api(
    impatient.url,
    'GET',
    '/v1/collections/stalls/documents',
  );
  assert.deepEqual(
    body.documents.map((d: any) => d.filename),
    ['gauge.pdf'],
    'the document stored before is kept',
  );
});
