import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { chunk, sseData } from './openai.js';

export interface FakeLlmOptions {
  /** Wait before the first token. */
  ttftMs: number;
  tokens: string[];
  /** Between tokens. */
  intervalMs: number;
  /** Ends the response this long after `data: [DONE]`, in a packet of its own. */
  endAfterDoneMs?: number;
  /** After this many tokens, send an error frame as vLLM does, then carry on streaming. */
  errorAfter?: number;
  /** The client went away before the answer was complete. */
  onClientGone?: () => void;
}

/**
 * An OpenAI-compatible model server on a real loopback port, for services
 * running as their own process (msw cannot reach them): streams `tokens`,
 * then a finish_reason, usage and [DONE], as the Chat Completions API does.
 */
export async function startFakeLlm({
  ttftMs,
  tokens,
  intervalMs,
  endAfterDoneMs,
  errorAfter,
  onClientGone,
}: FakeLlmOptions) {
  const server = http.createServer((req, res) => {
    if (req.url?.endsWith('/models'))
      return void res.end('{"object":"list","data":[]}');
    req.resume();
    res.on('close', () => {
      if (!res.writableFinished) onClientGone?.();
    });
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let i = 0;
    const next = () => {
      if (res.destroyed) return;
      if (i < tokens.length) {
        if (i === errorAfter)
          res.write(
            sseData({
              error: {
                object: 'error',
                message: 'CUDA out of memory',
                type: 'InternalServerError',
                code: 500,
              },
            }),
          );
        res.write(sseData(chunk(tokens[i++])));
        setTimeout(next, intervalMs);
        return;
      }
      res.write(sseData(chunk(null, 'stop')));
      res.write(
        sseData(
          chunk(null, null, {
            prompt_tokens: 900,
            completion_tokens: tokens.length,
            total_tokens: 900 + tokens.length,
          }),
        ),
      );
      if (endAfterDoneMs === undefined) return void res.end('data: [DONE]\n\n');
      res.write('data: [DONE]\n\n');
      setTimeout(() => res.end(), endAfterDoneMs);
    };
    setTimeout(next, ttftMs);
  });
  let connections = 0;
  server.on('connection', () => connections++);
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    /** TCP connections accepted so far. */
    connections: () => connections,
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}
