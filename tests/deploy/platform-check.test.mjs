// scripts/check-platform-charts.sh, run with a fake helm and a fake
// kubeconform on PATH that record their arguments: every release
// helm/platform.yaml pins is rendered at its pinned version with its values
// files, the local charts too, and each rendering is validated strictly with
// the CRD schemas; one failure fails the run and names the release.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root, readYaml } from './lib.mjs';

const platform = readYaml(path.join(root, 'helm/platform.yaml'))[0];

function fakeBin(failRelease = '') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-bin-'));
  const log = path.join(dir, 'calls.log');
  const fake = (name, body) => {
    fs.writeFileSync(
      path.join(dir, name),
      `#!/usr/bin/env bash\necho "${name} $*" >> "${log}"\n${body}\n`,
      { mode: 0o755 },
    );
  };
  fake(
    'helm',
    `[ "$2" = "${failRelease}" ] && { echo "values don't meet the specifications of the schema" >&2; exit 1; }
echo "apiVersion: v1"; echo "kind: ConfigMap"; echo "metadata: {name: $2}"`,
  );
  fake('kubeconform', 'grep -q "kind: ConfigMap" "${@: -1}"');
  const calls = () => fs.readFileSync(log, 'utf8').trim().split('\n');
  return { dir, calls };
}

const run = bin =>
  spawnSync('bash', [path.join(root, 'scripts/check-platform-charts.sh')], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin.dir}:${process.env.PATH}` },
  });

test('renders every pinned release at its version with its values files, and validates each', () => {
  const bin = fakeBin();
  const result = run(bin);
  assert.equal(result.status, 0, result.stderr);
  const helm = bin.calls().filter(c => c.startsWith('helm template'));
  for (const [name, r] of Object.entries(platform.releases)) {
    const call = helm.find(c => c.startsWith(`helm template ${name} `));
    assert.ok(call, name);
    assert.match(
      call,
      new RegExp(
        `--repo ${r.repo} --version ${r.version.replace(/\./g, '\\.')} `,
      ),
    );
    assert.match(call, new RegExp(`--namespace ${r.namespace} `));
    for (const f of r.valuesFiles)
      assert.ok(call.includes(`--values helm/${f}`), `${name}: ${f}`);
  }
  assert.ok(
    helm.some(c =>
      c.startsWith('helm template model-serving helm/model-serving'),
    ),
  );
  assert.ok(
    helm.some(c =>
      c.startsWith('helm template chatbot-platform helm/chatbot-platform'),
    ),
  );
  const validations = bin.calls().filter(c => c.startsWith('kubeconform'));
  assert.equal(validations.length, helm.length);
  for (const v of validations) {
    assert.match(v, /-strict/);
    assert.match(v, /CRDs-catalog/);
  }
});

test('fails, naming the release, when an upstream chart refuses its values, and checks the rest', () => {
  const bin = fakeBin('traefik');
  const result = run(bin);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /FAILED: traefik/);
  assert.ok(bin.calls().some(c => c.startsWith('helm template tempo ')));
});
