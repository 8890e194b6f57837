import type { Response } from 'express';

/**
 * Server-Sent Events over an express response: no buffering anywhere on the
 * path (X-Accel-Buffering for nginx-style proxies), and a comment heartbeat so
 * idle proxies keep the stream open.
 */
export class SseStream {
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly res: Response, heartbeatMs = 15_000) {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    this.heartbeat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
    this.heartbeat.unref();
  }

  send(event: string, data: unknown) {
    if (this.res.writableEnded) return;
    this.res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  end() {
    clearInterval(this.heartbeat);
    if (!this.res.writableEnded) this.res.end();
  }
}
