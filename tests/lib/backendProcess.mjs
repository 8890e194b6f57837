// The portal backend as a process, for tests that need the real thing:
// production-boot.test.mjs and gateway.test.mjs.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../..',
);
export const backendDir = path.join(root, 'packages/backend');
export const backendRequire = createRequire(
  path.join(backendDir, 'package.json'),
);
// The same TypeScript loader `backstage-cli package start` uses, but in one
// plain node process, so its exit code is the backend's own.
const nodeTransform = backendRequire.resolve(
  '@backstage/cli-node/config/nodeTransform.cjs',
);

/** Starts packages/backend with the given config files (relative to it) and env. */
export function startBackend(env, configs) {
  const child = spawn(
    process.execPath,
    [
      '--require',
      nodeTransform,
      'src/index.ts',
      ...configs.flatMap(c => ['--config', c]),
    ],
    { cwd: backendDir, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.output = '';
  child.stdout.on('data', d => (child.output += d));
  child.stderr.on('data', d => (child.output += d));
  child.exited = new Promise(resolve =>
    child.on('exit', code => resolve(code)),
  );
  return child;
}

export async function stopBackend(child) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await child.exited;
  clearTimeout(timer);
}

/** Polls fn until it returns something truthy; fails early if child exits. */
export async function waitFor(what, fn, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) {
      throw new Error(
        `backend exited (${
          child.exitCode
        }) while waiting for ${what}:\n${child.output.slice(-3000)}`,
      );
    }
    try {
      const result = await fn();
      if (result) return result;
    } catch (error) {
      last = error;
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}: ${last ?? ''}\n${
      child?.output.slice(-3000) ?? ''
    }`,
  );
}

/** A Backstage token for the guest provider's user, as the sign-in page gets one. */
export async function guestToken(baseUrl) {
  const res = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (!res.ok)
    throw new Error(
      `guest sign-in answered ${res.status}: ${await res.text()}`,
    );
  return (await res.json()).backstageIdentity.token;
}
