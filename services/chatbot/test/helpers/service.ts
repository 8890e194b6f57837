import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { readConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createChatbotApp, type ChatbotApp } from '../../src/app.js';
import { randomToken } from './process.mjs';

export const TOKEN = randomToken();

export interface RunningService extends ChatbotApp {
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

/** The real app on a loopback port, with its own temporary data directory. */
export async function startService(
  env: Record<string, string> = {},
): Promise<RunningService> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatbot-test-'));
  const config = readConfig({
    CHATBOT_API_TOKEN: TOKEN,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'fatal',
    ...env,
  });
  const service = await createChatbotApp(
    config,
    createLogger(config.LOG_LEVEL),
  );
  const server = service.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    ...service,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    async close() {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
      await service.queue.drain();
      await service.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const auth = { Authorization: `Bearer ${TOKEN}` };

/** Points the helpers at a service that has its own token (the eval's deployed target). */
export function useToken(token: string) {
  auth.Authorization = `Bearer ${token}`;
}

export async function api(
  base: string,
  method: string,
  route: string,
  body?: unknown,
) {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: {
      ...auth,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? JSON.parse(text) : undefined,
    headers: res.headers,
  };
}

export async function upload(
  base: string,
  collection: string,
  files: { name: string; data: Buffer; type?: string }[],
) {
  const form = new FormData();
  for (const f of files) {
    form.append(
      'files',
      new Blob([new Uint8Array(f.data)], { type: f.type ?? 'application/pdf' }),
      f.name,
    );
  }
  const res = await fetch(`${base}/v1/collections/${collection}/documents`, {
    method: 'POST',
    headers: auth,
    body: form,
  });
  return { status: res.status, body: await res.json() };
}

export async function waitForJob(
  base: string,
  collection: string,
  jobId: string,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  // From 50 ms up to 1 s between polls, and the server's Retry-After on a
  // 429: a long ingestion (the eval's, with a hosted embeddings model) must
  // not spend the rate limit that the questions after it need.
  let pause = 50;
  while (Date.now() < deadline) {
    const { status, body, headers } = await api(
      base,
      'GET',
      `/v1/collections/${collection}/jobs/${jobId}`,
    );
    if (body?.status === 'succeeded' || body?.status === 'failed') return body;
    const wait =
      status === 429 ? Number(headers.get('retry-after') ?? 1) * 1000 : pause;
    await new Promise(r => setTimeout(r, wait));
    pause = Math.min(1000, pause * 1.5);
  }
  throw new Error(`job ${jobId} did not finish in ${timeoutMs} ms`);
}

/** Uploads one PDF and waits for its ingestion job to finish; returns the job. */
export async function ingest(
  base: string,
  collection: string,
  name: string,
  data: Buffer,
  timeoutMs?: number,
) {
  const { status, body } = await upload(base, collection, [{ name, data }]);
  if (status !== 202)
    throw new Error(
      `upload of ${name} answered ${status}: ${JSON.stringify(body)}`,
    );
  return waitForJob(base, collection, body.jobs[0].id, timeoutMs);
}

export interface SseEvent {
  event: string;
  data: any;
}

/** POSTs a chat and parses the Server-Sent Events as they arrive. */
export async function chat(
  base: string,
  collection: string,
  body: { message: string; conversationId?: string },
  signal?: AbortSignal,
): Promise<{ status: number; events: SseEvent[]; answer: string }> {
  const res = await fetch(`${base}/v1/collections/${collection}/chat`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
  if (!res.headers.get('content-type')?.startsWith('text/event-stream')) {
    return {
      status: res.status,
      events: [{ event: 'http-error', data: await res.json() }],
      answer: '',
    };
  }
  const events = await readSse(res.body!);
  const answer = events
    .filter(e => e.event === 'token')
    .map(e => e.data.text)
    .join('');
  return { status: res.status, events, answer };
}

async function readSse(
  stream: ReadableStream<Uint8Array>,
): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
    }
  }
  return events;
}
