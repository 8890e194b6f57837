/**
 * Load test: N concurrent chats and uploads against a running service on
 * loopback, bounded in count and time. Reports errors and latency
 * percentiles; exits 1 on any 5xx or transport error.
 *
 *   CHATBOT_URL=http://127.0.0.1:8080 CHATBOT_API_TOKEN=... npm run load -- --chats 500 --concurrency 50
 *   npm run load -- --short      # starts its own service (offline defaults)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { textPdf } from '../test/helpers/pdfs.js';
import { randomToken, spawnService } from '../test/helpers/process.mjs';
import { fmt, percentile } from './stats.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SHORT = args.includes('--short');
const chats = opt('chats', SHORT ? 200 : 1000);
const uploads = opt('uploads', SHORT ? 10 : 50);
const concurrency = opt('concurrency', SHORT ? 25 : 50);
const maxSeconds = opt('max-seconds', SHORT ? 60 : 300);

let url = process.env.CHATBOT_URL ?? '';
let token = process.env.CHATBOT_API_TOKEN ?? '';
let child: ChildProcess | undefined;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatbot-load-'));

if (!url) {
  token = randomToken();
  const svc = await spawnService(
    {
      CHATBOT_API_TOKEN: token,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '1000000',
    },
    { inheritOutput: true },
  );
  child = svc.child;
  url = svc.url;
}
if (!/^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(url)) {
  throw new Error(
    `refusing to load-test ${url}: only loopback addresses are allowed`,
  );
}

const auth = { Authorization: `Bearer ${token}` };
const deadline = Date.now() + maxSeconds * 1000;
const status = new Map<string, number>();
const chatMs: number[] = [];
const uploadMs: number[] = [];
let serverErrors = 0;
const count = (key: string) => status.set(key, (status.get(key) ?? 0) + 1);

await fetch(`${url}/v1/collections/load`, { method: 'PUT', headers: auth });
const pdfs = await Promise.all(
  Array.from({ length: uploads }, (_, i) =>
    textPdf([
      `Load document ${i}. The maintenance interval for pump ${i} is ${
        i + 3
      } months.`,
      `Page two of document ${i}: spare parts list ${i}.`,
    ]),
  ),
);

type Task = () => Promise<void>;
const uploadTasks = pdfs.map(
  (pdf, i): Task =>
    async () => {
      const form = new FormData();
      form.append('files', new Blob([new Uint8Array(pdf)]), `load-${i}.pdf`);
      const start = performance.now();
      const res = await fetch(`${url}/v1/collections/load/documents`, {
        method: 'POST',
        headers: auth,
        body: form,
      });
      await res.arrayBuffer();
      uploadMs.push(performance.now() - start);
      count(`upload ${res.status}`);
      if (res.status >= 500 && res.status !== 503) serverErrors++;
    },
);
const chatTasks = Array.from(
  { length: chats },
  (_, i): Task =>
    async () => {
      const start = performance.now();
      const res = await fetch(`${url}/v1/collections/load/chat`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          message: `What is the maintenance interval for pump ${
            i % Math.max(uploads, 1)
          }?`,
        }),
      });
      const text = await res.text();
      chatMs.push(performance.now() - start);
      const ok = res.status === 200 && text.includes('event: done');
      count(
        `chat ${res.status}${
          res.status === 200 && !ok ? ' (stream error)' : ''
        }`,
      );
      if (res.status >= 500 || (res.status === 200 && !ok)) serverErrors++;
    },
);
// Uploads spread evenly among the chats.
const stride = Math.max(1, Math.floor(chats / Math.max(uploads, 1)));
const tasks: Task[] = chatTasks.flatMap((t, i) =>
  i % stride === 0 && uploadTasks.length ? [uploadTasks.shift()!, t] : [t],
);
tasks.push(...uploadTasks);

let next = 0;
let transportErrors = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < tasks.length && Date.now() < deadline) {
      const task = tasks[next++];
      await task().catch(() => transportErrors++);
    }
  }),
);
const seconds = (performance.now() - started) / 1000;

console.log(
  `load test: ${chats} chats + ${uploads} uploads, concurrency ${concurrency}, ${fmt(
    seconds,
    1,
  )} s`,
);
for (const [k, v] of [...status].sort()) console.log(`  ${k}: ${v}`);
console.log(
  `  chat latency ms  p50 ${fmt(percentile(chatMs, 50), 1)}  p95 ${fmt(
    percentile(chatMs, 95),
    1,
  )}  p99 ${fmt(percentile(chatMs, 99), 1)}  (${fmt(
    chatMs.length / seconds,
    0,
  )} chats/s)`,
);
console.log(
  `  upload latency ms p50 ${fmt(percentile(uploadMs, 50), 1)}  p99 ${fmt(
    percentile(uploadMs, 99),
    1,
  )}`,
);
console.log(
  `  server errors: ${serverErrors}, transport errors: ${transportErrors}, not run (time limit): ${
    tasks.length - next
  }`,
);

if (child) {
  child.kill('SIGTERM');
  await new Promise(resolve => child!.once('exit', resolve));
}
fs.rmSync(dataDir, { recursive: true, force: true });
process.exit(serverErrors + transportErrors > 0 ? 1 : 0);
