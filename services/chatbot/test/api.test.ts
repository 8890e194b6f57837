import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  api,
  auth,
  chat,
  ingest as ingestInto,
  startService,
  upload,
  waitForJob,
  type RunningService,
} from './helpers/service.js';
import {
  debianManual,
  encrypt,
  imageOnlyPdf,
  textPdf,
} from './helpers/pdfs.js';
import type { SqliteMetadataStore } from '../src/store/SqliteMetadataStore.js';

const ROUTER_MANUAL = [
  'Router quick start. Unpack the router and connect the power cable. The status light turns green after boot.',
  'Factory reset. The reset button is on the back panel. Hold the reset button for ten seconds to restore factory settings.',
  'Wireless settings. The default Wi-Fi password is printed on the label under the device. Change it in the admin page.',
];
const RECIPES = [
  'Pancakes. Whisk flour, milk and two eggs. Fry each pancake for one minute per side in butter.',
];

let svc: RunningService;
let routerPdf: Buffer;

const ingest = (collection: string, name: string, data: Buffer) =>
  ingestInto(svc.url, collection, name, data);

before(async () => {
  svc = await startService({ MAX_UPLOAD_MB: '1', MAX_PAGES: '20' });
  for (const c of ['routers', 'kitchen'])
    assert.equal(
      (await api(svc.url, 'PUT', `/v1/collections/${c}`)).status,
      201,
    );
  routerPdf = await textPdf(ROUTER_MANUAL);
  const job = await ingest('routers', 'router-manual.pdf', routerPdf);
  assert.equal(job.status, 'succeeded', job.error);
  assert.equal(
    (await ingest('kitchen', 'recipes.pdf', await textPdf(RECIPES))).status,
    'succeeded',
  );
});

after(() => svc.close());

describe('authentication and discovery', () => {
  test('every /v1 route but the API description refuses a missing or wrong bearer token', async () => {
    assert.equal((await fetch(`${svc.url}/v1/collections`)).status, 401);
    const wrong = await fetch(`${svc.url}/v1/collections`, {
      headers: { Authorization: 'Bearer nope' },
    });
    assert.equal(wrong.status, 401);
    assert.match((await wrong.json()).error.message, /invalid bearer token/);
  });

  test('serves its OpenAPI document (public, as the entity page links it) and security headers', async () => {
    const res = await fetch(`${svc.url}/v1/openapi.json`);
    const doc = await res.json();
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.paths['/v1/collections/{collectionId}/chat'].post);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(res.headers.get('x-request-id'));
  });

  test('health is open; readiness reports the offline providers', async () => {
    assert.equal((await fetch(`${svc.url}/healthz`)).status, 200);
    const ready = await (await fetch(`${svc.url}/readyz`)).json();
    assert.equal(ready.status, 'ready');
    assert.match(ready.checks.vectorStore, /^embedded: ok/);
  });
});

describe('ingestion', () => {
  test('lists the document with pages, chunks and bytes, and the job shows progress', async () => {
    const { body } = await api(
      svc.url,
      'GET',
      '/v1/collections/routers/documents',
    );
    assert.equal(body.documents.length, 1);
    const [doc] = body.documents;
    assert.equal(doc.filename, 'router-manual.pdf');
    assert.equal(doc.pages, 3);
    assert.ok(doc.chunks >= 3);
    assert.ok(doc.bytes > 500);
    assert.equal(doc.sha256, undefined);
  });

  test('rejects a file that is not a PDF whatever its name and type say, storing nothing', async () => {
    const { status, body } = await upload(svc.url, 'routers', [
      { name: 'fake.pdf', data: Buffer.from('<html>hello</html>') },
    ]);
    assert.equal(status, 415);
    assert.match(body.error.message, /fake\.pdf is not a PDF/);
    assert.equal(
      (await api(svc.url, 'GET', '/v1/collections/routers/documents')).body
        .documents.length,
      1,
    );
  });

  test('rejects an empty file and a missing file field', async () => {
    const empty = await upload(svc.url, 'routers', [
      { name: 'empty.pdf', data: Buffer.alloc(0) },
    ]);
    assert.equal(empty.status, 400);
    assert.match(empty.body.error.message, /empty/);
    const none = await upload(svc.url, 'routers', []);
    assert.equal(none.status, 400);
  });

  test('names the multipart field a file came in, or the count, when either is wrong', async () => {
    const pdf = await textPdf(['Fan speeds.']);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(pdf)]), 'fan.pdf');
    const res = await fetch(`${svc.url}/v1/collections/routers/documents`, {
      method: 'POST',
      headers: auth,
      body: form,
    });
    assert.equal(res.status, 400);
    assert.match(
      (await res.json()).error.message,
      /a file came in the multipart field "file": send PDFs in the field "files" \(at most 10\)/,
    );
    const many = await upload(
      svc.url,
      'routers',
      Array.from({ length: 11 }, (_, i) => ({ name: `${i}.pdf`, data: pdf })),
    );
    assert.equal(many.status, 400);
    assert.match(many.body.error.message, /send at most 10 PDFs/);
  });

  test('rejects a file over the size limit with 413', async () => {
    const big = Buffer.concat([
      Buffer.from('%PDF-1.7\n'),
      Buffer.alloc(1.5 * 1024 * 1024, 32),
    ]);
    const { status, body } = await upload(svc.url, 'routers', [
      { name: 'big.pdf', data: big },
    ]);
    assert.equal(status, 413);
    assert.match(body.error.message, /1 MB limit/);
  });

  test('refuses the same file while its first upload is still being ingested', async () => {
    const pdf = await textPdf(['Croissants need cold butter and patience.']);
    const [first, second] = await Promise.all([
      upload(svc.url, 'kitchen', [{ name: 'croissant.pdf', data: pdf }]),
      upload(svc.url, 'kitchen', [{ name: 'croissant-copy.pdf', data: pdf }]),
    ]);
    assert.deepEqual([first.status, second.status].sort(), [202, 409]);
    const accepted = first.status === 202 ? first : second;
    assert.equal(
      (await waitForJob(svc.url, 'kitchen', accepted.body.jobs[0].id)).status,
      'succeeded',
    );
  });

  test('refuses the same file twice in one collection', async () => {
    const { status, body } = await upload(svc.url, 'routers', [
      { name: 'again.pdf', data: routerPdf },
    ]);
    assert.equal(status, 409);
    assert.match(body.error.message, /already in this collection/);
  });

  for (const [name, make, reason] of [
    [
      'encrypted.pdf',
      async () => encrypt(await textPdf(['Secret plans'])),
      /password-protected/,
    ],
    [
      'truncated.pdf',
      async () => (await textPdf(['Some text here', 'More'])).subarray(0, 400),
      /corrupt or truncated/,
    ],
    ['scan.pdf', () => imageOnlyPdf(), /no extractable text/],
    [
      'long.pdf',
      () => textPdf(Array.from({ length: 25 }, (_, i) => `Page ${i}`)),
      /25 pages; the limit is 20/,
    ],
  ] as const) {
    test(`fails the job for ${name} with a reason a person can act on`, async () => {
      const job = await ingest('routers', name, await make());
      assert.equal(job.status, 'failed');
      assert.match(job.error, reason);
      const docs = (
        await api(svc.url, 'GET', '/v1/collections/routers/documents')
      ).body.documents;
      assert.deepEqual(
        docs.map((d: any) => d.filename),
        ['router-manual.pdf'],
      );
    });
  }

  test('keeps a hostile filename only as a label', async () => {
    const job = await ingest(
      'kitchen',
      '../../etc/passwd\u202e<img src=x>.pdf',
      await textPdf(['Waffles need a hot iron.']),
    );
    assert.equal(job.status, 'succeeded');
    assert.equal(job.filename, 'passwd<img src=x>.pdf');
    // Uploads are stored under service-generated names and removed after ingestion.
    assert.deepEqual(fs.readdirSync(path.join(svc.dataDir, 'uploads')), []);
  });

  test('a document still being ingested cannot be deleted yet (409), and can be once its job finished', async () => {
    // A 311-page manual: its ingestion takes long enough to ask during it.
    const big = await startService();
    try {
      await api(big.url, 'PUT', '/v1/collections/kitchen');
      const { status, body } = await upload(big.url, 'kitchen', [
        { name: 'manual.pdf', data: fs.readFileSync(debianManual()) },
      ]);
      assert.equal(status, 202);
      const [{ id: jobId, documentId }] = body.jobs;
      const path = `/v1/collections/kitchen/documents/${documentId}`;
      const early = await api(big.url, 'DELETE', path);
      assert.equal(early.status, 409);
      assert.match(
        early.body.error.message,
        new RegExp(
          `is still being ingested \\(job ${jobId}, (queued|running)\\); delete it once the job has finished`,
        ),
      );
      const job = await waitForJob(big.url, 'kitchen', jobId);
      assert.equal(job.status, 'succeeded');
      assert.equal((await api(big.url, 'DELETE', path)).status, 204);
      assert.equal((await api(big.url, 'DELETE', path)).status, 404);
    } finally {
      await big.close();
    }
  });

  test('cuts a long filename at 200 characters, never inside one', async () => {
    const name = `x${'😀'.repeat(250)}.pdf`;
    const { status, body } = await upload(svc.url, 'kitchen', [
      { name, data: await textPdf(['Crêpes need a thin batter.']) },
    ]);
    assert.equal(status, 202);
    const [{ filename }] = body.jobs;
    assert.equal(Array.from(filename).length, 200);
    assert.equal(filename, `x${'😀'.repeat(199)}`);
    const job = await waitForJob(svc.url, 'kitchen', body.jobs[0].id);
    assert.equal(job.filename, filename, 'stored as answered');
  });

  test('answers 404 for unknown collections, documents and jobs, and 400 for a bad slug', async () => {
    assert.equal(
      (await api(svc.url, 'GET', '/v1/collections/nope/documents')).status,
      404,
    );
    assert.equal(
      (
        await api(
          svc.url,
          'GET',
          '/v1/collections/routers/documents/0b7f0a43-5e0e-4d5c-9a2f-3c9a1d7e8f00',
        )
      ).status,
      404,
    );
    assert.equal(
      (await api(svc.url, 'GET', '/v1/collections/routers/jobs/not-a-uuid'))
        .status,
      404,
    );
    const traversal = await api(
      svc.url,
      'DELETE',
      '/v1/collections/routers/documents/..%2F..%2Fx',
    );
    assert.equal(traversal.status, 404);
    assert.match(
      traversal.body.error.message,
      /document \.\.\/\.\.\/x not found/,
    );
    const badEncoding = await api(
      svc.url,
      'GET',
      '/v1/collections/routers/documents/%E0%A4%A',
    );
    assert.equal(badEncoding.status, 400);
    const bad = await api(svc.url, 'PUT', '/v1/collections/Bad_Slug');
    assert.equal(bad.status, 400);
    assert.match(
      bad.body.error.message,
      /lowercase letters, digits and dashes/,
    );
  });
});

describe('chat', () => {
  test('streams an answer citing document and page, with sources and timings', async () => {
    const { status, events, answer } = await chat(svc.url, 'routers', {
      message: 'How do I restore factory settings with the reset button?',
    });
    assert.equal(status, 200);
    assert.deepEqual(
      [...new Set(events.map(e => e.event))],
      ['start', 'sources', 'token', 'done'],
    );
    const sources = events.find(e => e.event === 'sources')!.data.sources;
    assert.equal(sources[0].filename, 'router-manual.pdf');
    assert.equal(sources[0].page, 2);
    assert.match(sources[0].snippet, /reset button/);
    assert.match(answer, /ten seconds/);
    assert.match(answer, /\[router-manual\.pdf p\. 2\]/);
    assert.match(answer, /No language model is configured/);
    const done = events.at(-1)!.data;
    assert.equal(done.answered, true);
    assert.ok(
      done.timings.firstTokenMs >= 0 &&
        done.timings.totalMs >= done.timings.firstTokenMs,
    );
    assert.ok(done.usage.completionTokens > 0);
  });

  test('never answers from another collection', async () => {
    const { events } = await chat(svc.url, 'kitchen', {
      message: 'Where is the reset button and the Wi-Fi password?',
    });
    const sources = events.find(e => e.event === 'sources')!.data.sources;
    assert.ok(
      sources.every((s: any) => s.filename !== 'router-manual.pdf'),
      JSON.stringify(sources),
    );
  });

  test('says so when the documents hold no answer', async () => {
    const { events, answer } = await chat(svc.url, 'routers', {
      message: 'Quantum chromodynamics lattice gauge theory',
    });
    assert.deepEqual(events.find(e => e.event === 'sources')!.data.sources, []);
    assert.match(answer, /couldn't find an answer/);
    assert.equal(events.at(-1)!.data.answered, false);
  });

  test('remembers the conversation and rewrites a follow-up into a standalone question', async () => {
    const first = await chat(svc.url, 'routers', {
      message: 'Where is the default Wi-Fi password printed?',
    });
    const conversationId = first.events[0].data.conversationId;
    const second = await chat(svc.url, 'routers', {
      conversationId,
      message: 'Can I change it?',
    });
    const start = second.events[0].data;
    assert.equal(start.conversationId, conversationId);
    assert.match(
      start.standaloneQuestion,
      /^Can I change it\? \(about: .*wi, fi, password/i,
    );
    assert.equal(
      second.events.find(e => e.event === 'sources')!.data.sources[0].page,
      3,
    );
  });

  test('rejects an empty message, a foreign conversation and bad JSON', async () => {
    assert.equal(
      (await chat(svc.url, 'routers', { message: '   ' })).status,
      400,
    );
    const nul = await fetch(`${svc.url}/v1/collections/routers/chat`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'reset\u0000?' }),
    });
    assert.equal(nul.status, 400);
    assert.match((await nul.json()).error.message, /NUL character/);
    const kitchen = await chat(svc.url, 'kitchen', { message: 'pancakes' });
    const foreign = await chat(svc.url, 'routers', {
      conversationId: kitchen.events[0].data.conversationId,
      message: 'hi',
    });
    assert.equal(foreign.status, 404);
    const res = await fetch(`${svc.url}/v1/collections/routers/chat`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"message":',
    });
    assert.equal(res.status, 400);
    assert.match((await res.json()).error.message, /not valid JSON/);
  });

  test("names the body parser's 415 UnsupportedMediaType, not BadRequest", async () => {
    const unsupported: Record<string, string>[] = [
      { 'content-type': 'application/json; charset=latin1' },
      { 'content-type': 'application/json', 'content-encoding': 'compress' },
    ];
    for (const headers of unsupported) {
      const res = await fetch(`${svc.url}/v1/collections/routers/chat`, {
        method: 'POST',
        headers: { ...auth, ...headers },
        body: '{"message":"hi"}',
      });
      assert.equal(res.status, 415);
      assert.equal((await res.json()).error.name, 'UnsupportedMediaType');
    }
  });
});

describe('deletion and metrics', () => {
  test('deleting a document removes it and its chunks from answers', async () => {
    const job = await ingest(
      'kitchen',
      'omelette.pdf',
      await textPdf([
        'Omelette. Beat three eggs, add salt, cook gently in butter.',
      ]),
    );
    await api(
      svc.url,
      'DELETE',
      `/v1/collections/kitchen/documents/${job.documentId}`,
    ).then(r => assert.equal(r.status, 204));
    const { events } = await chat(svc.url, 'kitchen', {
      message: 'How do I cook an omelette with three eggs?',
    });
    const sources = events.find(e => e.event === 'sources')!.data.sources;
    assert.ok(sources.every((s: any) => s.filename !== 'omelette.pdf'));
    const chunks = (svc.metadata as SqliteMetadataStore).db
      .prepare('SELECT count(*) AS n FROM chunks WHERE document_id = ?')
      .get(job.documentId) as { n: number };
    assert.equal(chunks.n, 0);
  });

  test('exposes request, TTFT, token, ingestion and retrieval metrics with route templates', async () => {
    const text = await (await fetch(`${svc.url}/metrics`)).text();
    for (const name of [
      'chatbot_http_request_duration_seconds_bucket',
      'chatbot_time_to_first_token_seconds_bucket',
      'chatbot_tokens_streamed_total',
      'chatbot_ingestion_pages_total',
      'chatbot_ingestion_chunks_total',
      'chatbot_ingestion_failures_total{reason="encrypted"}',
      'chatbot_retrieval_duration_seconds_bucket',
    ]) {
      assert.ok(text.includes(name), `missing ${name}`);
    }
    assert.match(text, /route="\/v1\/collections\/:collectionId\/chat"/);
    assert.doesNotMatch(text, /route="\/v1\/collections\/routers/);
  });
});
