import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

const root = path.resolve(import.meta.dirname, '../..');

/** A token made per run, for services started on loopback by tests and scripts. */
export const randomToken = () => randomBytes(16).toString('hex');

function freePort(): Promise<number> {
  return new Promise(resolve => {
    const s = http.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  logs: () => string;
}

/**
 * Starts the service as its own process on a free loopback port and waits
 * for /healthz. `build: true` runs the production build (dist/) as the
 * Dockerfile does; otherwise the TypeScript sources through tsx.
 */
export async function spawnService(
  env: Record<string, string>,
  options: { build?: boolean; inheritOutput?: boolean } = {},
): Promise<ServiceProcess> {
  const port = await freePort();
  const args = options.build
    ? ['dist/server.js']
    : ['--import', 'tsx', 'src/server.ts'];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: [
      'ignore',
      options.inheritOutput ? 'inherit' : 'pipe',
      options.inheritOutput ? 'inherit' : 'pipe',
    ],
  });
  let output = '';
  child.stdout?.on('data', d => (output += d));
  child.stderr?.on('data', d => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`service exited: ${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok)
        return { child, url, logs: () => output };
    } catch {
      /* not listening yet */
    }
    await new Promise(r => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`service did not start: ${output}`);
}
