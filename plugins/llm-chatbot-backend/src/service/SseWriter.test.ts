import express from 'express';
import request from 'supertest';
import { SseWriter } from './SseWriter';

describe('SseWriter', () => {
  it('sends a keep-alive comment while nothing else is said, so idle proxies keep the stream', async () => {
    const app = express();
    app.get('/', (_req, res) => {
      const sse = new SseWriter(res, 20);
      setTimeout(() => {
        sse.send('done', { ok: true });
        sse.end();
      }, 90);
    });
    const res = await request(app).get('/');
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.headers['cache-control']).toBe('no-cache, no-transform');
    expect(res.text.match(/^: keep-alive$/gm)?.length).toBeGreaterThanOrEqual(
      2,
    );
    expect(res.text).toMatch(/event: done\ndata: \{"ok":true\}\n\n$/);
  });

  it('writes nothing after the end', async () => {
    const app = express();
    app.get('/', (_req, res) => {
      const sse = new SseWriter(res, 10);
      sse.end();
      sse.send('token', { text: 'late' });
    });
    const res = await request(app).get('/');
    expect(res.text).toBe('');
  });
});
