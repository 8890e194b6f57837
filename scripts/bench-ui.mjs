// UI benchmark (`yarn bench:ui`): the portal as a user's browser sees it, in
// one run, against the real portal, gateway and chatbot service that
// scripts/start.sh runs (BACKSTAGE_ENV=e2e), with a fake Kubernetes API
// server serving 200 pods. Prints a table and writes test-results/bench-ui.json.
//   1. entity page: navigation to the chatbot card's pod summary on screen;
//   2. Enter to the first token on screen, against the chatbot service's own
//      time to first token for the same question (what the portal adds);
//   3. opening a conversation of 1,000 messages.
// Not a test: nothing here fails on a figure. Bounded: every loop has a count.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import {
  startFakeKube,
  fixtures,
} from '../packages/app/e2e-tests/fakes/fakeKubernetes.mjs';
import { startFakeJenkins } from '../packages/app/e2e-tests/fakes/fakeJenkins.mjs';
import { routerManualPdf } from '../packages/app/e2e-tests/fakes/routerManualPdf.mjs';

const root = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '..',
);
const RUNS = Number(process.env.BENCH_UI_RUNS ?? 5);
const PORTAL = 'http://localhost:3000';
const BACKEND = 'http://localhost:7007';
const CHATBOT = 'http://127.0.0.1:8080';
const ENTITY = '/catalog/default/component/demo-chatbot';
const GATEWAY = `${BACKEND}/api/llm-chatbot/entities/component/default/demo-chatbot`;
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = ms => new Promise(r => setTimeout(r, ms));

async function waitFor(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await fetch(url).catch(() => undefined))?.ok) return;
    await sleep(1000);
  }
  throw new Error(`${url} did not answer in ${timeoutMs} ms`);
}

/** 200 pods of one ReplicaSet, two of them crash-looping. */
function manyPods() {
  const [running, crashing] = fixtures.PODS;
  return Array.from({ length: 200 }, (_, i) => {
    const base = i % 100 === 1 ? crashing : running;
    return {
      ...base,
      metadata: {
        ...base.metadata,
        name: `demo-chatbot-7d9f8b6c5d-${i}`,
        uid: `pod-${i}`,
      },
    };
  });
}

/** Milliseconds from POSTing a question to the first token event on the wire. */
async function timeToFirstToken(url, { headers, body }) {
  const start = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('event: token')) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`${url}: the answer ended without a token`);
    text += decoder.decode(value, { stream: true });
  }
  const ms = performance.now() - start;
  await reader.cancel();
  return ms;
}

const kube = await startFakeKube({
  port: 6443,
  fixtures: { 'v1/pods': manyPods() },
});
const jenkins = await startFakeJenkins({ port: 6480 });
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ui-chatbot-'));
const portal = spawn('bash', ['scripts/start.sh'], {
  cwd: root,
  env: {
    ...process.env,
    BACKSTAGE_ENV: 'e2e',
    CHATBOT_DATA_DIR: dataDir,
    BROWSER: 'none',
    // Seeding 500 questions would hit the per-user limit (and the service's).
    APP_CONFIG_llmChatbot_chatRateLimitPerMinute: '100000',
    RATE_LIMIT_PER_MINUTE: '100000',
  },
  stdio: [
    'ignore',
    fs.openSync(path.join(os.tmpdir(), 'bench-ui-portal.log'), 'w'),
    'inherit',
  ],
  detached: true,
});
const stop = async () => {
  try {
    process.kill(-portal.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  await kube.close();
  await jenkins.close();
};

let browser;
try {
  await waitFor(`${BACKEND}/.backstage/health/v1/readiness`, 300_000);
  await waitFor(PORTAL, 300_000);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
  const page = await browser.newPage({
    viewport: { width: 1280, height: 900 },
  });
  await page.goto(PORTAL);
  await page.getByRole('button', { name: 'Enter' }).click();
  await page
    .getByRole('link', { name: 'Demo chatbot' })
    .waitFor({ timeout: 120_000 });
  const token = await page.evaluate(async base => {
    const res = await fetch(`${base}/api/auth/guest/refresh`, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
      credentials: 'include',
    });
    return (await res.json()).backstageIdentity.token;
  }, BACKEND);
  const headers = { authorization: `Bearer ${token}` };

  // 1. Entity page, 200 pods: from a click on the catalog's link (how users
  //    arrive) to the pod summary on screen; and a full load of the page
  //    (the dev server's unminified bundle), to its heading and its pods.
  const firstPaint = [];
  const fullLoad = [];
  const heading = [];
  for (let i = 0; i <= RUNS; i++) {
    await page.goto(PORTAL);
    const link = page.getByRole('link', { name: 'Demo chatbot' });
    await link.waitFor({ timeout: 60_000 });
    const clicked = Date.now();
    await link.click();
    await page
      .getByText(/e2e: \d+\/200 pods ready/)
      .waitFor({ timeout: 60_000 });
    const navigated = Date.now() - clicked;
    const start = Date.now();
    await page.goto(`${PORTAL}${ENTITY}`);
    await page
      .getByRole('heading', { name: 'Demo chatbot' })
      .first()
      .waitFor({ timeout: 60_000 });
    const headed = Date.now();
    await page
      .getByText(/e2e: \d+\/200 pods ready/)
      .waitFor({ timeout: 60_000 });
    if (i > 0) {
      // the first round warms the bundle cache
      firstPaint.push(navigated);
      fullLoad.push(Date.now() - start);
      heading.push(headed - start);
    }
  }

  // A document to answer from, uploaded through the gateway.
  const form = new FormData();
  form.append(
    'files',
    new Blob([await routerManualPdf(String(Date.now()))], {
      type: 'application/pdf',
    }),
    'bench.pdf',
  );
  const { jobs } = await (
    await fetch(`${GATEWAY}/documents`, { method: 'POST', headers, body: form })
  ).json();
  for (let i = 0; i < 120; i++) {
    const job = await (
      await fetch(`${GATEWAY}/jobs/${jobs[0].id}`, { headers })
    ).json();
    if (job.status === 'succeeded') break;
    if (job.status === 'failed') throw new Error(job.error);
    await sleep(500);
  }

  // 2. Enter to the first token on screen, and the service's own TTFT.
  const question = 'How long do I hold the reset button?';
  const chatbotToken = fs
    .readFileSync(path.join(root, '.tools/chatbot-api-token'), 'utf8')
    .trim();
  const serviceTtft = [];
  for (let i = 0; i < RUNS; i++) {
    serviceTtft.push(
      await timeToFirstToken(`${CHATBOT}/v1/collections/demo-chatbot/chat`, {
        headers: { authorization: `Bearer ${chatbotToken}` },
        body: { message: question },
      }),
    );
  }
  // The same question through the gateway, without a browser.
  const gatewayTtft = [];
  const measured = await (
    await fetch(`${GATEWAY}/conversations`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{}',
    })
  ).json();
  for (let i = 0; i < RUNS; i++) {
    gatewayTtft.push(
      await timeToFirstToken(`${GATEWAY}/chat`, {
        headers,
        body: { conversationId: measured.id, message: question },
      }),
    );
  }
  const uiTtft = [];
  await page.goto(`${PORTAL}${ENTITY}/chatbot`);
  await page.getByRole('button', { name: 'New conversation' }).click();
  const box = page.getByRole('textbox', { name: 'Question' });
  for (let i = 0; i < RUNS; i++) {
    await page.getByRole('button', { name: 'Send question' }).waitFor();
    await box.fill(question);
    const answers = await page.getByLabel('Answer').count();
    // Watch the DOM from inside the page: the time the first token is drawn.
    await page.evaluate(count => {
      window.__firstToken = undefined;
      const observer = new MutationObserver(() => {
        const all = document.querySelectorAll('[aria-label="Answer"]');
        const last = all[all.length - 1];
        if (
          all.length > count &&
          last &&
          last.textContent &&
          last.textContent !== '…'
        ) {
          window.__firstToken = performance.now();
          observer.disconnect();
        }
      });
      observer.observe(document.body, {
        childList: true,
        subtree: true,
        characterData: true,
      });
    }, answers);
    const sent = await box.evaluate(el => {
      const t = performance.now();
      el.dispatchEvent(
        new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }),
      );
      return t;
    });
    await page.waitForFunction(() => window.__firstToken !== undefined, null, {
      timeout: 30_000,
    });
    uiTtft.push((await page.evaluate(() => window.__firstToken)) - sent);
    await page
      .getByRole('button', { name: 'Send question' })
      .waitFor({ timeout: 30_000 });
  }

  // 3. A conversation of 1,000 messages (500 questions and their answers).
  const conversation = await (
    await fetch(`${GATEWAY}/conversations`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'A thousand messages' }),
    })
  ).json();
  for (let i = 0; i < 500; i++) {
    const res = await fetch(`${GATEWAY}/chat`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        conversationId: conversation.id,
        message: `Question ${i}: where is the reset button?`,
      }),
    });
    await res.text();
    if (res.status !== 200)
      throw new Error(`seeding question ${i} answered ${res.status}`);
  }
  const openLong = [];
  for (let i = 0; i <= RUNS; i++) {
    await page.goto(`${PORTAL}${ENTITY}/chatbot`);
    const item = page.getByRole('button', { name: /^A thousand messages/ });
    await item.waitFor({ timeout: 60_000 });
    // The newest conversation opens by itself: open the short one first.
    await page
      .getByRole('button', { name: /^How long do I hold the reset button/ })
      .first()
      .click();
    await page
      .getByText('Question 499: where is the reset button?')
      .waitFor({ state: 'detached', timeout: 30_000 });
    const start = Date.now();
    await item.click();
    await page
      .getByText('Question 499: where is the reset button?')
      .waitFor({ timeout: 30_000 });
    if (i > 0) openLong.push(Date.now() - start);
  }

  const rows = [
    [
      'entity page, 200 pods: click to the pod summary (ms)',
      median(firstPaint),
      '< 1500',
    ],
    ['  full page load, dev bundle: to the pods (ms)', median(fullLoad), ''],
    ['  full page load, dev bundle: to the heading (ms)', median(heading), ''],
    ['chatbot service TTFT, direct (ms)', median(serviceTtft), ''],
    ['through the gateway, no browser (ms)', median(gatewayTtft), ''],
    ['Enter to first token on screen (ms)', median(uiTtft), ''],
    [
      '  portal overhead over the service (ms)',
      median(uiTtft) - median(serviceTtft),
      '<= 50',
    ],
    ['open a 1,000-message conversation (ms)', median(openLong), '< 1000'],
  ];
  console.log(
    `UI benchmark, medians of ${RUNS} runs, ${
      os.cpus().length
    } cpus, Chromium headless`,
  );
  for (const [name, value, target] of rows) {
    console.log(
      `${name.padEnd(52)} ${String(Math.round(value)).padStart(7)}   ${target}`,
    );
  }
  fs.mkdirSync(path.join(root, 'test-results'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'test-results/bench-ui.json'),
    JSON.stringify(
      {
        runs: RUNS,
        firstPaint,
        fullLoad,
        heading,
        serviceTtft,
        gatewayTtft,
        uiTtft,
        openLong,
      },
      null,
      2,
    ),
  );
} catch (error) {
  const page = browser?.contexts()[0]?.pages()[0];
  await page?.screenshot({
    path: path.join(root, 'test-results/bench-ui-failure.png'),
    fullPage: true,
  });
  throw error;
} finally {
  await browser?.close();
  await stop();
}
process.exit(0);
