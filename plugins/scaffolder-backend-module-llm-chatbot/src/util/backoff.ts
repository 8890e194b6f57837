/** Delays for attempt 0, 1, 2, …: base × 2^attempt, capped. */
export function backoffDelay(attempt: number, baseMs: number, capMs: number) {
  return Math.min(capMs, baseMs * 2 ** attempt);
}
