/**
 * The fake model server (test/fakes/llmServer.ts) in its own process, so
 * that what it costs is not counted against the clients the benchmark
 * measures: a fixed time to first token, then 20 tokens 5 ms apart. Prints
 * its port. Usage: node --import tsx bench/fakeLlmServer.ts <ttftMs>
 */
import { startFakeLlm } from '../test/fakes/llmServer.js';

const llm = await startFakeLlm({
  ttftMs: Number(process.argv[2] ?? 300),
  tokens: Array.from({ length: 20 }, (_, i) => `t${i} `),
  intervalMs: 5,
});
console.log(new URL(llm.url).port);
process.on('SIGTERM', () => process.exit(0));
