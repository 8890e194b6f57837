import { Pinecone } from '@pinecone-database/pinecone';
import { UpstreamError } from '../errors.js';
import { withRetry } from './retry.js';

/** The SDK's error names for failures on Pinecone's side or on the way there, and our timeout. */
const RETRYABLE_NAMES = new Set([
  'PineconeInternalServerError',
  'PineconeUnavailableError',
  'PineconeConnectionError',
  'PineconeTimeoutError',
  'PineconeMaxRetriesExceededError',
]);

/**
 * Rate limits and the 5xx statuses the SDK does not map (502, 504) reach us
 * as PineconeUnmappedHttpError, whose message carries `Status: N.`.
 */
export function isRetryablePineconeError(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return (
    RETRYABLE_NAMES.has(e?.name ?? '') ||
    /\b(Status: (429|5\d\d)\b|Too Many Requests|RESOURCE_EXHAUSTED)/i.test(
      e?.message ?? '',
    )
  );
}

/**
 * The one client setup for the vector store and hosted inference: the SDK's
 * own retries are off, so that callPinecone's policy (backoff on 429 too)
 * governs every call. Its requests are cancelled soon after callPinecone
 * gives up on them (the SDK's calls take no signal, its fetch does), so a
 * timed-out upsert does not run on for minutes; one Pinecone has already
 * received may still apply, after the failed upload's cleanup.
 */
export const pineconeClient = ({
  apiKey,
  timeoutMs,
  controllerHost,
}: {
  apiKey: string;
  timeoutMs: number;
  /** PINECONE_CONTROLLER_HOST: the control plane and hosted inference. */
  controllerHost?: string;
}) =>
  new Pinecone({
    apiKey,
    maxRetries: 0,
    ...(controllerHost && { controllerHostUrl: controllerHost }),
    fetchApi: (input, init) => {
      const cancel = AbortSignal.timeout(timeoutMs + CANCEL_GRACE_MS);
      return fetch(input, {
        ...init,
        signal: init?.signal ? AbortSignal.any([init.signal, cancel]) : cancel,
      });
    },
  });

/** After callPinecone's own timeout, so that its clearer error wins the race. */
const CANCEL_GRACE_MS = 250;

export interface PineconeCallOptions {
  /** Names the upstream in errors and metrics: `pinecone`, `pinecone-inference`. */
  provider: string;
  retries: number;
  timeoutMs: number;
  onRetry?: (error: unknown, attempt: number) => void;
}

/**
 * One SDK call with a timeout per attempt and retries with backoff; failures
 * become an UpstreamError naming the operation. A timed-out attempt's
 * request is cancelled by pineconeClient's fetch just after.
 */
export function callPinecone<T>(
  operation: string,
  fn: () => Promise<T>,
  options: PineconeCallOptions,
): Promise<T> {
  return withRetry(
    () => withPineconeTimeout(fn(), options.timeoutMs, operation),
    {
      retries: options.retries,
      isRetryable: isRetryablePineconeError,
      onRetry: options.onRetry,
    },
  ).catch(error => {
    throw new UpstreamError(
      options.provider,
      `${operation} failed: ${describe(error, options.retries + 1)}`,
      isRetryablePineconeError(error),
      { cause: error },
    );
  });
}

/**
 * The SDK reports a 5xx or a connection failure as "exceeded the max
 * configured retries (0). Increase the maxRetries field…", though its own
 * retries are off on purpose (callPinecone retries): say what happened.
 */
function describe(error: unknown, attempts: number): string {
  const e = error as Error;
  return e?.name === 'PineconeMaxRetriesExceededError'
    ? `Pinecone answered with a server error (5xx), or could not be reached, on ${attempts} attempt${
        attempts === 1 ? '' : 's'
      }`
    : e?.message ?? String(error);
}

/** Rejects with a PineconeTimeoutError (retryable) when the call outlasts ms. */
function withPineconeTimeout<T>(
  promise: Promise<T>,
  ms: number,
  operation: string,
): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          Object.assign(new Error(`${operation} timed out after ${ms} ms`), {
            name: 'PineconeTimeoutError',
          }),
        ),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
