// The scaffolded repository's Jenkinsfile: its stages, in order, and what
// each must do. There is no Jenkins here; this guards the contract.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { root } from './lib.mjs';

const jenkinsfile = fs.readFileSync(path.join(root, 'templates/create-chatbot/skeleton/Jenkinsfile'), 'utf8');
const stages = [...jenkinsfile.matchAll(/stage\('([^']+)'\)/g)].map(m => m[1]);
const body = name => {
  const start = jenkinsfile.indexOf(`stage('${name}')`);
  const next = stages[stages.indexOf(name) + 1];
  return jenkinsfile.slice(start, next ? jenkinsfile.indexOf(`stage('${next}')`) : undefined);
};

test('stages run in order: test, build and push, chart checks, deploy, smoke test', () => {
  assert.deepEqual(stages, ['Test', 'Build and push', 'Chart checks', 'Deploy', 'Smoke test']);
});

test('the test stage runs the unit tests and the retrieval smoke evaluation, without deploy credentials', () => {
  assert.match(body('Test'), /inheritFrom 'chatbot-tester'/);
  assert.match(body('Test'), /--target=test --no-push/);
  const dockerfile = fs.readFileSync(path.join(root, 'services/chatbot/Dockerfile'), 'utf8');
  const testTarget = dockerfile.slice(dockerfile.indexOf('AS test'), dockerfile.indexOf('AS build'));
  assert.match(testTarget, /npm test && npm run eval:smoke/);
  for (const stage of stages.slice(1)) assert.match(body(stage), /inheritFrom 'chatbot-builder'/, stage);
});

test('images are built by Kaniko, tagged with the commit sha, never latest, with no Docker socket', () => {
  assert.match(jenkinsfile, /IMAGE_TAG = "\$\{env\.GIT_COMMIT\}"/);
  assert.match(body('Build and push'), /\/kaniko\/executor/);
  assert.match(body('Build and push'), /--destination="\$\{IMAGE_REPOSITORY\}:\$\{IMAGE_TAG\}"/);
  assert.doesNotMatch(jenkinsfile, /docker (build|push)|docker\.sock|:latest/);
});

test('chart checks lint and render with the schema before deploying', () => {
  assert.match(body('Chart checks'), /helm lint chart --strict/);
  assert.match(body('Chart checks'), /helm template/);
});

test('deploy is an atomic, waited helm upgrade pinned to the built tag', () => {
  const deploy = body('Deploy');
  for (const flag of ['helm upgrade --install', '--atomic', '--wait', '--set image.tag="${IMAGE_TAG}"']) assert.ok(deploy.includes(flag), flag);
});

test('the smoke test calls /readyz through the ingress and rolls back on failure', () => {
  const smoke = body('Smoke test');
  assert.match(smoke, /https:\/\/\$\{INGRESS_HOST\}\/readyz/);
  assert.match(smoke, /failure \{[\s\S]*helm rollback/);
});
