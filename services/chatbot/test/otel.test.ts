import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { startTelemetry } from '../src/telemetry.js';
import { api, chat, ingest, startService } from './helpers/service.js';
import { textPdf } from './helpers/pdfs.js';

/**
 * The OpenTelemetry collector's OTLP/HTTP receiver, played by a loopback
 * server. (msw does not see this exporter's requests: it binds Node's http
 * module before msw can patch it.)
 */
async function fakeCollector() {
  const exported: any[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', d => (body += d));
    req.on('end', () => {
      if (req.url === '/v1/traces') exported.push(JSON.parse(body));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    server,
    exported,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  };
}

test('exports spans for ingestion, retrieval and the LLM call over OTLP when an endpoint is set', async () => {
  const collector = await fakeCollector();
  const sdk = startTelemetry(collector.url, 'llm-chatbot-test')!;
  const svc = await startService();
  let doneTraceId: string | undefined;
  try {
    await api(svc.url, 'PUT', '/v1/collections/traced');
    const job = await ingest(
      svc.url,
      'traced',
      't.pdf',
      await textPdf(['Tracing makes latency visible in Tempo.']),
    );
    assert.equal(job.status, 'succeeded');
    const { events } = await chat(svc.url, 'traced', {
      message: 'What makes latency visible?',
    });
    doneTraceId = events.at(-1)!.data.traceId;
  } finally {
    await svc.close();
    await sdk.shutdown();
    collector.server.close();
  }
  const spans = collector.exported.flatMap(e =>
    e.resourceSpans.flatMap((r: any) =>
      r.scopeSpans.flatMap((s: any) => s.spans),
    ),
  );
  const names = new Set(spans.map((s: any) => s.name));
  for (const name of [
    'ingest.document',
    'chat.answer',
    'rag.retrieve',
    'llm.generate',
  ])
    assert.ok(names.has(name), `missing span ${name} in ${[...names]}`);
  // Retrieval and generation belong to the answer's trace, which the done event names.
  const answer = spans.find((s: any) => s.name === 'chat.answer');
  assert.equal(doneTraceId, answer.traceId);
  for (const child of ['rag.retrieve', 'llm.generate']) {
    const span = spans.find((s: any) => s.name === child);
    assert.equal(
      span.traceId,
      answer.traceId,
      `${child} is in the answer's trace`,
    );
    assert.equal(
      span.parentSpanId,
      answer.spanId,
      `${child} is a child of chat.answer`,
    );
  }
  const resource = collector.exported[0].resourceSpans[0].resource.attributes;
  assert.ok(
    resource.some(
      (a: any) =>
        a.key === 'service.name' && a.value.stringValue === 'llm-chatbot-test',
    ),
  );
});
