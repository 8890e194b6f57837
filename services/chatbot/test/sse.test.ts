import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Response } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
import { SseStream } from '../src/http/sse.js';

/** What SseStream asks of an express response, recording each socket write. */
function recordingResponse() {
  const writes: { at: number; text: string }[] = [];
  const res = {
    writableEnded: false,
    headersSent: false,
    flushHeaders() {
      if (res.writableEnded) throw new Error('flushHeaders after end');
      writes.push({ at: performance.now(), text: '(headers)' });
      res.headersSent = true;
    },
    status: () => res,
    setHeader: () => res,
    write(text: string) {
      res.headersSent = true;
      writes.push({ at: performance.now(), text });
      return true;
    },
    end(text?: string) {
      if (text) writes.push({ at: performance.now(), text });
      res.writableEnded = true;
    },
  };
  return { res: res as unknown as Response, writes };
}

test('writes an event after a quiet spell at once, and coalesces the events that follow it within flushMs', async () => {
  const { res, writes } = recordingResponse();
  const sse = new SseStream(res, { flushMs: 40 });
  const start = performance.now();
  sse.send('token', { text: 'first' });
  assert.equal(writes.length, 1, 'the first event is not held');
  assert.ok(writes[0].at - start < 5);
  for (const text of ['a', 'b', 'c']) sse.send('token', { text });
  assert.equal(writes.length, 1, 'events within the window wait');
  await sleep(60);
  assert.equal(writes.length, 2, 'the window ends with one write');
  assert.equal(
    writes[1].text.match(/event: token/g)?.length,
    3,
    'each event keeps its own frame',
  );
  assert.match(
    writes[1].text,
    /data: \{"text":"a"\}\n\n.*data: \{"text":"b"\}\n\n/s,
  );
  await sleep(60);
  sse.send('token', { text: 'after a pause' });
  assert.equal(writes.length, 3, 'an event after a pause is written at once');
  sse.send('token', { text: 'held' });
  sse.end();
  assert.equal(writes.length, 4, 'end writes what is held');
  assert.match(writes[3].text, /"held"/);
  assert.equal(res.writableEnded, true);
});

test('an event of another type than the last is written at once: sources, then the first token, then done', () => {
  const { res, writes } = recordingResponse();
  const sse = new SseStream(res, { flushMs: 1000 });
  sse.send('start', {});
  sse.send('sources', { sources: [] });
  sse.send('token', { text: 'first' });
  sse.send('token', { text: 'held' });
  assert.deepEqual(
    writes.map(w => w.text.match(/event: (\w+)/)![1]),
    ['start', 'sources', 'token'],
  );
  sse.send('done', {});
  assert.equal(writes.length, 4);
  assert.match(
    writes[3].text,
    /"held".*event: done/s,
    'the held token leaves first, with done',
  );
  sse.end();
});

test('headers leave after flushMs when the first event is slow to come', async () => {
  const { res, writes } = recordingResponse();
  const sse = new SseStream(res, { flushMs: 20 });
  assert.equal(writes.length, 0);
  await sleep(40);
  assert.deepEqual(
    writes.map(w => w.text),
    ['(headers)'],
  );
  sse.end();
});

test('headers leave with a prompt first event, in the same write', async () => {
  const { res, writes } = recordingResponse();
  const sse = new SseStream(res, { flushMs: 20 });
  sse.send('start', {});
  await sleep(40);
  assert.equal(writes.length, 1);
  assert.match(writes[0].text, /event: start/);
  sse.end();
});

test('flushMs 0 writes every event by itself', () => {
  const { res, writes } = recordingResponse();
  const sse = new SseStream(res, { flushMs: 0 });
  for (const text of ['a', 'b', 'c']) sse.send('token', { text });
  sse.end();
  assert.equal(writes.length, 3);
});

test('nothing is written after end, and a held event does not outlive it', async () => {
  const { res, writes } = recordingResponse();
  const sse = new SseStream(res, { flushMs: 20 });
  sse.send('token', { text: 'a' });
  sse.send('token', { text: 'b' });
  sse.end();
  sse.send('token', { text: 'late' });
  await sleep(40);
  assert.deepEqual(
    writes.map(w => w.text.includes('late')),
    [false, false],
  );
});

test('a stream ended before its first event never sends headers afterwards', async () => {
  const { res, writes } = recordingResponse();
  const sse = new SseStream(res, { flushMs: 20 });
  sse.end();
  await sleep(40);
  assert.deepEqual(writes, []);
});
