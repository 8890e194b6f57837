import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { parse } from 'yaml';
import { contractSchema, describeErrors } from '../src/http/contract.js';
import {
  api,
  auth,
  chat,
  ingest,
  startService,
  upload,
  type RunningService,
} from './helpers/service.js';
import { textPdf } from './helpers/pdfs.js';

/**
 * Real responses and SSE events, checked against openapi.yaml: what the
 * portal's generated types promise is what the service sends.
 */
let svc: RunningService;

function assertContract(schema: string, value: unknown) {
  const validate = contractSchema(schema);
  assert.ok(
    validate(value),
    `${schema}: ${describeErrors(validate.errors)}\n${JSON.stringify(value)}`,
  );
}

/** The declared responses of one operation, by status. */
function declaredStatuses(route: string, method: string): string[] {
  const doc = parse(
    fs.readFileSync(new URL('../openapi.yaml', import.meta.url), 'utf8'),
  );
  return Object.keys(doc.paths[route][method].responses);
}

before(async () => {
  svc = await startService({
    MAX_UPLOAD_MB: '1',
    MAX_CONCURRENT_CHATS: '1',
    RATE_LIMIT_PER_MINUTE: '1000',
  });
});
after(() => svc.close());

describe('responses match openapi.yaml', () => {
  test('collections, documents, jobs and the upload answer', async () => {
    const created = await api(svc.url, 'PUT', '/v1/collections/contract');
    assert.equal(created.status, 201);
    assertContract('CollectionRef', created.body);

    const pdf = await textPdf([
      'Contract page one. The blue valve opens the cooling loop.',
      'Page two. Close it before service.',
    ]);
    const accepted = await upload(svc.url, 'contract', [
      { name: 'valves.pdf', data: pdf },
    ]);
    assert.equal(accepted.status, 202);
    assertContract('UploadAccepted', accepted.body);

    const job = await ingest(
      svc.url,
      'contract',
      'second.pdf',
      await textPdf(['Another manual about pumps.']),
    );
    assertContract('Job', job);
    assert.equal(job.status, 'succeeded');

    const list = await api(svc.url, 'GET', '/v1/collections');
    assertContract('CollectionList', list.body);
    const docs = await api(
      svc.url,
      'GET',
      '/v1/collections/contract/documents',
    );
    assertContract('DocumentList', docs.body);
    assertContract(
      'Document',
      (
        await api(
          svc.url,
          'GET',
          `/v1/collections/contract/documents/${job.documentId}`,
        )
      ).body,
    );
    assertContract('Readiness', (await api(svc.url, 'GET', '/readyz')).body);
  });

  test('every SSE event of an answer, in the declared order', async () => {
    await ingest(
      svc.url,
      'contract',
      'pumps.pdf',
      await textPdf([
        'The pump primes in thirty seconds when the inlet is flooded.',
      ]),
    );
    const { status, events } = await chat(svc.url, 'contract', {
      message: 'How long does the pump take to prime?',
    });
    assert.equal(status, 200);
    assert.deepEqual(
      [...new Set(events.map(e => e.event))],
      ['start', 'sources', 'token', 'done'],
    );
    for (const e of events) assertContract('ChatEvent', e);
  });

  test('a model failure mid-stream ends with an error event of the declared shape', async () => {
    const failing = await startService({
      LLM_PROVIDER: 'openai',
      LLM_BASE_URL: 'http://127.0.0.1:9/v1',
      LLM_MODEL: 'm',
    });
    try {
      await api(failing.url, 'PUT', '/v1/collections/c');
      await ingest(
        failing.url,
        'c',
        'pumps.pdf',
        await textPdf(['The pump primes in thirty seconds.']),
      );
      const { events } = await chat(failing.url, 'c', {
        message: 'How long does the pump take to prime?',
      });
      const error = events.at(-1)!;
      assert.equal(error.event, 'error');
      assertContract('ChatEvent', error);
    } finally {
      await failing.close();
    }
  });

  test("error bodies carry Backstage's shape and the request id, for each declared status", async () => {
    const cases: [
      number,
      Promise<{ status: number; body: any; headers?: Headers }>,
    ][] = [
      [
        400,
        api(svc.url, 'POST', '/v1/collections/contract/chat', {
          message: '   ',
        }),
      ],
      [404, api(svc.url, 'GET', '/v1/collections/nope/documents')],
      [
        401,
        fetch(`${svc.url}/v1/collections`).then(async r => ({
          status: r.status,
          body: await r.json(),
        })),
      ],
      [
        415,
        upload(svc.url, 'contract', [
          { name: 'x.pdf', data: Buffer.from('not a pdf at all') },
        ]),
      ],
      [
        413,
        upload(svc.url, 'contract', [
          {
            name: 'big.pdf',
            data: Buffer.concat([
              Buffer.from('%PDF-1.7\n'),
              Buffer.alloc(2 * 1024 * 1024),
            ]),
          },
        ]),
      ],
    ];
    for (const [expected, pending] of cases) {
      const { status, body } = await pending;
      assert.equal(status, expected, JSON.stringify(body));
      assertContract('Error', body);
      assert.equal(body.response.statusCode, expected);
      assert.ok(body.requestId.length > 0);
    }
    assert.ok(
      declaredStatuses(
        '/v1/collections/{collectionId}/documents',
        'post',
      ).includes('413'),
    );
    const names = (
      await Promise.all([
        upload(svc.url, 'contract', [
          { name: 'x.pdf', data: Buffer.from('not a pdf at all') },
        ]),
        upload(svc.url, 'contract', [
          {
            name: 'big.pdf',
            data: Buffer.concat([
              Buffer.from('%PDF-1.7\n'),
              Buffer.alloc(2 * 1024 * 1024),
            ]),
          },
        ]),
      ])
    ).map(r => r.body.error.name);
    assert.deepEqual(names, ['UnsupportedMediaType', 'PayloadTooLarge']);
  });

  test("a 400 names the field and the rule, from the contract's schema", async () => {
    const blank = await api(svc.url, 'POST', '/v1/collections/contract/chat', {
      message: '  ',
    });
    assert.match(blank.body.error.message, /message: is blank/);
    const long = await api(svc.url, 'POST', '/v1/collections/contract/chat', {
      message: 'x'.repeat(4001),
    });
    assert.match(
      long.body.error.message,
      /message: is longer than 4000 characters/,
    );
    const extra = await api(svc.url, 'POST', '/v1/collections/contract/chat', {
      message: 'hi',
      model: 'gpt',
    });
    assert.match(extra.body.error.message, /unknown field "model"/);
    const badId = await api(svc.url, 'POST', '/v1/collections/contract/chat', {
      message: 'hi',
      conversationId: 'x',
    });
    assert.match(
      badId.body.error.message,
      /conversationId: must match format "uuid"/,
    );
  });

  test('a chat body sent as a form or as text is told to be JSON', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
      const res = await fetch(`${svc.url}/v1/collections/contract/chat`, {
        method: 'POST',
        headers: { ...auth, 'content-type': type },
        body: '{"message":"hi"}',
      });
      assert.equal(res.status, 400);
      assert.match(
        (await res.json()).error.message,
        new RegExp(
          `send the chat as JSON with Content-Type: application/json \\(got ${type}\\)`,
        ),
      );
    }
  });

  test('503 and 429 say when to come back (Retry-After) in the declared shape', async () => {
    const limited = await startService({ RATE_LIMIT_PER_MINUTE: '1' });
    try {
      await api(limited.url, 'GET', '/v1/collections');
      const res = await fetch(`${limited.url}/v1/collections`, {
        headers: auth,
      });
      assert.equal(res.status, 429);
      const retryAfter = Number(res.headers.get('retry-after'));
      assert.ok(
        retryAfter >= 1 && retryAfter <= 60,
        `Retry-After ${retryAfter}`,
      );
      const body = await res.json();
      assertContract('Error', body);
      assert.equal(body.error.name, 'TooManyRequests');
      assert.equal(body.requestId, res.headers.get('x-request-id'));
    } finally {
      await limited.close();
    }

    // One chat in progress (MAX_CONCURRENT_CHATS=1): a second is shed with 503.
    const held = new AbortController();
    svc.streams.add(held);
    try {
      const res = await fetch(`${svc.url}/v1/collections/contract/chat`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'anyone there?' }),
      });
      assert.equal(res.status, 503);
      assert.ok(Number(res.headers.get('retry-after')) >= 1);
      assertContract('Error', await res.json());
    } finally {
      svc.streams.delete(held);
    }
  });
});
