// The portal's container image (packages/backend/Dockerfile) against what
// production reads from its working directory: every catalog location and
// template file, and the sources the template's llm-chatbot:source:fetch
// steps copy. No Docker engine runs here, so the COPY lines and
// .dockerignore are checked instead of a built image.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { root, readYaml } from './lib.mjs';

const dockerfile = fs.readFileSync(
  path.join(root, 'packages/backend/Dockerfile'),
  'utf8',
);
/** The top-level paths the image gets: COPY <src…> <dest> lines from the context. */
const copied = [...dockerfile.matchAll(/^COPY (?:--\S+ )*(.+) \S+$/gm)]
  .flatMap(m => m[1].split(/\s+/))
  .map(p => p.replace(/\/$/, ''));
const ignored = fs
  .readFileSync(path.join(root, '.dockerignore'), 'utf8')
  .split('\n')
  .filter(Boolean);

/** Whether a repository path reaches the image: under a COPY, not ignored. */
const inImage = p =>
  copied.some(c => p === c || p.startsWith(`${c}/`)) &&
  !ignored.some(i => p === i || p.startsWith(`${i}/`));

test("the image holds every file production's catalog locations name", () => {
  const production = readYaml(path.join(root, 'app-config.production.yaml'))[0];
  const files = production.catalog.locations
    .filter(l => l.type === 'file')
    .map(l => path.normalize(l.target));
  const targets = files.flatMap(file => {
    const location = readYaml(path.join(root, file))[0];
    return (location.spec?.targets ?? []).map(t =>
      path.normalize(path.join(path.dirname(file), t)),
    );
  });
  assert.ok(targets.includes('templates/create-chatbot/template.yaml'));
  for (const file of [...files, ...targets]) {
    assert.ok(fs.existsSync(path.join(root, file)), `${file} exists`);
    assert.ok(inImage(file), `${file} is copied into the image`);
  }
});

test("the image holds what the template's source steps copy, and a root marker without .git", () => {
  const template = readYaml(
    path.join(root, 'templates/create-chatbot/template.yaml'),
  )[0];
  const fetched = template.spec.steps
    .filter(s => s.action === 'llm-chatbot:source:fetch')
    .map(s => s.input.path);
  assert.ok(fetched.length >= 3, fetched.join(', '));
  for (const p of fetched) assert.ok(inImage(p), `${p} is in the image`);
  assert.ok(inImage('backstage.json'), 'the root is found by backstage.json');
  assert.ok(inImage('.gitignore'), 'git-ignored files stay out of copies');
  for (const local of [
    'services/chatbot/node_modules',
    'services/chatbot/data',
  ])
    assert.ok(!inImage(local), `${local} stays out of the image`);
});
