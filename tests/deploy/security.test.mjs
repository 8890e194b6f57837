// Scans everything that gets deployed (helm/, terraform/, templates/) for
// plaintext secrets and for anonymous or cluster-admin bindings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { root, walk } from './lib.mjs';

const files = ['helm', 'terraform', 'templates'].flatMap(dir =>
  walk(path.join(root, dir), f =>
    /\.(ya?ml|json|tf|tfvars|tpl|groovy|txt|md)$|Jenkinsfile$/.test(f),
  ),
);

const SECRET_PATTERNS = [
  [/-----BEGIN (RSA |EC |OPENSSH )?PRIVATE KEY-----/, 'a private key'],
  [/\bAKIA[0-9A-Z]{16}\b/, 'an AWS access key'],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, 'a Google API key'],
  [/\bgh[pousr]_[A-Za-z0-9]{36}\b/, 'a GitHub token'],
  [/\bsk-[A-Za-z0-9]{20,}\b/, 'an OpenAI key'],
  [/\bhf_[A-Za-z0-9]{30,}\b/, 'a Hugging Face token'],
  [/"type":\s*"service_account"/, 'a GCP service account key'],
  // Not literals: ${VAR}, {{ template }}, and Terraform references (var.x, random_password.y.result).
  [
    /^\s*(password|adminPassword|apiKey|api_key|token|secret|clientSecret)\s*[:=]\s*(?!(var|local|data|module|random_password|google_\w+)\.)["']?(?!\$\{|\{\{|$)[^\s"']{6,}/im,
    'a literal credential value',
  ],
];

const BINDING_PATTERNS = [
  [/system:anonymous/, 'a binding for system:anonymous'],
  [/system:unauthenticated/, 'a binding for system:unauthenticated'],
  [/\bcluster-admin\b/, 'the cluster-admin role'],
  [
    /kind:\s*ClusterRole(Binding)?\b/,
    'a ClusterRole or ClusterRoleBinding (everything here gets namespaced Roles)',
  ],
  [/\/var\/run\/docker\.sock/, 'the Docker socket'],
  [/privileged:\s*true/, 'a privileged container'],
];

test('the scan covers the deployed assets', () => {
  assert.ok(files.length >= 10, files.join('\n'));
});

test('no plaintext secrets in helm/, terraform/ or templates/', () => {
  const found = files.flatMap(file => {
    const text = fs.readFileSync(file, 'utf8');
    return SECRET_PATTERNS.filter(([re]) => re.test(text)).map(
      ([, what]) => `${path.relative(root, file)}: ${what}`,
    );
  });
  assert.deepEqual(found, []);
});

test('no anonymous, cluster-admin, cluster-wide or Docker-socket access', () => {
  // Docs name these things to forbid them; only deployable files are scanned.
  const found = files
    .filter(file => !file.endsWith('.md'))
    .flatMap(file => {
      const text = fs.readFileSync(file, 'utf8').replace(/^\s*#.*$/gm, '');
      return BINDING_PATTERNS.filter(([re]) => re.test(text)).map(
        ([, what]) => `${path.relative(root, file)}: ${what}`,
      );
    });
  assert.deepEqual(found, []);
});

test('the scanner itself catches what it looks for', () => {
  const bad =
    'password: hunter2hunter2\nsubjects:\n  - kind: User\n    name: system:anonymous\n';
  assert.ok(SECRET_PATTERNS.some(([re]) => re.test(bad)));
  assert.ok(BINDING_PATTERNS.some(([re]) => re.test(bad)));
  assert.ok(
    SECRET_PATTERNS.some(([re]) => re.test('  password = "hunter2hunter2"\n')),
    'a quoted HCL literal',
  );
  const ok =
    'password: ${DB_PASSWORD}\npasswordKey: admin-password\n  password = random_password.db[0].result\n';
  assert.ok(!SECRET_PATTERNS.some(([re]) => re.test(ok)));
});
