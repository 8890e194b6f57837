// helm/monitoring alert rules, unit-tested: every PrometheusRule under helm/
// is written to a plain rules file and run through `promtool test rules`
// with tests/deploy/chatbot-alerts.promtool.yaml (cases that fire, stay
// pending, resolve, and near misses that must stay silent). Then each rule's
// threshold, `for:` and label matchers are changed one at a time, and the
// unit tests must fail every time.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { root, walk, readYaml } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const promtoolTests = path.join(here, 'chatbot-alerts.promtool.yaml');

// Every PrometheusRule under helm/ (outside chart templates), as one plain rules file.
const ruleGroups = walk(
  path.join(root, 'helm'),
  f => /\.ya?ml$/.test(f) && !f.includes('/templates/'),
)
  .flatMap(readYaml)
  .filter(doc => doc?.kind === 'PrometheusRule')
  .flatMap(doc => doc.spec.groups);
const alerts = ruleGroups.flatMap(g => g.rules.filter(r => r.alert));

/** Runs the unit tests against `groups`; returns promtool's status and output. */
function promtoolTest(groups) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promtool-test-'));
  try {
    fs.writeFileSync(path.join(dir, 'rules.yaml'), YAML.stringify({ groups }));
    fs.copyFileSync(promtoolTests, path.join(dir, 'tests.yaml')); // rule_files are relative to the test file
    const run = spawnSync(
      'promtool',
      ['test', 'rules', path.join(dir, 'tests.yaml')],
      { encoding: 'utf8' },
    );
    if (run.error) throw run.error;
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The groups with `change` applied to the alert called `name`. */
const mutate = (name, change) =>
  ruleGroups.map(g => ({
    ...g,
    rules: g.rules.map(r => (r.alert === name ? { ...r, ...change(r) } : r)),
  }));

const THRESHOLD = /(>\s*)(\d+(?:\.\d+)?)(\s*)$/;
const doubleDuration = d => `${parseInt(d, 10) * 2}${d.replace(/^\d+/, '')}`;
const halveDuration = d =>
  `${(parseInt(d, 10) * 60) / 2}${{ m: 's', h: 'm' }[d.replace(/^\d+/, '')]}`;

describe('alert rule unit tests (promtool test rules)', () => {
  test('every alert has a case that fires and a case where it must not', () => {
    const cases = YAML.parse(
      fs.readFileSync(promtoolTests, 'utf8'),
    ).tests.flatMap(t => t.alert_rule_test ?? []);
    assert.ok(alerts.length >= 6, alerts.map(a => a.alert).join(', '));
    for (const { alert } of alerts) {
      const mine = cases.filter(c => c.alertname === alert);
      assert.ok(
        mine.some(c => c.exp_alerts?.length > 0),
        `${alert}: no case where it fires`,
      );
      assert.ok(
        mine.some(c => (c.exp_alerts ?? []).length === 0),
        `${alert}: no case where it stays silent`,
      );
    }
  });

  test('the alerts fire, stay pending, resolve and stay silent as the unit tests expect', () => {
    const { status, output } = promtoolTest(ruleGroups);
    assert.equal(status, 0, output);
    assert.match(output, /SUCCESS/);
  });

  // The unit tests have teeth: each of these edits to a rule must fail them.
  for (const alert of alerts) {
    const mutations = [];
    const m = alert.expr.trim().match(THRESHOLD);
    assert.ok(m, `${alert.alert}: the expression ends in "> threshold"`);
    const n = Number(m[2]);
    mutations.push([
      `threshold ${n} -> ${n * 3 + 1}`,
      r => ({ expr: r.expr.trim().replace(THRESHOLD, `$1${n * 3 + 1}$3`) }),
    ]);
    if (n > 0)
      mutations.push([
        `threshold ${n} -> ${n / 2}`,
        r => ({ expr: r.expr.trim().replace(THRESHOLD, `$1${n / 2}$3`) }),
      ]);
    if (alert.for) {
      mutations.push([
        `for ${alert.for} -> ${doubleDuration(alert.for)}`,
        () => ({ for: doubleDuration(alert.for) }),
      ]);
      mutations.push([
        `for ${alert.for} -> ${halveDuration(alert.for)}`,
        () => ({ for: halveDuration(alert.for) }),
      ]);
    }
    for (const matcher of alert.expr.match(/\{[^}]+\}/g) ?? []) {
      mutations.push([
        `without ${matcher}`,
        r => ({ expr: r.expr.replace(matcher, '') }),
      ]);
    }
    for (const [what, change] of mutations) {
      test(`${alert.alert}: the unit tests fail with ${what}`, () => {
        const { status, output } = promtoolTest(mutate(alert.alert, change));
        assert.notEqual(status, 0, `promtool still passed:\n${output}`);
        assert.match(
          output,
          new RegExp(`alertname: ${alert.alert}\\b`),
          output,
        );
      });
    }
  }
});
