// Fake Kubernetes API server for e2e tests of @backstage/plugin-kubernetes-backend.
// Plain HTTP on loopback. Serves list endpoints the backend's DEFAULT_OBJECTS fan-out
// hits, metrics.k8s.io pod metrics, and the proxy paths the frontend uses (events, logs).
import http from 'node:http';

const NS = 'chatbots';
const INSTANCE = 'demo-chatbot';
const ago = s =>
  new Date(Date.now() - s * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
const labels = {
  'app.kubernetes.io/instance': INSTANCE,
  'app.kubernetes.io/name': 'chatbot',
};
const DEPLOY_UID = '11111111-1111-4111-8111-111111111111';
const RS_UID = '22222222-2222-4222-8222-222222222222';
const RS_NAME = `${INSTANCE}-7d9f8b6c5d`;
const IMAGE = 'ghcr.io/example/llm-chatbot:1.4.2';
const ownedByRs = [
  {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    name: RS_NAME,
    uid: RS_UID,
    controller: true,
    blockOwnerDeletion: true,
  },
];
const container = {
  name: 'chatbot',
  image: IMAGE,
  ports: [{ containerPort: 8080, protocol: 'TCP' }],
  resources: {
    requests: { cpu: '250m', memory: '512Mi' },
    limits: { cpu: '1', memory: '1Gi' },
  },
  readinessProbe: {
    httpGet: { path: '/readyz', port: 8080 },
    periodSeconds: 10,
    failureThreshold: 3,
  },
};
const pod = (name, uid, status) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: NS,
    uid,
    labels: { ...labels, 'pod-template-hash': '7d9f8b6c5d' },
    creationTimestamp: ago(7200),
    ownerReferences: ownedByRs,
  },
  spec: {
    containers: [container],
    nodeName: status.phase === 'Pending' ? undefined : 'node-1',
  },
  status,
});
const cond = (type, status, extra = {}) => ({
  type,
  status,
  lastProbeTime: null,
  lastTransitionTime: ago(3600),
  ...extra,
});

const PODS = [
  pod(`${RS_NAME}-run01`, '33333333-3333-4333-8333-000000000001', {
    phase: 'Running',
    podIP: '10.8.0.11',
    hostIP: '10.0.0.2',
    startTime: ago(7200),
    qosClass: 'Burstable',
    conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(
      t => cond(t, 'True'),
    ),
    containerStatuses: [
      {
        name: 'chatbot',
        image: IMAGE,
        imageID: `${IMAGE}@sha256:abc`,
        containerID: 'containerd://run01',
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: ago(7100) } },
        lastState: {},
      },
    ],
  }),
  pod(`${RS_NAME}-crash`, '33333333-3333-4333-8333-000000000002', {
    phase: 'Running',
    podIP: '10.8.0.12',
    hostIP: '10.0.0.3',
    startTime: ago(7200),
    qosClass: 'Burstable',
    conditions: [
      cond('Initialized', 'True'),
      cond('PodScheduled', 'True'),
      cond('Ready', 'False', {
        reason: 'ContainersNotReady',
        message: 'containers with unready status: [chatbot]',
      }),
      cond('ContainersReady', 'False', {
        reason: 'ContainersNotReady',
        message: 'containers with unready status: [chatbot]',
      }),
    ],
    containerStatuses: [
      {
        name: 'chatbot',
        image: IMAGE,
        imageID: `${IMAGE}@sha256:abc`,
        containerID: 'containerd://crash',
        ready: false,
        started: false,
        restartCount: 7,
        state: {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off 5m0s restarting failed container=chatbot pod=${RS_NAME}-crash_${NS}(33333333-3333-4333-8333-000000000002)`,
          },
        },
        lastState: {
          terminated: {
            exitCode: 1,
            reason: 'Error',
            startedAt: ago(400),
            finishedAt: ago(390),
            containerID: 'containerd://crash-prev',
          },
        },
      },
    ],
  }),
  pod(`${RS_NAME}-pend1`, '33333333-3333-4333-8333-000000000003', {
    phase: 'Pending',
    qosClass: 'Burstable', // no containerStatuses / podIP: never scheduled
    conditions: [
      cond('PodScheduled', 'False', {
        reason: 'Unschedulable',
        message:
          '0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
      }),
    ],
  }),
];
const DEPLOYMENT = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: INSTANCE,
    namespace: NS,
    uid: DEPLOY_UID,
    labels,
    creationTimestamp: ago(86400),
    generation: 4,
    annotations: { 'deployment.kubernetes.io/revision': '4' },
  },
  spec: {
    replicas: 3,
    selector: { matchLabels: labels },
    progressDeadlineSeconds: 600,
    minReadySeconds: 0,
    revisionHistoryLimit: 10,
    strategy: {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
    },
    template: { metadata: { labels }, spec: { containers: [container] } },
  },
  status: {
    observedGeneration: 4,
    replicas: 3,
    updatedReplicas: 3,
    readyReplicas: 1,
    availableReplicas: 1,
    unavailableReplicas: 2,
    conditions: [
      cond('Available', 'False', {
        reason: 'MinimumReplicasUnavailable',
        message: 'Deployment does not have minimum availability.',
        lastUpdateTime: ago(3600),
      }),
      cond('Progressing', 'True', {
        reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "${RS_NAME}" has successfully progressed.`,
        lastUpdateTime: ago(3600),
      }),
    ],
  },
};
const REPLICASET = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: {
    name: RS_NAME,
    namespace: NS,
    uid: RS_UID,
    labels: { ...labels, 'pod-template-hash': '7d9f8b6c5d' },
    creationTimestamp: ago(7200),
    annotations: { 'deployment.kubernetes.io/revision': '4' },
    ownerReferences: [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: INSTANCE,
        uid: DEPLOY_UID,
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  },
  spec: {
    replicas: 3,
    selector: { matchLabels: { ...labels, 'pod-template-hash': '7d9f8b6c5d' } },
    template: { metadata: { labels }, spec: { containers: [container] } },
  },
  status: {
    replicas: 3,
    fullyLabeledReplicas: 3,
    readyReplicas: 1,
    availableReplicas: 1,
    observedGeneration: 1,
  }, // replicas > 0 required by the UI
};
const EVENTS = [
  {
    name: `${RS_NAME}-pend1`,
    reason: 'FailedScheduling',
    message: PODS[2].status.conditions[0].message,
    source: { component: 'default-scheduler' },
  },
  {
    name: `${RS_NAME}-crash`,
    reason: 'BackOff',
    message: 'Back-off restarting failed container chatbot in pod',
    source: { component: 'kubelet', host: 'node-1' },
  },
].map((e, i) => ({
  apiVersion: 'v1',
  kind: 'Event',
  type: 'Warning',
  reason: e.reason,
  message: e.message,
  count: 12,
  source: e.source,
  metadata: {
    name: `${e.name}.17a0b${i}`,
    namespace: NS,
    uid: `44444444-4444-4444-8444-00000000000${i}`,
    creationTimestamp: ago(3000),
  },
  involvedObject: {
    kind: 'Pod',
    namespace: NS,
    name: e.name,
    apiVersion: 'v1',
  },
  firstTimestamp: ago(3000),
  lastTimestamp: ago(60),
}));
const METRICS = PODS.filter(p => p.status.phase === 'Running').map(p => ({
  metadata: {
    name: p.metadata.name,
    namespace: NS,
    labels: p.metadata.labels,
    creationTimestamp: ago(0),
  },
  timestamp: ago(10),
  window: '30s',
  containers: [
    { name: 'chatbot', usage: { cpu: '120000000n', memory: '300Mi' } },
  ],
}));

// group/version/plural -> [kind, items]. Every DEFAULT_OBJECTS type must answer 200 or the UI shows an error panel.
const LISTS = {
  'v1/pods': ['PodList', PODS],
  'v1/services': ['ServiceList', []],
  'v1/configmaps': ['ConfigMapList', []],
  'v1/limitranges': ['LimitRangeList', []],
  'v1/resourcequotas': ['ResourceQuotaList', []],
  'v1/secrets': ['SecretList', []],
  'v1/persistentvolumeclaims': ['PersistentVolumeClaimList', []],
  'apps/v1/deployments': ['DeploymentList', [DEPLOYMENT]],
  'apps/v1/replicasets': ['ReplicaSetList', [REPLICASET]],
  'apps/v1/statefulsets': ['StatefulSetList', []],
  'apps/v1/daemonsets': ['DaemonSetList', []],
  'autoscaling/v2/horizontalpodautoscalers': [
    'HorizontalPodAutoscalerList',
    [],
  ],
  'batch/v1/jobs': ['JobList', []],
  'batch/v1/cronjobs': ['CronJobList', []],
  'networking.k8s.io/v1/ingresses': ['IngressList', []],
  'metrics.k8s.io/v1beta1/pods': ['PodMetricsList', METRICS],
};
const matches = (obj, selector) =>
  !selector ||
  selector.split(',').every(term => {
    const [k, v] = term.split('=');
    return obj.metadata?.labels?.[k.trim()] === v?.trim();
  });

export function startFakeKube({
  port = 0,
  host = '127.0.0.1',
  token = 'e2e-token',
  fixtures = {},
} = {}) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    requests.push({
      method: req.method,
      path: url.pathname,
      query: url.search,
      auth: req.headers.authorization,
    });
    const send = (code, body, type = 'application/json') => {
      res.writeHead(code, { 'content-type': type });
      res.end(type === 'application/json' ? JSON.stringify(body) : body);
    };
    const notFound = () =>
      send(404, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `the server could not find the requested resource (get ${url.pathname})`,
        reason: 'NotFound',
        details: {},
        code: 404,
      });
    if (url.pathname === '/version')
      return send(200, {
        major: '1',
        minor: '30',
        gitVersion: 'v1.30.0-fake',
        platform: 'linux/amd64',
      });
    if (token && req.headers.authorization !== `Bearer ${token}`)
      return send(401, {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
    // /api/v1[/namespaces/NS]/PLURAL[/NAME[/log]]  or  /apis/GROUP/VERSION[/namespaces/NS]/PLURAL[/NAME]
    const m = url.pathname.match(
      /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+)(?:\/(log))?)?$/,
    );
    if (!m || req.method !== 'GET') return notFound();
    const [, coreV, group, groupV, ns, plural, name, sub] = m;
    const key = group ? `${group}/${groupV}/${plural}` : `${coreV}/${plural}`;
    if (key === 'v1/events' && !name) {
      const involved = (url.searchParams.get('fieldSelector') ?? '').match(
        /involvedObject\.name=([^,]+)/,
      )?.[1];
      const items = (fixtures.events ?? EVENTS).filter(
        e =>
          (!ns || e.metadata.namespace === ns) &&
          (!involved || e.involvedObject.name === involved),
      );
      return send(200, {
        kind: 'EventList',
        apiVersion: 'v1',
        metadata: { resourceVersion: '1' },
        items,
      });
    }
    if (key === 'v1/pods' && name && sub === 'log') {
      const prev = url.searchParams.has('previous');
      return send(
        200,
        prev
          ? 'Traceback (most recent call last):\n  ...\nRuntimeError: vector store unreachable\n'
          : 'INFO serving on :8080\n',
        'text/plain',
      );
    }
    const entry = fixtures.missing?.includes(key) ? undefined : LISTS[key];
    if (!entry || name) return notFound();
    const [kind, all] = entry;
    const items = (fixtures[key] ?? all).filter(
      o =>
        (!ns || o.metadata.namespace === ns) &&
        matches(o, url.searchParams.get('labelSelector')),
    );
    const apiVersion = group ? `${group}/${groupV}` : coreV;
    return send(200, {
      kind,
      apiVersion,
      metadata: { resourceVersion: '12345' },
      items,
    });
  });
  return new Promise(resolve =>
    server.listen(port, host, () =>
      resolve({
        server,
        requests,
        url: `http://${host}:${server.address().port}`,
        close: () => new Promise(r => server.close(r)),
      }),
    ),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const fake = await startFakeKube({
    port: Number(process.env.FAKE_KUBE_PORT ?? 6443),
    token: process.env.FAKE_KUBE_TOKEN ?? 'e2e-token',
  });
  process.stdout.write(`fake kube-apiserver on ${fake.url}\n`);
}
export const fixtures = { PODS, DEPLOYMENT, REPLICASET, EVENTS, METRICS };
