/**
 * An OpenAI-compatible model server with a fixed time to first token, then 20
 * tokens 5 ms apart. Its own process, so that what it costs is not counted
 * against the clients the benchmark measures. Prints its port.
 * Usage: node --import tsx bench/fakeLlmServer.ts <ttftMs>
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chunk } from '../test/fakes/openai.js';

const ttftMs = Number(process.argv[2] ?? 300);
const server = http.createServer((req, res) => {
  if (req.url?.endsWith('/models')) return void res.end('{"data":[]}');
  req.resume();
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  setTimeout(() => {
    let i = 0;
    const tick = () => {
      if (res.destroyed) return;
      if (i < 20) {
        res.write(`data: ${JSON.stringify(chunk(`t${i++} `))}\n\n`);
        setTimeout(tick, 5);
      } else {
        res.write(`data: ${JSON.stringify(chunk(null, 'stop'))}\n\n`);
        res.write(`data: ${JSON.stringify(chunk(null, null, { prompt_tokens: 900, completion_tokens: 20, total_tokens: 920 }))}\n\n`);
        res.end('data: [DONE]\n\n');
      }
    };
    tick();
  }, ttftMs);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => console.log((server.address() as AddressInfo).port));
process.on('SIGTERM', () => process.exit(0));
