// helm/model-serving: values validate against values.schema.json, the schema
// rejects unsafe values, and the templates carry the security settings.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  root,
  walk,
  readYaml,
  schemaValidator,
  schemaRefusal,
  merge,
} from './lib.mjs';

const chart = path.join(root, 'helm/model-serving');
const validate = schemaValidator(chart);
const defaults = readYaml(path.join(chart, 'values.yaml'))[0];
const SHARED = {
  METADATA_STORE: 'postgres',
  PGHOST: '10.0.0.3',
  PGDATABASE: 'chatbot',
  PGUSER: 'chatbot',
  VECTOR_STORE: 'pinecone',
};
const template = name =>
  fs.readFileSync(path.join(chart, 'templates', name), 'utf8');

describe('helm values', () => {
  test('every values file under helm/ parses, and each chart values file passes its schema', () => {
    const files = walk(
      path.join(root, 'helm'),
      f => /\.ya?ml$/.test(f) && !f.includes('/templates/'),
    );
    assert.ok(files.length >= 8, files.join('\n'));
    for (const file of files) readYaml(file);
    for (const file of ['values.yaml', 'values-production.yaml']) {
      const values =
        file === 'values.yaml'
          ? defaults
          : merge(defaults, readYaml(path.join(chart, file))[0]);
      assert.deepEqual(validate(values), [], file);
    }
  });

  test('with shared metadata (PostgreSQL and Pinecone) the chart scales out: replicas, HPA and PDB', () => {
    for (const override of [
      {
        config: SHARED,
        replicaCount: 3,
        persistence: { enabled: false },
        podDisruptionBudget: { enabled: true },
      },
      {
        config: SHARED,
        persistence: { enabled: false },
        autoscaling: { enabled: true, minReplicas: 2 },
        podDisruptionBudget: { enabled: true },
      },
    ]) {
      assert.deepEqual(
        validate(JSON.parse(JSON.stringify(merge(defaults, override)))),
        [],
        JSON.stringify(override),
      );
    }
    const production = merge(
      defaults,
      readYaml(path.join(chart, 'values-production.yaml'))[0],
    );
    assert.equal(production.autoscaling.enabled, true);
    assert.equal(production.podDisruptionBudget.enabled, true);
    assert.equal(production.config.METADATA_STORE, 'postgres');
  });

  const refusal = schemaRefusal(chart);
  const secretName = propertyName => [
    ['not', '/config', {}],
    ['propertyNames', '/config', { propertyName }],
  ];
  const RULE = {
    gpu: /^vLLM and TGI images need CUDA/,
    oneReplica: /^Each pod's SQLite .* exactly one replica and no HPA/,
    postgres:
      /^Shared metadata in PostgreSQL: the service's config must say where/,
    rwo: /^A ReadWriteOnce volume cannot follow several replicas/,
    pdb: /^A PDB protects something only with two or more pods/,
    gguf: /^llama.cpp loads one GGUF file from a GGUF repository/,
    tls: /^TLS on needs the Secret that holds the certificate/,
  };
  const rejects = {
    'a mutable image tag': [
      { image: { tag: 'latest' } },
      null,
      [['not', '/image/tag', {}]],
    ],
    'a token in the ConfigMap values': [
      { config: { CHATBOT_API_TOKEN: 'abc' } },
      null,
      secretName('CHATBOT_API_TOKEN'),
    ],
    'an API key in the ConfigMap values': [
      { config: { LLM_API_KEY: 'sk-123' } },
      null,
      secretName('LLM_API_KEY'),
    ],
    'a provider key read into any variable other than a provider key': [
      {
        secrets: {
          keyRefs: [{ env: 'PATH', secret: 'openai-key', key: 'api-key' }],
        },
      },
      null,
      [
        [
          'enum',
          '/secrets/keyRefs/0/env',
          {
            allowedValues: [
              'LLM_API_KEY',
              'EMBEDDINGS_API_KEY',
              'PINECONE_API_KEY',
              'PGPASSWORD',
              'CHATBOT_API_TOKEN',
            ],
          },
        ],
      ],
    ],
    'no existing Secret': [
      { secrets: { existingSecret: '' } },
      null,
      [['minLength', '/secrets/existingSecret', { limit: 1 }]],
    ],
    'two replicas, each with its own SQLite': [
      { replicaCount: 2, persistence: { enabled: false } },
      RULE.oneReplica,
      [['maximum', '/replicaCount', { comparison: '<=', limit: 1 }]],
    ],
    'an HPA while metadata is per pod': [
      { autoscaling: { enabled: true }, persistence: { enabled: false } },
      RULE.oneReplica,
      [['const', '/autoscaling/enabled', { allowedValue: false }]],
    ],
    'a PDB over a single pod (it would block node drains)': [
      { podDisruptionBudget: { enabled: true } },
      RULE.pdb,
      [
        ['anyOf', '/', {}],
        ['const', '/autoscaling/enabled', { allowedValue: true }],
        ['minimum', '/replicaCount', { comparison: '>=', limit: 2 }],
      ],
    ],
    'PostgreSQL metadata without saying where': [
      { config: { METADATA_STORE: 'postgres', VECTOR_STORE: 'pinecone' } },
      RULE.postgres,
      ['PGDATABASE', 'PGHOST', 'PGUSER'].map(missingProperty => [
        'required',
        '/config',
        { missingProperty },
      ]),
    ],
    'shared metadata with pod-local vectors': [
      { config: { ...SHARED, VECTOR_STORE: 'embedded' } },
      RULE.postgres,
      [['const', '/config/VECTOR_STORE', { allowedValue: 'pinecone' }]],
    ],
    'a database URL (it embeds the password) in the ConfigMap values': [
      { config: { DATABASE_URL: 'postgres://u:p@db/chatbot' } },
      null,
      secretName('DATABASE_URL'),
    ],
    'a database password in the ConfigMap values': [
      { config: { PGPASSWORD: 'hunter2hunter2' } },
      null,
      secretName('PGPASSWORD'),
    ],
    'several replicas on one ReadWriteOnce volume': [
      { config: SHARED, replicaCount: 3, persistence: { enabled: true } },
      RULE.rwo,
      [['const', '/persistence/enabled', { allowedValue: false }]],
    ],
    'a PDB when the HPA may scale down to one pod': [
      {
        config: SHARED,
        replicaCount: 3,
        persistence: { enabled: false },
        autoscaling: { enabled: true, minReplicas: 1 },
        podDisruptionBudget: { enabled: true },
      },
      RULE.pdb,
      [
        ['anyOf', '/', {}],
        ['const', '/autoscaling/enabled', { allowedValue: false }],
        ['minimum', '/autoscaling/minReplicas', { comparison: '>=', limit: 2 }],
      ],
    ],
    'vLLM without a GPU': [
      {
        modelServer: { enabled: true, engine: 'vllm', gpu: { enabled: false } },
      },
      RULE.gpu,
      [['const', '/modelServer/gpu/enabled', { allowedValue: true }]],
    ],
    'an unknown model server engine': [
      { modelServer: { engine: 'triton' } },
      null,
      [
        [
          'enum',
          '/modelServer/engine',
          { allowedValues: ['vllm', 'tgi', 'llamacpp'] },
        ],
      ],
    ],
    'a model server image on latest': [
      { modelServer: { image: { vllm: 'vllm/vllm-openai:latest' } } },
      null,
      [['not', '/modelServer/image/vllm', {}]],
    ],
    'an invalid ingress host': [
      { ingress: { host: 'not a host' } },
      null,
      [
        [
          'pattern',
          '/ingress/host',
          { pattern: '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$' },
        ],
      ],
    ],
    'TLS on with no Secret name (it would render an empty one)': [
      { ingress: { tls: { enabled: true, secretName: undefined } } },
      RULE.tls,
      [['required', '/ingress/tls', { missingProperty: 'secretName' }]],
    ],
    'a typo in a probe setting (it would be ignored)': [
      { probes: { startup: { failureTreshold: 60 } } },
      null,
      [
        [
          'additionalProperties',
          '/probes/startup',
          { additionalProperty: 'failureTreshold' },
        ],
      ],
    ],
    'a typo in the NetworkPolicy settings': [
      { networkPolicy: { portalNamespce: 'portal' } },
      null,
      [
        [
          'additionalProperties',
          '/networkPolicy',
          { additionalProperty: 'portalNamespce' },
        ],
      ],
    ],
    'PORT in config (the chart sets it: a duplicate ConfigMap key)': [
      { config: { PORT: '9000' } },
      null,
      [
        ['not', '/config', {}],
        ['propertyNames', '/config', { propertyName: 'PORT' }],
      ],
    ],
    'llama.cpp with a repository that is not GGUF, and no file': [
      {
        modelServer: {
          enabled: true,
          engine: 'llamacpp',
          modelId: 'Qwen/Qwen2.5-1.5B-Instruct',
          gpu: { enabled: false },
        },
      },
      RULE.gguf,
      [
        ['pattern', '/modelServer/modelId', { pattern: '[Gg][Gg][Uu][Ff]' }],
        ['minLength', '/modelServer/ggufFile', { limit: 1 }],
      ],
    ],
    'no memory limit': [
      { resources: { limits: { memory: undefined, cpu: '1' } } },
      null,
      [['required', '/resources/limits', { missingProperty: 'memory' }]],
    ],
  };
  const sorted = errors =>
    [...errors].sort((a, b) =>
      JSON.stringify(a).localeCompare(JSON.stringify(b)),
    );
  for (const [name, [override, rule, errors]] of Object.entries(rejects)) {
    test(`the schema rejects ${name}, for that reason only`, () => {
      const got = refusal(
        JSON.parse(JSON.stringify(merge(defaults, override))),
      );
      assert.deepEqual(got.errors, sorted(errors), JSON.stringify(override));
      if (rule) {
        assert.equal(got.rules.length, 1, got.rules.join('\n'));
        assert.match(got.rules[0], rule);
      } else assert.deepEqual(got.rules, []);
    });
  }
  test('the defaults themselves are refused for nothing', () => {
    assert.deepEqual(refusal(JSON.parse(JSON.stringify(defaults))), {
      rules: [],
      errors: [],
    });
  });
});

describe('helm templates', () => {
  const deployment = template('deployment.yaml');

  test('the Deployment has startup, readiness and liveness probes on /healthz and /readyz', () => {
    assert.match(
      deployment,
      /startupProbe:\s*\n\s*httpGet: \{ path: \/healthz/,
    );
    assert.match(
      deployment,
      /readinessProbe:\s*\n\s*httpGet: \{ path: \/readyz/,
    );
    assert.match(
      deployment,
      /livenessProbe:\s*\n\s*httpGet: \{ path: \/healthz/,
    );
    assert.match(deployment, /resources: \{\{- toYaml \.Values\.resources/);
  });

  test('pods run non-root, read-only, with seccomp and no service account token', () => {
    const helpers = template('_helpers.tpl');
    for (const setting of [
      'runAsNonRoot: true',
      'type: RuntimeDefault',
      'readOnlyRootFilesystem: true',
      'allowPrivilegeEscalation: false',
      'drop: ["ALL"]',
    ]) {
      assert.ok(helpers.includes(setting), setting);
    }
    assert.match(deployment, /include "chatbot.podSecurityContext"/);
    assert.match(deployment, /include "chatbot.containerSecurityContext"/);
    assert.match(deployment, /automountServiceAccountToken: false/);
  });

  test('settings come from the ConfigMap, secrets only from the existing Secret, image tag from values', () => {
    assert.match(
      deployment,
      /configMapRef:\s*\n\s*name: \{\{ include "chatbot.fullname" \. \}\}-config/,
    );
    assert.match(
      deployment,
      /secretRef:\s*\n\s*name: \{\{ required "secrets.existingSecret is required" \.Values\.secrets\.existingSecret/,
    );
    assert.match(
      deployment,
      /image: "\{\{ \.Values\.image\.repository \}\}:\{\{ required .* \.Values\.image\.tag \}\}"/,
    );
    assert.doesNotMatch(template('configmap.yaml'), /secret/i);
  });

  test('the only entry point is the Ingress: a ClusterIP Service and no LoadBalancer', () => {
    assert.match(template('service.yaml'), /type: ClusterIP/);
    for (const file of walk(path.join(chart, 'templates'))) {
      assert.doesNotMatch(
        fs.readFileSync(file, 'utf8'),
        /LoadBalancer|NodePort/,
        file,
      );
    }
    const ingress = template('ingress.yaml');
    assert.match(
      ingress,
      /ingressClassName: \{\{ \.Values\.ingress\.className \}\}/,
    );
    assert.match(
      ingress,
      /list "\/v1" "\/readyz" "\/healthz"/,
      'only the API and health checks are routed',
    );
    assert.doesNotMatch(
      ingress,
      /path: \/\s*$/m,
      'no catch-all path exposes /metrics',
    );
    assert.equal(defaults.ingress.tls.enabled, true);
    assert.match(ingress, /proxy-buffering: "off"/);
    assert.match(ingress, /proxy-read-timeout: "3600"/);
    assert.equal(defaults.ingress.host, 'mlops.chatbot.com');
  });

  test('only the chatbot pods reach the model server, and it requires their key', () => {
    const policy = template('networkpolicy.yaml');
    const modelServer = policy.slice(policy.indexOf('-model-server'));
    assert.match(modelServer, /app.kubernetes.io\/component: model-server/);
    assert.match(
      modelServer,
      /- podSelector:\n\s+matchLabels: \{\{- include "chatbot.selectorLabels"/,
    );
    assert.doesNotMatch(modelServer, /namespaceSelector|ipBlock/);
    assert.match(modelServer, /port: 8000/);
    const server = template('model-server.yaml');
    assert.match(server, /VLLM_API_KEY\{\{ else \}\}LLAMA_ARG_API_KEY/);
    assert.match(
      server,
      /secretKeyRef:\n\s+name: \{\{ \$ms.apiKeySecret.name \| default .Values.secrets.existingSecret \}\}/,
    );
    assert.match(
      server,
      /"--hf-file", \{\{ required "modelServer.ggufFile is required for llama.cpp"/,
    );
  });

  test('NetworkPolicy, HPA, PDB, ServiceMonitor and the optional model server exist', () => {
    assert.match(template('networkpolicy.yaml'), /kind: NetworkPolicy/);
    assert.match(template('hpa.yaml'), /kind: HorizontalPodAutoscaler/);
    assert.match(template('pdb.yaml'), /kind: PodDisruptionBudget/);
    assert.match(template('servicemonitor.yaml'), /path: \/metrics/);
    const ms = template('model-server.yaml');
    assert.match(ms, /nvidia\.com\/gpu/);
    const configmap = template('configmap.yaml');
    assert.match(
      configmap,
      /set \$cfg "LLM_BASE_URL" \(printf "http:\/\/%s-model-server:8000\/v1"/,
    );
    assert.equal(
      (configmap.match(/range \$key, \$value/g) ?? []).length,
      1,
      'keys are rendered once, from one dict',
    );
    assert.match(ms, /type: Recreate/);
  });
});
