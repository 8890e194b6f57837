import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withRetry } from '../src/util/retry.js';

const rateLimited = (ms: number) =>
  Object.assign(new Error('429 Too Many Requests'), { retryAfter: ms });
const options = {
  retries: 2,
  maxDelayMs: 10,
  isRetryable: () => true,
  retryAfterMs: (e: unknown) => (e as { retryAfter: number }).retryAfter,
};

test("a Retry-After past the backoff's ceiling is waited out in full", async () => {
  const at: number[] = [];
  const result = await withRetry(async attempt => {
    at.push(performance.now());
    if (attempt === 0) throw rateLimited(120);
    return 'ok';
  }, options);
  assert.equal(result, 'ok');
  assert.ok(at[1] - at[0] >= 115, `waited ${at[1] - at[0]} ms, not 120`);
});

test('a Retry-After longer than the service waits fails at once, saying so', async () => {
  let calls = 0;
  await assert.rejects(
    withRetry(
      async () => {
        calls++;
        throw rateLimited(90_000);
      },
      { ...options, maxRetryAfterMs: 60_000 },
    ),
    {
      message:
        '429 Too Many Requests (the server asked to be retried after 90 s, longer than the 60 s this service waits)',
    },
  );
  assert.equal(calls, 1);
});
