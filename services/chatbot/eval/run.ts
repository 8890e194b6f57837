/**
 * Retrieval and answer quality on real manuals (eval/set.json): the PDFs
 * eval/fetch-manuals.sh fetched, ingested into one collection of the real
 * service (offline defaults unless the environment says otherwise), and each
 * question asked over HTTP as a user would, follow-ups in the same
 * conversation. Prints a table, writes eval/results/, and exits 1 when a
 * figure falls below eval/floors.json.
 *
 *   npm run eval                       # the service's configured retrieval
 *   RETRIEVAL=lexical npm run eval     # one ablation row
 *
 * With EVAL_TARGET_URL (and EVAL_TARGET_TOKEN) it judges a deployed release
 * instead, on that release's own providers, in a throwaway collection it
 * deletes afterwards: the pipeline's model-correctness stage (ci/eval.sh).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  api,
  chat,
  ingest,
  startService,
  useToken,
} from '../test/helpers/service.js';
import { scoreQuestions, type Asked, type EvalSet } from './score.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const set: EvalSet = JSON.parse(
  fs.readFileSync(process.env.EVAL_SET ?? path.join(here, 'set.json'), 'utf8'),
);
const manuals = process.env.EVAL_MANUALS_DIR ?? path.join(here, 'manuals');
const floors: {
  min: Record<string, number>;
  max: Record<string, number>;
} = JSON.parse(fs.readFileSync(floorsFile(), 'utf8'));
const label = process.env.EVAL_LABEL ?? process.env.RETRIEVAL ?? 'default';

const env: Record<string, string> = {};
for (const key of [
  'RETRIEVAL',
  'RETRIEVAL_MIN_COVERAGE',
  'RETRIEVAL_DENSE_WEIGHT',
  'CHUNK_SIZE',
  'CHUNK_OVERLAP',
  'PINECONE_SPARSE',
  'PINECONE_SPARSE_ALPHA',
]) {
  if (process.env[key]) env[key] = process.env[key]!;
}
if (process.env.EVAL_STORE === 'fake-pinecone') {
  // The ablation's Pinecone row: sparse-dense records and queries against
  // the tests' fake index (dotproduct, as hybrid search needs), in process.
  const { setupServer } = await import('msw/node');
  const { FakePinecone, PINECONE_ENV } = await import(
    '../test/fakes/pinecone.js'
  );
  const fake = new FakePinecone();
  fake.metric = 'dotproduct';
  setupServer(...fake.handlers()).listen({ onUnhandledRequest: 'bypass' });
  Object.assign(env, PINECONE_ENV);
}
const svc = await target();
const collection = svc.collection;
try {
  const created = await api(svc.url, 'PUT', `/v1/collections/${collection}`);
  if (created.status >= 300) {
    throw new Error(
      `creating collection ${collection} at ${svc.url} answered ${
        created.status
      }: ${JSON.stringify(created.body)}`,
    );
  }
  const ingestStart = performance.now();
  for (const doc of set.documents) {
    const file = path.join(manuals, `${doc.id}.pdf`);
    if (!fs.existsSync(file)) {
      throw new Error(`${file} is missing: run bash eval/fetch-manuals.sh`);
    }
    const job = await ingest(
      svc.url,
      collection,
      `${doc.id}.pdf`,
      fs.readFileSync(file),
      600_000,
    );
    if (job.status !== 'succeeded') {
      throw new Error(`ingesting ${doc.id} failed: ${job.error}`);
    }
  }
  const ingestSeconds = (performance.now() - ingestStart) / 1000;

  const asked: Asked[] = [];
  const ask = async (id: string, message: string, conversationId?: string) => {
    const { events, answer } = await chat(svc.url, collection, {
      message,
      ...(conversationId ? { conversationId } : {}),
    });
    const start = events.find(e => e.event === 'start')?.data;
    const done = events.find(e => e.event === 'done')?.data;
    const sources = events.find(e => e.event === 'sources')?.data.sources ?? [];
    asked.push({
      id,
      sources: sources.map((s: { filename: string; page: number }) => ({
        document: s.filename.replace(/\.pdf$/, ''),
        page: s.page,
      })),
      answer,
      answered: Boolean(done?.answered),
      standalone: start?.standaloneQuestion ?? message,
    });
    return start?.conversationId as string;
  };
  for (const q of set.questions) {
    if (q.kind === 'followup') continue;
    const conversation = await ask(q.id, q.question);
    for (const f of set.questions.filter(x => x.followUpOf === q.id)) {
      await ask(f.id, f.question, conversation);
    }
  }

  const scores = scoreQuestions(set, asked);
  const rows: [string, string][] = [
    [
      'questions (answerable / uncovered / follow-ups)',
      `${scores.answerable} / ${scores.uncovered} / ${scores.followups}`,
    ],
    ['hit@1', scores.hit1.toFixed(2)],
    ['hit@5', scores.hit5.toFixed(2)],
    ['MRR', scores.mrr.toFixed(2)],
    ['uncovered declined', `${scores.declined} of ${scores.uncovered}`],
    [
      'answerable wrongly declined',
      `${scores.wronglyDeclined} of ${scores.answerable}`,
    ],
    ['follow-up hit@5', scores.followupHit5.toFixed(2)],
    ['answer holds an expected phrase', scores.phraseRate.toFixed(2)],
    ['ingestion (all manuals)', `${ingestSeconds.toFixed(1)} s`],
  ];
  const table = [
    `| ${label} | |`,
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
  ].join('\n');
  console.log(table);
  // The test set's misses are not printed: nobody should tune on them.
  if (process.env.EVAL_SHOW_MISSES !== 'false') {
    for (const miss of scores.misses) console.log(`  ${miss}`);
  }

  const results = process.env.EVAL_RESULTS_DIR ?? path.join(here, 'results');
  fs.mkdirSync(results, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  fs.writeFileSync(
    path.join(results, `${stamp}-${label}.json`),
    JSON.stringify({ label, ...scores, ingestSeconds, asked }, null, 2),
  );
  fs.writeFileSync(path.join(results, `latest-${label}.md`), `${table}\n`);

  const figures = scores as unknown as Record<string, number>;
  const broken = [
    ...Object.entries(floors.min)
      .filter(([key, floor]) => figures[key] < floor)
      .map(([key, floor]) => `${key} ${figures[key].toFixed(2)} < ${floor}`),
    ...Object.entries(floors.max)
      .filter(([key, ceiling]) => figures[key] > ceiling)
      .map(
        ([key, ceiling]) => `${key} ${figures[key].toFixed(2)} > ${ceiling}`,
      ),
  ];
  if (process.env.EVAL_ENFORCE_FLOORS !== 'false' && broken.length) {
    console.error(
      `outside ${path.relative(process.cwd(), floorsFile())}: ${broken.join(
        ', ',
      )}`,
    );
    process.exitCode = 1;
  }
} finally {
  await svc.close();
}

function floorsFile() {
  return process.env.EVAL_FLOORS ?? path.join(here, 'floors.json');
}

/** The service to judge: a deployed release, or this checkout on loopback. */
async function target(): Promise<{
  url: string;
  collection: string;
  close(): Promise<void>;
}> {
  const url = process.env.EVAL_TARGET_URL?.replace(/\/+$/, '');
  if (!url) {
    const local = await startService(env);
    return { url: local.url, collection: 'eval', close: () => local.close() };
  }
  const token = process.env.EVAL_TARGET_TOKEN;
  if (!token) throw new Error('EVAL_TARGET_URL needs EVAL_TARGET_TOKEN');
  useToken(token);
  // Its own collection, so users' documents are neither read nor touched.
  const collection = `eval-${Date.now().toString(36)}`;
  const close = async () => {
    const { status } = await api(
      url,
      'DELETE',
      `/v1/collections/${collection}`,
    );
    if (status !== 204 && status !== 404) {
      console.error(`could not delete ${collection} (${status})`);
    }
  };
  // A build aborted mid-eval (Jenkins sends SIGTERM) still cleans up.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void close().finally(() => process.exit(130));
    });
  }
  return { url, collection, close };
}
