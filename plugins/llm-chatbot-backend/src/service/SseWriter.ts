import type { Response } from 'express';

/**
 * Server-Sent Events to the browser through the backend's root router. That
 * router compresses responses, and compression would hold events back:
 * `no-transform` turns it off for this response, and each write is flushed
 * in case a proxy in front compresses anyway. A comment every 15 s keeps
 * ingress idle timeouts from cutting a slow answer.
 */
export class SseWriter {
  private readonly heartbeat: NodeJS.Timeout;
  private ended = false;

  constructor(private readonly res: Response, heartbeatMs = 15_000) {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('X-Accel-Buffering', 'no');
    res.setHeader('Connection', 'keep-alive');
    res.flushHeaders();
    this.heartbeat = setInterval(
      () => this.write(': keep-alive\n\n'),
      heartbeatMs,
    );
    this.heartbeat.unref();
  }

  send(event: string, data: unknown) {
    this.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private write(frame: string) {
    if (this.ended || this.res.writableEnded) return;
    this.res.write(frame);
    (this.res as Response & { flush?: () => void }).flush?.();
  }

  end() {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.heartbeat);
    if (!this.res.writableEnded) this.res.end();
  }
}
