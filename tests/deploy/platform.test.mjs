// helm/platform.yaml, the one place every upstream chart is pinned, and the
// values it installs that the chart-specific suites do not cover: the
// portal's own release, log shipping, and the portal's read-only access.
// Keys were checked against the pinned charts' sources: backstage/charts tag
// backstage-2.8.2, grafana-community/helm-charts tag loki-18.11.0, grafana/
// alloy tag helm-chart/1.11.1.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { root, readYaml } from './lib.mjs';

const helm = path.join(root, 'helm');
const platform = readYaml(path.join(helm, 'platform.yaml'))[0];

describe('helm/platform.yaml', () => {
  test('pins every upstream release to an exact version, with its repository and existing values files', () => {
    const releases = Object.entries(platform.releases);
    assert.deepEqual(releases.map(([name]) => name).sort(), [
      'alloy',
      'backstage',
      'jenkins',
      'kube-prometheus-stack',
      'loki',
      'otel-collector',
      'tempo',
      'traefik',
    ]);
    for (const [name, r] of releases) {
      assert.match(r.version, /^\d+\.\d+\.\d+$/, name);
      assert.match(r.repo, /^https:\/\//, name);
      for (const file of r.valuesFiles) {
        assert.ok(fs.existsSync(path.join(helm, file)), `${name}: ${file}`);
      }
    }
  });

  test('installs monitoring first: its CRDs back the ServiceMonitors the others create', () => {
    assert.equal(Object.keys(platform.releases)[0], 'kube-prometheus-stack');
  });

  test('the install instructions name no upstream chart outside platform.yaml', () => {
    const readme = fs.readFileSync(path.join(helm, 'README.md'), 'utf8');
    const upgrades = readme.match(/^\s*helm upgrade --install [^\n]+/gm) ?? [];
    assert.ok(upgrades.length >= 3, upgrades.join('\n'));
    for (const line of upgrades) {
      // Local charts (helm/...) or the pinned helper that reads platform.yaml.
      assert.match(line, /helm\/[a-z-]+|"\$\(pin /, line);
    }
    assert.match(readme, /--version "\$\(pin "\$1" version\)"/);
    // The same reader of platform.yaml as scripts/check-platform-charts.sh.
    assert.match(readme, /^\. scripts\/lib\/platform\.sh/m);
  });
});

describe('log shipping (Loki 18, Alloy)', () => {
  const loki = readYaml(path.join(helm, 'monitoring/loki.values.yaml'))[0];
  const alloy = readYaml(path.join(helm, 'monitoring/alloy.values.yaml'))[0];
  const grafana = readYaml(
    path.join(helm, 'monitoring/kube-prometheus-stack.values.yaml'),
  )[0];

  test('Loki runs monolithic with no scalable targets, canary or test (the chart refuses the mix)', () => {
    assert.equal(loki.deploymentMode, 'Monolithic');
    for (const target of ['read', 'write', 'backend'])
      assert.equal(loki[target].replicas, 0, target);
    assert.equal(loki.lokiCanary.enabled, false);
    assert.equal(loki.test.enabled, false);
  });

  test('Alloy pushes to the gateway Grafana reads from, with the labels the dashboard and links select on', () => {
    const config = alloy.alloy.configMap.content;
    const datasource = grafana.grafana.additionalDataSources.find(
      d => d.uid === 'loki',
    );
    assert.match(
      config,
      new RegExp(`url = "${datasource.url}/loki/api/v1/push"`),
    );
    for (const label of ['namespace', 'container', 'instance', 'app', 'pod'])
      assert.match(config, new RegExp(`target_label\\s+= "${label}"`), label);
    // Raw lines: the dashboard's `| json` and the traceId derived field read them.
    assert.doesNotMatch(config, /stage\.json|stage\.drop/);
    assert.equal(alloy.alloy.mounts.varlog, true);
  });
});

describe('the portal on the cluster (backstage chart)', () => {
  const values = readYaml(path.join(helm, 'portal/backstage.values.yaml'))[0];
  const b = values.backstage;

  // The chart's `backstage` object refuses unknown keys (values.schema.json,
  // backstage-2.8.2); these are the ones it defines that we use.
  const CHART_KEYS = new Set([
    'replicas',
    'image',
    'command',
    'args',
    'extraEnvVars',
    'extraEnvVarsSecrets',
    'extraContainers',
    'extraVolumes',
    'extraVolumeMounts',
    'startupProbe',
    'readinessProbe',
    'livenessProbe',
    'resources',
    'podSecurityContext',
    'containerSecurityContext',
    'pdb',
  ]);

  test('uses only keys the pinned chart defines', () => {
    for (const key of Object.keys(b)) assert.ok(CHART_KEYS.has(key), key);
  });

  test('runs the production config, with every secret from a Secret and none in values', () => {
    assert.deepEqual(b.args, [
      '--config',
      'app-config.yaml',
      '--config',
      'app-config.production.yaml',
    ]);
    assert.deepEqual(b.extraEnvVarsSecrets, ['portal-secrets']);
    for (const env of b.extraEnvVars) {
      assert.doesNotMatch(env.name, /PASSWORD|SECRET|TOKEN/, env.name);
      assert.ok(!('valueFrom' in env) || env.valueFrom.secretKeyRef, env.name);
    }
    assert.match(b.image.tag, /^[0-9a-f]{40}$/);
  });

  test('reaches Cloud SQL through the Auth Proxy on loopback, not a bundled database', () => {
    assert.equal(values.postgresql.enabled, false);
    const host = b.extraEnvVars.find(e => e.name === 'POSTGRES_HOST');
    assert.equal(host.value, '127.0.0.1');
    const proxy = b.extraContainers.find(c => c.name === 'cloud-sql-proxy');
    assert.match(proxy.image, /cloud-sql-proxy:\d+\.\d+\.\d+$/);
    assert.ok(proxy.args.includes('--private-ip'));
  });

  test('is probed on its health endpoints, runs non-root read-only, and serves through Traefik with TLS', () => {
    assert.equal(
      b.readinessProbe.httpGet.path,
      '/.backstage/health/v1/readiness',
    );
    assert.equal(
      b.livenessProbe.httpGet.path,
      '/.backstage/health/v1/liveness',
    );
    assert.equal(b.startupProbe.httpGet.port, 7007);
    assert.equal(b.containerSecurityContext.readOnlyRootFilesystem, true);
    assert.equal(b.containerSecurityContext.runAsNonRoot, true);
    assert.equal(values.ingress.className, 'traefik');
    assert.equal(values.ingress.tls.enabled, true);
    assert.match(
      values.serviceAccount.annotations['iam.gke.io/gcp-service-account'],
      /^chatbot-portal@/,
    );
  });

  test("the portal may only read, and only in the chatbots' namespace", () => {
    const reader = fs.readFileSync(
      path.join(helm, 'chatbot-platform/templates/portal-reader.yaml'),
      'utf8',
    );
    const verbs = [...reader.matchAll(/verbs: \[([^\]]+)\]/g)].flatMap(m =>
      m[1].split(',').map(v => v.trim()),
    );
    assert.deepEqual([...new Set(verbs)].sort(), ['get', 'list', 'watch']);
    assert.match(reader, /namespace: \{\{ .Values.chatbotsNamespace \}\}/);
    assert.match(reader, /kind: User/);
  });
});
