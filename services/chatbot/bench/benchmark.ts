/**
 * Benchmark: `npm run bench` (full) or `npm run bench -- --short` (CI).
 * Every figure is paired with the same measurement of the langchain.js
 * default path (baseline.ts) taken in the same run, and quoted as a ratio:
 * these machines are noisy, ratios from one run are what to compare.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { HashingEmbeddings } from '../src/embeddings/HashingEmbeddings.js';
import { EmbeddedVectorStore } from '../src/vector/EmbeddedVectorStore.js';
import { SqliteMetadataStore } from '../src/store/SqliteMetadataStore.js';
import { openDatabase } from '../src/store/database.js';
import { parsePdf } from '../src/ingest/pdf.js';
import { chunkPages } from '../src/ingest/chunking.js';
import { MemoryVectorStore } from '@langchain/classic/vectorstores/memory';
import { Document } from '@langchain/core/documents';
import { debianManual } from '../test/helpers/pdfs.js';
import { randomToken, spawnService } from '../test/helpers/process.js';
import { chunk as llmChunk } from '../test/fakes/openai.js';
import { baselineIngest, baselineQuestion } from './baseline.js';
import { fmt, percentile } from './stats.js';

const SHORT = process.argv.includes('--short');
const TOKEN = randomToken();
const embeddings = new HashingEmbeddings(256);
const manual = fs.readFileSync(debianManual());
const results: Record<string, unknown> = { short: SHORT, node: process.version, cpus: os.cpus().length };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chatbot-bench-'));
const gc = (globalThis as any).gc as (() => void) | undefined;

function line(label: string, ours: string, baseline: string, ratio: string) {
  console.log(`${label.padEnd(44)} ${ours.padStart(14)} ${baseline.padStart(14)} ${ratio.padStart(10)}`);
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const value = await fn();
  return [performance.now() - start, value];
}

function freshStore(name: string) {
  const db = openDatabase(path.join(tmp, name));
  const metadata = new SqliteMetadataStore(db);
  return { db, metadata, store: new EmbeddedVectorStore(metadata) };
}

async function oursIngest(data: Buffer, s: ReturnType<typeof freshStore>, collection: string, id: string) {
  await s.metadata.createCollection(collection);
  const pages = await parsePdf(new Uint8Array(data), { maxPages: 5000 });
  const chunks = await chunkPages(pages, 1000, 150);
  const vectors = await embeddings.embedDocuments(chunks.map(c => c.text));
  await s.store.commitDocument(
    { id, collectionId: collection, filename: 'gnuplot.pdf', pages: pages.length, chunks: chunks.length, bytes: data.length, sha256: id, createdAt: new Date().toISOString() },
    chunks.map((c, i) => ({ id: `${id}:${i}`, page: c.page, text: c.text, vector: vectors[i] })),
    () => undefined,
  );
  return { pages: pages.length, chunks: chunks.length };
}

async function ingestion() {
  const runs = SHORT ? 2 : 5;
  const ours: number[] = [];
  const base: number[] = [];
  let pages = 0;
  for (let r = 0; r < runs; r++) {
    const s = freshStore(`ingest-${r}`);
    const [ms, info] = await time(() => oursIngest(manual, s, 'c', `doc-${r}`));
    pages = info.pages;
    ours.push(ms);
    s.db.close();
    base.push((await time(() => baselineIngest([manual], embeddings)))[0]);
  }
  const oursPps = pages / (percentile(ours, 50) / 1000);
  const basePps = pages / (percentile(base, 50) / 1000);
  results.ingestion = { pages, oursPagesPerSecond: oursPps, baselinePagesPerSecond: basePps, ratio: oursPps / basePps };
  line(`ingestion, ${pages}-page manual (pages/s)`, fmt(oursPps, 0), fmt(basePps, 0), `${fmt(oursPps / basePps)}x`);
}

function syntheticTexts(n: number, seedTexts: string[]) {
  return Array.from({ length: n }, (_, i) => `${seedTexts[i % seedTexts.length]} variant ${i} ref${i % 977}`);
}

async function retrieval() {
  const pages = await parsePdf(new Uint8Array(manual), { maxPages: 5000 });
  const seed = (await chunkPages(pages, 1000, 150)).map(c => c.text);
  const questions = ['set terminal pngcairo size', 'plot data file using columns', 'splot surface hidden3d', 'set xrange autoscale', 'fit function parameters'];
  const qVectors = await embeddings.embedDocuments(questions);
  for (const n of [10_000, 100_000]) {
    const texts = syntheticTexts(n, seed);
    const vectors = await embeddings.embedDocuments(texts);
    const s = freshStore(`retrieval-${n}`);
    await s.metadata.createCollection('c');
    for (let start = 0, d = 0; start < n; start += 10_000, d++) {
      const id = `doc-${d}`;
      await s.store.commitDocument(
        { id, collectionId: 'c', filename: 'x.pdf', pages: 1, chunks: 10_000, bytes: 1, sha256: id, createdAt: '' },
        texts.slice(start, start + 10_000).map((t, i) => ({ id: `${id}:${i}`, page: 1, text: t, vector: vectors[start + i] })),
        () => undefined,
      );
    }
    await s.store.search('c', qVectors[0], 4); // load the collection into memory
    const queries = SHORT ? 100 : 500;
    const ours: number[] = [];
    for (let q = 0; q < queries; q++) ours.push((await time(() => s.store.search('c', qVectors[q % qVectors.length], 4)))[0]);

    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const memory = new MemoryVectorStore(embeddings);
    // Copies inside the measured region: the store keeps the arrays it is given.
    await memory.addVectors(vectors.map(v => [...v]), texts.map((t, i) => new Document({ pageContent: `${t}`, metadata: { page: 1, i } })));
    gc?.();
    const baselineBytes = process.memoryUsage().heapUsed - heapBefore;
    const baseQueries = SHORT ? 10 : 50;
    const base: number[] = [];
    for (let q = 0; q < baseQueries; q++) base.push((await time(() => memory.similaritySearchVectorWithScore(qVectors[q % qVectors.length], 4)))[0]);

    const k = `${n / 1000}k`;
    const o50 = percentile(ours, 50), o99 = percentile(ours, 99), b50 = percentile(base, 50), b99 = percentile(base, 99);
    const oursBytes = s.store.memoryBytes('c');
    results[`retrieval_${k}`] = { oursP50Ms: o50, oursP99Ms: o99, baselineP50Ms: b50, baselineP99Ms: b99, oursBytesPer10k: (oursBytes / n) * 10_000, baselineBytesPer10k: (baselineBytes / n) * 10_000 };
    line(`retrieval p50 at ${k} chunks (ms)`, fmt(o50), fmt(b50), `${fmt(b50 / o50)}x faster`);
    line(`retrieval p99 at ${k} chunks (ms)`, fmt(o99), fmt(b99), `${fmt(b99 / o99)}x faster`);
    if (n === 10_000 || !SHORT) {
      line(`memory per 10k chunks (MB)${gc ? '' : ' [no --expose-gc]'}`, fmt((oursBytes / n) * 10_000 / 1e6), fmt((baselineBytes / n) * 10_000 / 1e6), `${fmt(baselineBytes / oursBytes)}x less`);
    }
    s.db.close();
  }
}

/** A model server with a fixed time to first token, then 20 tokens 5 ms apart. */
async function fakeLlm(ttftMs: number) {
  const server = http.createServer((req, res) => {
    if (req.url?.endsWith('/models')) return void res.end('{"data":[]}');
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    setTimeout(() => {
      let i = 0;
      const tick = () => {
        if (res.destroyed) return;
        if (i < 20) {
          res.write(`data: ${JSON.stringify(llmChunk(`t${i++} `))}\n\n`);
          setTimeout(tick, 5);
        } else res.end('data: [DONE]\n\n');
      };
      tick();
    }, ttftMs);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` };
}

let services = 0;
const startService = (env: Record<string, string>) =>
  spawnService({
    CHATBOT_API_TOKEN: TOKEN,
    DATA_DIR: path.join(tmp, `svc-${services++}`),
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '100000',
    ...env,
  });

const auth = { Authorization: `Bearer ${TOKEN}` };

async function uploadAndWait(url: string, collection: string, data: Buffer, name: string) {
  const form = new FormData();
  form.append('files', new Blob([new Uint8Array(data)]), name);
  const { jobs } = await (await fetch(`${url}/v1/collections/${collection}/documents`, { method: 'POST', headers: auth, body: form })).json();
  for (;;) {
    const job = await (await fetch(`${url}/v1/collections/${collection}/jobs/${jobs[0].id}`, { headers: auth })).json();
    if (job.status === 'succeeded') return;
    if (job.status === 'failed') throw new Error(job.error);
    await new Promise(r => setTimeout(r, 100));
  }
}

/** Time to the first token event, as a client sees it. */
async function timeToFirstToken(url: string, collection: string, message: string): Promise<number> {
  const start = performance.now();
  const res = await fetch(`${url}/v1/collections/${collection}/chat`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ message }) });
  const reader = res.body!.getReader();
  let text = '';
  let ttft = NaN;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
    if (Number.isNaN(ttft) && text.includes('event: token')) ttft = performance.now() - start;
  }
  if (!text.includes('event: done')) throw new Error(`chat did not finish: ${text.slice(-300)}`);
  return ttft;
}

async function directTtft(llmUrl: string): Promise<number> {
  const start = performance.now();
  const res = await fetch(`${llmUrl}/chat/completions`, { method: 'POST', body: '{}' });
  const reader = res.body!.getReader();
  await reader.read();
  const ttft = performance.now() - start;
  while (!(await reader.read()).done);
  return ttft;
}

async function ttftOverhead() {
  const llmTtft = 300;
  const llm = await fakeLlm(llmTtft);
  const svc = await startService({ LLM_PROVIDER: 'openai', LLM_BASE_URL: llm.url, MAX_CONCURRENT_CHATS: '200' });
  try {
    await fetch(`${svc.url}/v1/collections/bench`, { method: 'PUT', headers: auth });
    await uploadAndWait(svc.url, 'bench', manual, 'gnuplot.pdf');
    const concurrency = 50;
    const rounds = SHORT ? 2 : 5;
    const via: number[] = [];
    const direct: number[] = [];
    const single: number[] = [];
    const singleDirect: number[] = [];
    for (let i = 0; i < 10; i++) {
      singleDirect.push(await directTtft(llm.url));
      single.push(await timeToFirstToken(svc.url, 'bench', `how do I set the terminal to png ${i}`));
    }
    const s50 = percentile(single, 50), sd50 = percentile(singleDirect, 50);
    results.ttftSingle = { directP50Ms: sd50, serviceP50Ms: s50, overheadPct: ((s50 - sd50) / sd50) * 100 };
    line('TTFT p50, one chat at a time (ms)', fmt(s50, 0), fmt(sd50, 0), `+${fmt(((s50 - sd50) / sd50) * 100, 1)}%`);
    for (let r = 0; r < rounds; r++) {
      direct.push(...(await Promise.all(Array.from({ length: concurrency }, () => directTtft(llm.url)))));
      via.push(...(await Promise.all(Array.from({ length: concurrency }, (_, i) => timeToFirstToken(svc.url, 'bench', `how do I set the terminal to png ${i}`)))));
    }
    const d50 = percentile(direct, 50);
    const v50 = percentile(via, 50);
    const overheadPct = ((v50 - d50) / d50) * 100;
    results.ttft = { concurrency, fakeTtftMs: llmTtft, directP50Ms: d50, serviceP50Ms: v50, serviceP99Ms: percentile(via, 99), overheadPct };
    line(`TTFT p50 at ${concurrency} concurrent chats (ms)`, fmt(v50, 0), fmt(d50, 0), `+${fmt(overheadPct, 1)}%`);
  } finally {
    svc.child.kill('SIGTERM');
    llm.server.close();
  }
}

async function questionLatencyVsDocuments() {
  const counts = SHORT ? [1, 4] : [1, 10];
  const svc = await startService({});
  try {
    for (const n of counts) {
      const collection = `docs-${n}`;
      await fetch(`${svc.url}/v1/collections/${collection}`, { method: 'PUT', headers: auth });
      const files = Array.from({ length: n }, (_, i) => Buffer.concat([manual, Buffer.from(`\n%copy ${i}\n`)]));
      for (const [i, f] of files.entries()) await uploadAndWait(svc.url, collection, f, `manual-${i}.pdf`);
      const ours: number[] = [];
      for (let q = 0; q < (SHORT ? 10 : 30); q++) {
        const start = performance.now();
        await timeToFirstToken(svc.url, collection, 'how do I plot a data file with lines');
        ours.push(performance.now() - start);
      }
      const base: number[] = [];
      for (let q = 0; q < (SHORT ? 1 : 3); q++) base.push((await time(() => baselineQuestion(files, embeddings, 'how do I plot a data file with lines')))[0]);
      const o = percentile(ours, 50), b = percentile(base, 50);
      results[`question_${n}_docs`] = { oursP50Ms: o, baselineP50Ms: b, ratio: b / o };
      line(`question latency, ${n} document(s) (ms)`, fmt(o, 1), fmt(b, 0), `${fmt(b / o, 0)}x faster`);
    }
  } finally {
    svc.child.kill('SIGTERM');
  }
}

console.log(`chatbot benchmark (${SHORT ? 'short' : 'full'} mode), node ${process.version}, ${os.cpus().length} cpus`);
line('figure', 'ours', 'baseline', 'ratio');
try {
  await ingestion();
  await retrieval();
  await questionLatencyVsDocuments();
  await ttftOverhead();
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
const out = path.resolve(import.meta.dirname, 'results');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, `benchmark-${SHORT ? 'short' : 'full'}.json`), JSON.stringify(results, null, 2));
console.log(`figures written to bench/results/benchmark-${SHORT ? 'short' : 'full'}.json`);
