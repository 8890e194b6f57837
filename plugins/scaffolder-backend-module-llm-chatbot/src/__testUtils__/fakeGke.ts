import { http, HttpResponse } from 'msw';
import { protos } from '@google-cloud/container';

const BASE = 'https://container.googleapis.com/v1';
const { Cluster, Operation } = protos.google.container.v1;

/** A GKE error body as the REST API sends it. */
export const gkeError = (httpStatus: number, status: string, message: string) =>
  HttpResponse.json(
    { error: { code: httpStatus, status, message, details: [] } },
    { status: httpStatus },
  );

interface FakeOperation {
  name: string;
  operationType: number;
  status: number;
  targetLink: string;
  pollsLeft: number;
  error?: { code: number; message: string };
  onDone?: () => void;
}

/**
 * GKE's v1 REST API, as far as the action uses it: clusters, node pools and
 * operations, with int enums (the client asks for $alt=json;enum-encoding=int).
 * Operations finish after `pollsPerOperation` polls.
 */
export class FakeGke {
  readonly clusters = new Map<string, Record<string, any>>();
  readonly operations = new Map<string, FakeOperation>();
  readonly requests: string[] = [];
  readonly createBodies: Record<string, any>[] = [];
  pollsPerOperation = 2;
  /** Answers the next create with this instead of creating. */
  failNextCreate?: () => Response;
  /** The next operation ends DONE with this error. */
  failNextOperation?: { code: number; message: string };
  /** Operations never finish. */
  stuck = false;
  /** Runs while an operation poll is in flight (to cancel mid-call). */
  onOperationPoll?: () => void;
  private seq = 0;

  reset() {
    this.clusters.clear();
    this.operations.clear();
    this.requests.length = 0;
    this.createBodies.length = 0;
    this.stuck = false;
    this.onOperationPoll = undefined;
    this.failNextCreate = undefined;
    this.failNextOperation = undefined;
    this.seq = 0;
  }

  static key(p: string, l: string, c: string) {
    return `${p}/${l}/${c}`;
  }

  /** An existing cluster, RUNNING, with secure settings unless overridden. */
  addCluster(
    p: string,
    l: string,
    name: string,
    overrides: Record<string, any> = {},
  ) {
    this.clusters.set(FakeGke.key(p, l, name), {
      name,
      location: l,
      status: Cluster.Status.RUNNING,
      endpoint: '34.87.10.20',
      masterAuth: { clusterCaCertificate: 'Q0EtUEVN' },
      autopilot: { enabled: false },
      shieldedNodes: { enabled: true },
      releaseChannel: { channel: 2 },
      workloadIdentityConfig: { workloadPool: `${p}.svc.id.goog` },
      nodePools: [
        {
          name: 'primary',
          autoscaling: { enabled: true, minNodeCount: 1, maxNodeCount: 2 },
          config: {
            machineType: 'e2-standard-4',
            workloadMetadataConfig: { mode: 2 },
            shieldedInstanceConfig: { enableSecureBoot: true },
          },
        },
      ],
      ...overrides,
    });
  }

  /** An operation running on a cluster, as another run or a console user left it. */
  addRunningOperation(p: string, l: string, cluster: string, pollsLeft = 2) {
    return this.newOperation(p, l, cluster, 3, pollsLeft);
  }

  private newOperation(
    p: string,
    l: string,
    cluster: string,
    type: number,
    pollsLeft = this.pollsPerOperation,
    onDone?: () => void,
  ) {
    const name = `operation-${++this.seq}`;
    const op: FakeOperation = {
      name,
      operationType: type,
      status: Operation.Status.RUNNING,
      targetLink: `${BASE}/projects/${p}/locations/${l}/clusters/${cluster}`,
      pollsLeft,
      onDone,
    };
    if (this.failNextOperation) {
      op.error = this.failNextOperation;
      this.failNextOperation = undefined;
    }
    this.operations.set(`${p}/${l}/${name}`, op);
    return op;
  }

  count(method: string) {
    return this.requests.filter(r => r.startsWith(method)).length;
  }

  handlers() {
    return [
      http.get(
        `${BASE}/projects/:p/locations/:l/clusters/:c`,
        ({ params, request }) => {
          this.requests.push(`GET ${new URL(request.url).pathname}`);
          const cluster = this.clusters.get(
            FakeGke.key(String(params.p), String(params.l), String(params.c)),
          );
          if (!cluster) {
            return gkeError(
              404,
              'NOT_FOUND',
              `Not found: projects/${params.p}/locations/${params.l}/clusters/${params.c}.`,
            );
          }
          return HttpResponse.json(cluster);
        },
      ),
      http.post(
        `${BASE}/projects/:p/locations/:l/clusters`,
        async ({ params, request }) => {
          this.requests.push(`CREATE ${new URL(request.url).pathname}`);
          const { cluster } = (await request.json()) as {
            cluster: Record<string, any>;
          };
          this.createBodies.push(cluster);
          if (this.failNextCreate) {
            const response = this.failNextCreate();
            this.failNextCreate = undefined;
            return response;
          }
          const [p, l] = [String(params.p), String(params.l)];
          const key = FakeGke.key(p, l, cluster.name);
          if (this.clusters.has(key)) {
            return gkeError(
              409,
              'ALREADY_EXISTS',
              `Already exists: projects/${p}/locations/${l}/clusters/${cluster.name}.`,
            );
          }
          this.clusters.set(key, {
            ...cluster,
            location: l,
            status: Cluster.Status.PROVISIONING,
          });
          const op = this.newOperation(p, l, cluster.name, 1, undefined, () => {
            const created = this.clusters.get(key)!;
            if (op.error) created.status = Cluster.Status.ERROR;
            else
              Object.assign(created, {
                status: Cluster.Status.RUNNING,
                endpoint: '34.87.10.20',
                masterAuth: { clusterCaCertificate: 'Q0EtUEVN' },
              });
          });
          return HttpResponse.json(op);
        },
      ),
      http.post(
        `${BASE}/projects/:p/locations/:l/clusters/:c/nodePools`,
        async ({ params, request }) => {
          this.requests.push(`NODEPOOL ${new URL(request.url).pathname}`);
          const { nodePool } = (await request.json()) as {
            nodePool: Record<string, any>;
          };
          const [p, l, c] = [
            String(params.p),
            String(params.l),
            String(params.c),
          ];
          const op = this.newOperation(p, l, c, 7, undefined, () => {
            this.clusters.get(FakeGke.key(p, l, c))!.nodePools.push(nodePool);
          });
          return HttpResponse.json(op);
        },
      ),
      http.get(
        `${BASE}/projects/:p/locations/:l/operations/:op`,
        ({ params, request }) => {
          this.requests.push(`OP ${new URL(request.url).pathname}`);
          this.onOperationPoll?.();
          const op = this.operations.get(
            `${params.p}/${params.l}/${params.op}`,
          );
          if (!op)
            return gkeError(
              404,
              'NOT_FOUND',
              `Operation ${params.op} not found.`,
            );
          if (
            !this.stuck &&
            op.status !== Operation.Status.DONE &&
            --op.pollsLeft <= 0
          ) {
            op.status = Operation.Status.DONE;
            op.onDone?.();
          }
          const { pollsLeft, onDone, ...body } = op;
          return HttpResponse.json(body);
        },
      ),
      http.get(
        `${BASE}/projects/:p/locations/:l/operations`,
        ({ params, request }) => {
          this.requests.push(`LISTOPS ${new URL(request.url).pathname}`);
          const ops = [...this.operations.entries()]
            .filter(([k]) => k.startsWith(`${params.p}/${params.l}/`))
            .map(([, { pollsLeft, onDone, ...op }]) => op);
          return HttpResponse.json({ operations: ops });
        },
      ),
    ];
  }
}

/** IAM and Resource Manager, for the node service account and its roles. */
export class FakeIam {
  readonly accounts = new Set<string>();
  bindings: { role: string; members: string[] }[] = [];
  etag = 'BwX1';
  readonly requests: string[] = [];
  denyCreate = false;

  reset() {
    this.accounts.clear();
    this.bindings = [];
    this.requests.length = 0;
    this.denyCreate = false;
  }

  handlers() {
    return [
      http.post(
        'https://iam.googleapis.com/v1/projects/:p/serviceAccounts',
        async ({ params, request }) => {
          this.requests.push('createServiceAccount');
          if (this.denyCreate) {
            return HttpResponse.json(
              {
                error: {
                  code: 403,
                  status: 'PERMISSION_DENIED',
                  message:
                    "Permission 'iam.serviceAccounts.create' denied on resource",
                },
              },
              { status: 403 },
            );
          }
          const { accountId } = (await request.json()) as { accountId: string };
          const email = `${accountId}@${params.p}.iam.gserviceaccount.com`;
          if (this.accounts.has(email)) {
            return HttpResponse.json(
              {
                error: {
                  code: 409,
                  status: 'ALREADY_EXISTS',
                  message: `Service account ${accountId} already exists within project projects/${params.p}.`,
                },
              },
              { status: 409 },
            );
          }
          this.accounts.add(email);
          return HttpResponse.json({
            email,
            name: `projects/${params.p}/serviceAccounts/${email}`,
          });
        },
      ),
      http.post(
        'https://cloudresourcemanager.googleapis.com/v1/projects/:action',
        async ({ params, request }) => {
          const action = String(params.action).split(':')[1];
          this.requests.push(action);
          if (action === 'getIamPolicy') {
            return HttpResponse.json({
              version: 3,
              etag: this.etag,
              bindings: structuredClone(this.bindings),
            });
          }
          const { policy } = (await request.json()) as {
            policy: {
              etag: string;
              bindings: { role: string; members: string[] }[];
            };
          };
          if (policy.etag !== this.etag) {
            return HttpResponse.json(
              {
                error: {
                  code: 409,
                  status: 'ABORTED',
                  message: 'There were concurrent policy changes.',
                },
              },
              { status: 409 },
            );
          }
          this.bindings = policy.bindings;
          this.etag = `${this.etag}x`;
          return HttpResponse.json({ ...policy, etag: this.etag });
        },
      ),
    ];
  }
}
