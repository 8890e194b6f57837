// Plain JavaScript (types in JSDoc): the node-only suites under tests/ import
// it too, so a port is found and the service started one way everywhere.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../..',
);

/** A token made per run, for services started on loopback by tests and scripts. */
export const randomToken = () => randomBytes(16).toString('hex');

/** A loopback port that was free a moment ago. @returns {Promise<number>} */
export function freePort() {
  return new Promise(resolve => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (
        s.address()
      );
      s.close(() => resolve(port));
    });
  });
}

/**
 * @typedef {object} ServiceProcess
 * @property {import('node:child_process').ChildProcess} child
 * @property {string} url
 * @property {() => string} logs
 */

/**
 * Starts the service as its own process on a free loopback port and waits
 * for /healthz. `build: true` runs the production build (dist/) as the
 * Dockerfile does; otherwise the TypeScript sources through tsx.
 * @param {Record<string, string>} env
 * @param {{ build?: boolean; inheritOutput?: boolean }} [options]
 * @returns {Promise<ServiceProcess>}
 */
export async function spawnService(env, options = {}) {
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
