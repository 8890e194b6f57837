// The chatbot dashboard and alerts (helm/chatbot-platform/files): the alert rules pass promtool, the dashboard is valid
// JSON, and every chatbot metric the dashboard and alerts use is exported by
// the running chatbot service.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { root, readYaml, spawnService } from './lib.mjs';

const monitoring = path.join(root, 'helm/monitoring');
const platformFiles = path.join(root, 'helm/chatbot-platform/files');
const rule = readYaml(path.join(platformFiles, 'chatbot-alerts.yaml'))[0];
const dashboardMap = readYaml(
  path.join(platformFiles, 'chatbot-dashboard.yaml'),
)[0];
const dashboard = JSON.parse(dashboardMap.data['llm-chatbot.json']);

const exprs = () => [
  ...rule.spec.groups.flatMap(g => g.rules.map(r => r.expr)),
  ...dashboard.panels.flatMap(p => p.targets.map(t => t.expr)),
  ...dashboard.templating.list.map(v => v.query),
];

let service;
let dataDir;
let metricsText = '';
before(async () => {
  const chatbot = path.join(root, 'services/chatbot');
  // Always rebuild: dist/ is not versioned and may be older than src/.
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: chatbot });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'metrics-check-'));
  service = await spawnService(
    {
      CHATBOT_API_TOKEN: randomBytes(16).toString('hex'),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    },
    { build: true },
  );
  metricsText = await (await fetch(`${service.url}/metrics`)).text();
});
after(() => {
  service?.child.kill('SIGTERM');
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('monitoring assets', () => {
  test('promtool accepts the PrometheusRule groups', () => {
    const file = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'rules-')),
      'rules.yaml',
    );
    fs.writeFileSync(file, YAML.stringify({ groups: rule.spec.groups }));
    const out = execFileSync('promtool', ['check', 'rules', file], {
      encoding: 'utf8',
    });
    assert.match(out, /SUCCESS: 6 rules found/);
  });

  test('the upstream ingestion-failure series exists at 0 before any failure, so the first one alerts', () => {
    assert.match(
      metricsText,
      /^chatbot_ingestion_failures_total\{reason="upstream"\} 0$/m,
    );
  });

  test('the dashboard is provisioned by label and has the panels the issue asks for', () => {
    assert.equal(dashboardMap.metadata.labels.grafana_dashboard, '1');
    assert.ok(dashboard.tags.includes('llm-chatbot'));
    const titles = dashboard.panels.map(p => p.title);
    for (const t of [
      'Request rate',
      'Errors (5xx ratio)',
      'Latency percentiles',
      'Time to first token',
      'Tokens per second',
      'Ingestion',
      'Pod CPU',
      'Pod memory',
    ]) {
      assert.ok(titles.includes(t), t);
    }
  });

  test('every chatbot_ metric in the dashboard and the alerts exists in the running service /metrics', () => {
    assert.ok(metricsText.includes('# TYPE'), 'the service answered /metrics');
    const exported = new Map(
      [...metricsText.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(m => [
        m[1],
        m[2],
      ]),
    );
    const used = new Set(
      exprs().flatMap(e => e.match(/\bchatbot_[a-z0-9_]+/g) ?? []),
    );
    assert.ok(used.size >= 8, [...used].join(', '));
    for (const name of used) {
      const base = name.replace(/_(bucket|sum|count)$/, '');
      const type = exported.get(name) ?? exported.get(base);
      assert.ok(type, `${name} is not exported by the service`);
      if (name !== base && !exported.has(name))
        assert.equal(
          type,
          'histogram',
          `${name} needs ${base} to be a histogram`,
        );
    }
  });

  test('Grafana admin password comes from a Secret and the datasources link logs and traces both ways', () => {
    const kps = readYaml(
      path.join(monitoring, 'kube-prometheus-stack.values.yaml'),
    )[0];
    assert.equal(kps.grafana.admin.existingSecret, 'grafana-admin');
    assert.equal(kps.grafana.adminPassword, undefined);
    const [loki, tempo] = kps.grafana.additionalDataSources;
    assert.equal(loki.jsonData.derivedFields[0].datasourceUid, 'tempo');
    assert.equal(tempo.jsonData.tracesToLogsV2.datasourceUid, 'loki');
    const lokiValues = readYaml(path.join(monitoring, 'loki.values.yaml'))[0];
    assert.equal(lokiValues.singleBinary.persistence.enabled, true);
    const otel = readYaml(
      path.join(monitoring, 'otel-collector.values.yaml'),
    )[0];
    assert.deepEqual(otel.config.service.pipelines.traces.exporters, [
      'otlp_grpc/tempo',
    ]);
    assert.equal(
      otel.config.exporters['otlp_grpc/tempo'].endpoint,
      'tempo.monitoring:4317',
    );
    // Our config merges into the chart's: unused defaults are removed.
    for (const unused of ['jaeger', 'zipkin', 'prometheus'])
      assert.equal(otel.config.receivers[unused], null, unused);
    assert.equal(otel.config.service.pipelines.logs, null);
  });
});

// Keys checked against the pinned charts' own values.yaml and templates
// (helm/platform.yaml): grafana-community/helm-charts tag tempo-2.2.4 and
// traefik/traefik-helm-chart tag v41.3.0.
describe('values the pinned charts read', () => {
  test("Tempo's metrics generator runs the service-graph and span-metric processors", () => {
    const tempo = readYaml(path.join(monitoring, 'tempo.values.yaml'))[0].tempo;
    assert.equal(tempo.metricsGenerator.enabled, true);
    assert.deepEqual(
      tempo.overrides.defaults.metrics_generator.processors.sort(),
      ['service-graphs', 'span-metrics'],
    );
  });

  test("Traefik's values use the chart 41 keys: the redirect under ports.web.http, the type under service.spec", () => {
    const traefik = readYaml(
      path.join(root, 'helm/ingress/traefik.values.yaml'),
    )[0];
    assert.equal(
      traefik.ports.web.redirections,
      undefined,
      'refused since 39.0.0',
    );
    assert.equal(
      traefik.ports.web.http.redirections.entryPoint.to,
      'websecure',
    );
    assert.equal(traefik.service.type, undefined, 'ignored since 40.0.0');
    assert.equal(traefik.service.spec.type, 'LoadBalancer');
  });
});
