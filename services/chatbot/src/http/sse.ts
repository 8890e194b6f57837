import type { Response } from 'express';
import { redactSecrets } from '../util/secrets.js';

export interface SseOptions {
  /**
   * Events of the same type that follow a write by less than this are held
   * and written together when the window ends (SSE_FLUSH_MS; 0 writes every
   * event at once). An event after a quiet spell, or of another type than
   * the last (the first token, `done`), is written at once. Headers wait
   * for the first event at most this long.
   */
  flushMs: number;
  heartbeatMs?: number;
}

/**
 * Server-Sent Events over an express response: no buffering anywhere on the
 * path (X-Accel-Buffering for nginx-style proxies), and a comment heartbeat so
 * idle proxies keep the stream open.
 *
 * Writes are coalesced as Nagle's algorithm does for TCP: each socket write
 * is a system call, and a model streaming 200 tokens a second would
 * otherwise cost one per token on the event loop every chat shares. Events
 * keep their own frames; only the writes are batched.
 */
export class SseStream {
  private readonly heartbeat: NodeJS.Timeout;
  private pending = '';
  private flushTimer: NodeJS.Timeout | undefined;
  private lastWrite = -Infinity;
  private lastEvent = '';
  private readonly headerTimer: NodeJS.Timeout;

  constructor(
    private readonly res: Response,
    private readonly options: SseOptions,
  ) {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    // The headers leave with the first event, in one write, unless it is
    // slow to come (a follow-up rewritten by the model first).
    this.headerTimer = setTimeout(() => {
      if (!res.headersSent && !res.writableEnded && !res.destroyed)
        res.flushHeaders();
    }, options.flushMs);
    this.heartbeat = setInterval(
      () => this.write(': keep-alive\n\n'),
      options.heartbeatMs ?? 15_000,
    );
    this.heartbeat.unref();
  }

  send(event: string, data: unknown) {
    const changed = event !== this.lastEvent;
    this.lastEvent = event;
    const json = JSON.stringify(data);
    // An error's text may quote an upstream server that echoed a key.
    const safe = event === 'error' ? redactSecrets(json) : json;
    this.write(`event: ${event}\ndata: ${safe}\n\n`, changed);
  }

  end() {
    clearInterval(this.heartbeat);
    clearTimeout(this.headerTimer);
    clearTimeout(this.flushTimer);
    if (this.res.writableEnded) return;
    this.res.end(this.pending);
    this.pending = '';
  }

  private write(frame: string, now = false) {
    if (this.res.writableEnded) return;
    this.pending += frame;
    const wait = now
      ? 0
      : this.lastWrite + this.options.flushMs - performance.now();
    if (wait <= 0) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), wait);
  }

  private flush() {
    clearTimeout(this.headerTimer);
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.res.writableEnded || !this.pending) return;
    this.res.write(this.pending);
    this.pending = '';
    this.lastWrite = performance.now();
  }
}
