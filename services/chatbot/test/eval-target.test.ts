/*
 * The model-correctness stage's eval (eval/run.ts with EVAL_TARGET_URL),
 * run as the pipeline runs it against a "deployed" service: here the real
 * app on loopback with a token of its own. A tiny set keeps it quick.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  api,
  startService,
  TOKEN,
  type RunningService,
} from './helpers/service.js';
import { textPdf } from './helpers/pdfs.js';

const SERVICE = path.resolve(import.meta.dirname, '..');

describe('eval against a deployed release', () => {
  let svc: RunningService;
  let dir: string;
  before(async () => {
    svc = await startService();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eval-target-'));
    fs.writeFileSync(
      path.join(dir, 'tiny.pdf'),
      await textPdf([
        'Installing the widget. Run the installer and accept the licence.',
        'Calibrating the widget. Hold the reset button for ten seconds until the lamp blinks green.',
      ]),
    );
    fs.writeFileSync(
      path.join(dir, 'set.json'),
      JSON.stringify({
        documents: [{ id: 'tiny' }],
        questions: [
          {
            id: 'a',
            kind: 'literal',
            question:
              'How long do I hold the reset button to calibrate the widget?',
            document: 'tiny',
            pages: [2],
            phrases: ['ten seconds'],
          },
          {
            id: 'u',
            kind: 'uncovered',
            question: 'What is the boiling point of mercury on Venus?',
          },
        ],
      }),
    );
  });
  after(async () => {
    await svc.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const floors = (min: Record<string, number>) => {
    const file = path.join(dir, `floors-${Object.keys(min).join('-')}.json`);
    fs.writeFileSync(file, JSON.stringify({ min, max: {} }));
    return file;
  };
  // Asynchronous: the service under test answers from this very process.
  const runEval = (env: Record<string, string>) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>(
      resolve => {
        execFile(
          process.execPath,
          ['--import', 'tsx', 'eval/run.ts'],
          { cwd: SERVICE, env: evalEnv(env) },
          (error, stdout, stderr) =>
            resolve({
              status: error ? (error.code as number) ?? 1 : 0,
              stdout,
              stderr,
            }),
        );
      },
    );
  const evalEnv = (env: Record<string, string>) => ({
    ...process.env,
    EVAL_TARGET_URL: `${svc.url}/`,
    EVAL_TARGET_TOKEN: TOKEN,
    EVAL_SET: path.join(dir, 'set.json'),
    EVAL_MANUALS_DIR: dir,
    EVAL_RESULTS_DIR: path.join(dir, 'results'),
    EVAL_LABEL: 'deployed',
    ...env,
  });

  test('passes above the floors, through the API, and leaves no collection behind', async () => {
    const result = await runEval({
      EVAL_FLOORS: floors({ hit1: 1, declineRate: 1 }),
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /\| hit@1 \| 1\.00 \|/);
    assert.match(result.stdout, /uncovered declined \| 1 of 1/);
    assert.doesNotMatch(result.stdout + result.stderr, new RegExp(TOKEN));
    assert.ok(fs.existsSync(path.join(dir, 'results', 'latest-deployed.md')));
    const { body } = await api(svc.url, 'GET', '/v1/collections');
    assert.deepEqual(
      body.collections.filter((c: { id: string }) => c.id.startsWith('eval')),
      [],
    );
  });

  test('fails below a floor, saying which', async () => {
    const result = await runEval({ EVAL_FLOORS: floors({ hit5: 1.01 }) });
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      /outside \S*floors-hit5\.json: hit5 1\.00 < 1\.01/,
    );
  });

  test('refuses a target without a token, and says so', async () => {
    const result = await runEval({ EVAL_TARGET_TOKEN: '' });
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /EVAL_TARGET_URL needs EVAL_TARGET_TOKEN/);
  });

  test('says so when the token is wrong', async () => {
    const result = await runEval({ EVAL_TARGET_TOKEN: 'x'.repeat(32) });
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /answered 401/);
  });
});
