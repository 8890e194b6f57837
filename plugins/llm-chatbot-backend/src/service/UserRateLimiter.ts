import { TooManyRequestsError } from './errors';

/**
 * A fixed window of `limit` requests per user. In memory, so counted per
 * backend replica. express-rate-limit keys by request before the route has
 * authenticated the caller, and its async key generator would run auth twice.
 */
export class UserRateLimiter {
  private readonly windows = new Map<
    string,
    { start: number; count: number }
  >();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one request; throws a 429 that says when to come back. */
  take(userRef: string, now = Date.now()) {
    let window = this.windows.get(userRef);
    if (!window || now - window.start >= this.windowMs) {
      if (this.windows.size > 10_000) this.sweep(now);
      window = { start: now, count: 0 };
      this.windows.set(userRef, window);
    }
    window.count++;
    if (window.count > this.limit) {
      const seconds = Math.ceil((window.start + this.windowMs - now) / 1000);
      const error = new TooManyRequestsError(
        `at most ${this.limit} questions a minute (llmChatbot.chatRateLimitPerMinute); retry in ${seconds} s`,
      );
      Object.assign(error, { retryAfter: String(Math.max(1, seconds)) });
      throw error;
    }
  }

  private sweep(now: number) {
    for (const [key, window] of this.windows) {
      if (now - window.start >= this.windowMs) this.windows.delete(key);
    }
  }
}
