import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  retries: number;
  /** First backoff; doubles each attempt, with jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  isRetryable: (error: unknown) => boolean;
  /** The server's own wait (Retry-After), used instead of the backoff when given. */
  retryAfterMs?: (error: unknown) => number | undefined;
  /**
   * A longer Retry-After is not waited out: the error is thrown at once,
   * saying how long the server asked for. Default 60 s.
   */
  maxRetryAfterMs?: number;
  onRetry?: (error: unknown, attempt: number) => void;
  signal?: AbortSignal;
}

/** Runs `fn` and retries retryable failures with exponential backoff. */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const { retries, baseDelayMs = 200, maxDelayMs = 5000 } = options;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (
        attempt >= retries ||
        !options.isRetryable(error) ||
        options.signal?.aborted
      )
        throw error;
      const asked = options.retryAfterMs?.(error);
      const patience = options.maxRetryAfterMs ?? 60_000;
      if (asked !== undefined && asked > patience) {
        if (error instanceof Error)
          error.message += ` (the server asked to be retried after ${Math.ceil(
            asked / 1000,
          )} s, longer than the ${patience / 1000} s this service waits)`;
        throw error;
      }
      options.onRetry?.(error, attempt + 1);
      const delay =
        asked ??
        Math.min(maxDelayMs, baseDelayMs * 2 ** attempt) *
          (0.5 + Math.random() / 2);
      await sleep(delay, undefined, { signal: options.signal });
    }
  }
}

/** Retry-After as seconds or an HTTP date, in milliseconds. */
export function parseRetryAfter(
  header: string | null | undefined,
): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** HTTP statuses worth retrying: rate limits and server-side failures. */
export function isRetryableStatus(status: number | undefined): boolean {
  return (
    status === 408 || status === 429 || (status !== undefined && status >= 500)
  );
}
