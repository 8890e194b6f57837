// helm/model-serving: values validate against values.schema.json, the schema
// rejects unsafe values, and the templates carry the security settings.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { root, walk, readYaml, schemaValidator, merge } from './lib.mjs';

const chart = path.join(root, 'helm/model-serving');
const validate = schemaValidator(chart);
const defaults = readYaml(path.join(chart, 'values.yaml'))[0];
const SHARED = { METADATA_STORE: 'postgres', PGHOST: '10.0.0.3', PGDATABASE: 'chatbot', PGUSER: 'chatbot', VECTOR_STORE: 'pinecone' };
const template = name => fs.readFileSync(path.join(chart, 'templates', name), 'utf8');

describe('helm values', () => {
  test('every values file under helm/ parses, and each chart values file passes its schema', () => {
    const files = walk(path.join(root, 'helm'), f => /\.ya?ml$/.test(f) && !f.includes('/templates/'));
    assert.ok(files.length >= 8, files.join('\n'));
    for (const file of files) readYaml(file);
    for (const file of ['values.yaml', 'values-production.yaml']) {
      const values = file === 'values.yaml' ? defaults : merge(defaults, readYaml(path.join(chart, file))[0]);
      assert.deepEqual(validate(values), [], file);
    }
  });

  test('with shared metadata (PostgreSQL and Pinecone) the chart scales out: replicas, HPA and PDB', () => {
    for (const override of [
      { config: SHARED, replicaCount: 3, persistence: { enabled: false }, podDisruptionBudget: { enabled: true } },
      { config: SHARED, persistence: { enabled: false }, autoscaling: { enabled: true, minReplicas: 2 }, podDisruptionBudget: { enabled: true } },
    ]) {
      assert.deepEqual(validate(JSON.parse(JSON.stringify(merge(defaults, override)))), [], JSON.stringify(override));
    }
    const production = merge(defaults, readYaml(path.join(chart, 'values-production.yaml'))[0]);
    assert.equal(production.autoscaling.enabled, true);
    assert.equal(production.podDisruptionBudget.enabled, true);
    assert.equal(production.config.METADATA_STORE, 'postgres');
  });

  const rejects = {
    'a mutable image tag': { image: { tag: 'latest' } },
    'a token in the ConfigMap values': { config: { CHATBOT_API_TOKEN: 'abc' } },
    'an API key in the ConfigMap values': { config: { LLM_API_KEY: 'sk-123' } },
    'no existing Secret': { secrets: { existingSecret: '' } },
    'two replicas, each with its own SQLite': { replicaCount: 2, persistence: { enabled: false } },
    'an HPA while metadata is per pod': { autoscaling: { enabled: true }, persistence: { enabled: false } },
    'a PDB over a single pod (it would block node drains)': { podDisruptionBudget: { enabled: true } },
    'PostgreSQL metadata without saying where': { config: { METADATA_STORE: 'postgres', VECTOR_STORE: 'pinecone' } },
    'shared metadata with pod-local vectors': { config: { ...SHARED, VECTOR_STORE: 'embedded' } },
    'a database URL (it embeds the password) in the ConfigMap values': { config: { DATABASE_URL: 'postgres://u:p@db/chatbot' } },
    'a database password in the ConfigMap values': { config: { PGPASSWORD: 'hunter2hunter2' } },
    'several replicas on one ReadWriteOnce volume': { config: SHARED, replicaCount: 3, persistence: { enabled: true } },
    'a PDB when the HPA may scale down to one pod': {
      config: SHARED, replicaCount: 3, persistence: { enabled: false },
      autoscaling: { enabled: true, minReplicas: 1 }, podDisruptionBudget: { enabled: true },
    },
    'vLLM without a GPU': { modelServer: { enabled: true, engine: 'vllm', gpu: { enabled: false } } },
    'an unknown model server engine': { modelServer: { engine: 'triton' } },
    'a model server image on latest': { modelServer: { image: { vllm: 'vllm/vllm-openai:latest' } } },
    'an invalid ingress host': { ingress: { host: 'not a host' } },
    'no memory limit': { resources: { limits: { memory: undefined, cpu: '1' } } },
  };
  for (const [name, override] of Object.entries(rejects)) {
    test(`the schema rejects ${name}`, () => {
      const values = JSON.parse(JSON.stringify(merge(defaults, override)));
      assert.notDeepEqual(validate(values), [], JSON.stringify(override));
    });
  }
});

describe('helm templates', () => {
  const deployment = template('deployment.yaml');

  test('the Deployment has startup, readiness and liveness probes on /healthz and /readyz', () => {
    assert.match(deployment, /startupProbe:\s*\n\s*httpGet: \{ path: \/healthz/);
    assert.match(deployment, /readinessProbe:\s*\n\s*httpGet: \{ path: \/readyz/);
    assert.match(deployment, /livenessProbe:\s*\n\s*httpGet: \{ path: \/healthz/);
    assert.match(deployment, /resources: \{\{- toYaml \.Values\.resources/);
  });

  test('pods run non-root, read-only, with seccomp and no service account token', () => {
    const helpers = template('_helpers.tpl');
    for (const setting of ['runAsNonRoot: true', 'type: RuntimeDefault', 'readOnlyRootFilesystem: true', 'allowPrivilegeEscalation: false', 'drop: ["ALL"]']) {
      assert.ok(helpers.includes(setting), setting);
    }
    assert.match(deployment, /include "chatbot.podSecurityContext"/);
    assert.match(deployment, /include "chatbot.containerSecurityContext"/);
    assert.match(deployment, /automountServiceAccountToken: false/);
  });

  test('settings come from the ConfigMap, secrets only from the existing Secret, image tag from values', () => {
    assert.match(deployment, /configMapRef:\s*\n\s*name: \{\{ include "chatbot.fullname" \. \}\}-config/);
    assert.match(deployment, /secretRef:\s*\n\s*name: \{\{ required "secrets.existingSecret is required" \.Values\.secrets\.existingSecret/);
    assert.match(deployment, /image: "\{\{ \.Values\.image\.repository \}\}:\{\{ required .* \.Values\.image\.tag \}\}"/);
    assert.doesNotMatch(template('configmap.yaml'), /secret/i);
  });

  test('the only entry point is the Ingress: a ClusterIP Service and no LoadBalancer', () => {
    assert.match(template('service.yaml'), /type: ClusterIP/);
    for (const file of walk(path.join(chart, 'templates'))) {
      assert.doesNotMatch(fs.readFileSync(file, 'utf8'), /LoadBalancer|NodePort/, file);
    }
    const ingress = template('ingress.yaml');
    assert.match(ingress, /ingressClassName: \{\{ \.Values\.ingress\.className \}\}/);
    assert.match(ingress, /list "\/v1" "\/readyz" "\/healthz"/, 'only the API and health checks are routed');
    assert.doesNotMatch(ingress, /path: \/\s*$/m, 'no catch-all path exposes /metrics');
    assert.equal(defaults.ingress.tls.enabled, true);
    assert.match(ingress, /proxy-buffering: "off"/);
    assert.match(ingress, /proxy-read-timeout: "3600"/);
    assert.equal(defaults.ingress.host, 'mlops.chatbot.com');
  });

  test('NetworkPolicy, HPA, PDB, ServiceMonitor and the optional model server exist', () => {
    assert.match(template('networkpolicy.yaml'), /kind: NetworkPolicy/);
    assert.match(template('hpa.yaml'), /kind: HorizontalPodAutoscaler/);
    assert.match(template('pdb.yaml'), /kind: PodDisruptionBudget/);
    assert.match(template('servicemonitor.yaml'), /path: \/metrics/);
    const ms = template('model-server.yaml');
    assert.match(ms, /nvidia\.com\/gpu/);
    const configmap = template('configmap.yaml');
    assert.match(configmap, /set \$cfg "LLM_BASE_URL" \(printf "http:\/\/%s-model-server:8000\/v1"/);
    assert.equal((configmap.match(/range \$key, \$value/g) ?? []).length, 1, 'keys are rendered once, from one dict');
    assert.match(ms, /type: Recreate/);
  });
});
