import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { spawnService } from './helpers/process.mjs';
import {
  api,
  chat,
  ingest,
  TOKEN,
  upload,
  waitForJob,
} from './helpers/service.js';
import { debianManual, textPdf } from './helpers/pdfs.js';
import { startFakeLlm } from './fakes/llmServer.js';

// These tests run the production build (dist/) with plain node, as the
// Dockerfile does, and treat it as a black box over HTTP and signals.
const root = path.resolve(import.meta.dirname, '..');
let dataDir: string;
let manual: Buffer;

const startBuilt = (env: Record<string, string> = {}) =>
  spawnService(
    { CHATBOT_API_TOKEN: TOKEN, DATA_DIR: dataDir, ...env },
    { build: true },
  );

const get = async (base: string, route: string) =>
  (await api(base, 'GET', route)).body;

async function uploadManual(base: string) {
  const { status, body } = await upload(base, 'manuals', [
    { name: 'gnuplot.pdf', data: manual },
  ]);
  assert.equal(status, 202);
  return body.jobs[0];
}

/**
 * A collection of the test's own with one page on the png terminal, so a
 * test that only needs something to answer from runs alone or in any order.
 */
async function ownCollection(base: string, name: string) {
  await api(base, 'PUT', `/v1/collections/${name}`);
  const job = await ingest(
    base,
    name,
    'terminal.pdf',
    await textPdf([
      'Terminals. Set the terminal to png with: set terminal png.',
    ]),
  );
  assert.equal(job.status, 'succeeded', job.error);
}

before(() => {
  // Always rebuild: dist/ is not versioned and may be older than src/.
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatbot-proc-'));
  manual = fs.readFileSync(debianManual());
});

after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('the production build as a process', () => {
  test('refuses to start without a token, naming the variable', () => {
    const result = spawnSyncStatus({ CHATBOT_API_TOKEN: '' });
    assert.equal(result.status, 1);
    assert.match(result.output, /CHATBOT_API_TOKEN/);
    assert.doesNotMatch(result.output, /\n\s+at /);
  });

  test('after kill -9 mid-ingestion a document is absent and its job says why; re-upload works', async () => {
    let svc = await startBuilt();
    await api(svc.url, 'PUT', '/v1/collections/manuals');
    const job = await uploadManual(svc.url);
    const deadline = Date.now() + 30_000;
    let status;
    do {
      // Polled without a pause on purpose: the kill must land mid-parse.
      status = await get(svc.url, `/v1/collections/manuals/jobs/${job.id}`);
    } while (
      status.status !== 'succeeded' &&
      status.progress.pagesParsed === 0 &&
      Date.now() < deadline
    );
    assert.notEqual(
      status.status,
      'succeeded',
      'ingestion finished before the kill; the test needs a slower document',
    );
    svc.child.kill('SIGKILL');
    await once(svc.child, 'exit');

    svc = await startBuilt();
    const after = await get(svc.url, `/v1/collections/manuals/jobs/${job.id}`);
    assert.equal(after.status, 'failed');
    assert.match(after.error, /interrupted: the service restarted/);
    assert.deepEqual(
      (await get(svc.url, '/v1/collections/manuals/documents')).documents,
      [],
    );

    const retry = await uploadManual(svc.url);
    const done = await waitForJob(svc.url, 'manuals', retry.id, 120_000);
    assert.equal(done.status, 'succeeded', done.error);
    assert.equal(done.progress.pagesTotal, 311);
    const [doc] = (await get(svc.url, '/v1/collections/manuals/documents'))
      .documents;
    assert.equal(doc.pages, 311);
    assert.equal(doc.chunks, done.progress.chunksStored);

    // A real question on the real manual cites real pages.
    const { events } = await chat(svc.url, 'manuals', {
      message: 'How do I send output to a png file with set terminal pngcairo?',
    });
    const sources = events.find(e => e.event === 'sources')!.data.sources;
    assert.ok(sources.length > 0);
    assert.ok(
      sources.some((s: any) => /png/i.test(s.snippet)),
      JSON.stringify(sources),
    );
    assert.ok(sources.every((s: any) => s.page >= 1 && s.page <= 311));

    svc.child.kill('SIGTERM');
    assert.equal((await once(svc.child, 'exit'))[0], 0);
  });

  test('logs JSON lines with request ids, never the token or document text', async () => {
    const svc = await startBuilt({ LOG_LEVEL: 'info' });
    try {
      const secretPhrase = 'Zanzibar quokka protocol 7731';
      await api(svc.url, 'PUT', '/v1/collections/logs');
      await ingest(
        svc.url,
        'logs',
        'private.pdf',
        await textPdf([`The ${secretPhrase} is confidential.`]),
      );
      await chat(svc.url, 'logs', {
        message: `Tell me about the ${secretPhrase}`,
      });
      await fetch(`${svc.url}/v1/collections`, {
        headers: { Authorization: 'Bearer wrong-token-attempt-123' },
      });
    } finally {
      svc.child.kill('SIGTERM');
      await once(svc.child, 'exit');
    }
    const lines = svc.logs().trim().split('\n');
    const records = lines.map(l => JSON.parse(l));
    const requests = records.filter(r => r.msg === 'request');
    assert.ok(requests.length >= 4);
    assert.ok(
      requests.every(
        r => typeof r.requestId === 'string' && r.route && r.status,
      ),
    );
    assert.ok(records.some(r => r.msg === 'document ingested' && r.jobId));
    const all = svc.logs();
    assert.ok(!all.includes(TOKEN), 'the API token was logged');
    assert.ok(
      !all.includes('wrong-token-attempt-123'),
      'a presented token was logged',
    );
    assert.ok(!/quokka/i.test(all), 'document or chat text was logged');
  });

  test('keeps one pooled connection to the model server, also when it ends the response after [DONE]', async () => {
    // Here, unlike in-process tests, no msw interceptor sits between the
    // service and node's connection pool.
    const llm = await startFakeLlm({
      ttftMs: 0,
      tokens: ['w0 ', 'w1 '],
      intervalMs: 1,
      endAfterDoneMs: 20,
    });
    const svc = await startBuilt({
      LLM_PROVIDER: 'openai',
      LLM_BASE_URL: llm.url,
    });
    try {
      await ownCollection(svc.url, 'pooled');
      for (let i = 0; i < 5; i++) {
        const { events, answer } = await chat(svc.url, 'pooled', {
          message: 'How do I set the terminal to png?',
        });
        assert.equal(events.at(-1)!.event, 'done');
        assert.equal(answer, 'w0 w1 ');
        await new Promise(r => setTimeout(r, 60)); // the server's late end arrives
      }
      assert.equal(llm.connections(), 1);
    } finally {
      svc.child.kill('SIGTERM');
      await once(svc.child, 'exit');
      llm.close();
    }
  });

  test('on SIGTERM it stops taking requests but finishes the stream in flight', async () => {
    // A slow model server on loopback: one token per 100 ms.
    const llm = await startFakeLlm({
      ttftMs: 0,
      tokens: Array.from({ length: 10 }, (_, i) => `w${i} `),
      intervalMs: 100,
    });
    const llmUrl = llm.url;
    const svc = await startBuilt({
      LLM_PROVIDER: 'openai',
      LLM_BASE_URL: llmUrl,
      SHUTDOWN_GRACE_MS: '10000',
    });
    try {
      await ownCollection(svc.url, 'shutdown');
      const streaming = chat(svc.url, 'shutdown', {
        message: 'How do I set the terminal to png?',
      });
      await new Promise(r => setTimeout(r, 400));
      svc.child.kill('SIGTERM');
      await new Promise(r => setTimeout(r, 100));
      await assert.rejects(
        fetch(`${svc.url}/healthz`),
        'new connections are refused',
      );
      const { events, answer } = await streaming;
      assert.equal(events.at(-1)!.event, 'done');
      assert.equal(answer, 'w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 ');
      assert.equal((await once(svc.child, 'exit'))[0], 0);
      assert.match(svc.logs(), /shut down cleanly/);
    } finally {
      llm.close();
    }
  });
});

function spawnSyncStatus(env: Record<string, string>) {
  try {
    const output = execFileSync(process.execPath, ['dist/server.js'], {
      cwd: root,
      env: { PATH: process.env.PATH, DATA_DIR: dataDir, ...env },
      encoding: 'utf8',
      stdio: 'pipe',
    });
    return { status: 0, output };
  } catch (error: any) {
    return {
      status: error.status as number,
      output: `${error.stdout}${error.stderr}`,
    };
  }
}
