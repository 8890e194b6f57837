import { setupServer } from 'msw/node';
import { protos } from '@google-cloud/container';
import type { JsonValue } from '@backstage/types';
import { actionContext } from '../../__testUtils__/actionContext';
import { FakeGke, FakeIam, gkeError } from '../../__testUtils__/fakeGke';
import { googleDeps } from '../../__testUtils__/google';
import { createGkeClusterEnsureAction } from './createGkeClusterEnsureAction';

const gke = new FakeGke();
const iam = new FakeIam();
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  gke.reset();
  iam.reset();
  server.resetHandlers(...gke.handlers(), ...iam.handlers());
});
afterAll(() => server.close());

const input = {
  project: 'acme-chatbots',
  location: 'asia-southeast1-b',
  name: 'llm-chatbots',
  machineType: 'e2-standard-4',
  minNodes: 1,
  maxNodes: 2,
};
const action = () =>
  createGkeClusterEnsureAction({ ...googleDeps(), pollMs: 1 });
const { WorkloadMetadataConfig, ReleaseChannel } = protos.google.container.v1;

describe('gke:cluster:ensure', () => {
  it('creates a secure Standard cluster and its least-privilege node identity, polling the operation by its full name', async () => {
    const { ctx, outputs } = actionContext({ input });
    await action().handler(ctx);

    expect(gke.count('CREATE')).toBe(1);
    const body = gke.createBodies[0];
    expect(body.workloadIdentityConfig.workloadPool).toBe(
      'acme-chatbots.svc.id.goog',
    );
    expect(body.shieldedNodes.enabled).toBe(true);
    expect(body.autopilot?.enabled ?? false).toBe(false);
    expect(body.releaseChannel.channel).toBe(ReleaseChannel.Channel.REGULAR);
    expect(body.networkConfig.datapathProvider).toBeTruthy();
    const [pool] = body.nodePools;
    expect(pool.config.serviceAccount).toBe(
      'llm-chatbots-nodes@acme-chatbots.iam.gserviceaccount.com',
    );
    expect(pool.config.workloadMetadataConfig.mode).toBe(
      WorkloadMetadataConfig.Mode.GKE_METADATA,
    );
    expect(pool.config.shieldedInstanceConfig.enableSecureBoot).toBe(true);
    expect(pool.management).toEqual({ autoRepair: true, autoUpgrade: true });
    expect(pool.autoscaling).toMatchObject({
      enabled: true,
      minNodeCount: 1,
      maxNodeCount: 2,
    });
    expect(pool.config.machineType).toBe('e2-standard-4');

    expect(gke.requests).toContain(
      'OP /v1/projects/acme-chatbots/locations/asia-southeast1-b/operations/operation-1',
    );
    expect([...iam.accounts]).toEqual([
      'llm-chatbots-nodes@acme-chatbots.iam.gserviceaccount.com',
    ]);
    expect(iam.bindings.map(b => b.role).sort()).toEqual([
      'roles/artifactregistry.reader',
      'roles/logging.logWriter',
      'roles/monitoring.metricWriter',
      'roles/monitoring.viewer',
      'roles/stackdriver.resourceMetadata.writer',
    ]);
    expect(outputs).toEqual({
      endpoint: '34.87.10.20',
      caCertificate: 'Q0EtUEVN',
      location: 'asia-southeast1-b',
      name: 'llm-chatbots',
      created: true,
    });
  });

  it('refuses a project the portal does not deploy to, in a dry run too, before any call', async () => {
    for (const isDryRun of [false, true]) {
      const { ctx } = actionContext({
        input: { ...input, project: 'attacker-owned-1' },
        isDryRun,
      });
      await expect(action().handler(ctx)).rejects.toThrow(
        /GCP project attacker-owned-1 is not one the portal deploys to \(acme-chatbots\)/,
      );
    }
    expect(gke.requests).toEqual([]);
  });

  it('adopts a matching cluster without creating anything, and reports harmless differences', async () => {
    gke.addCluster('acme-chatbots', 'asia-southeast1-b', 'llm-chatbots', {
      releaseChannel: { channel: ReleaseChannel.Channel.STABLE },
    });
    const { ctx, outputs, logs } = actionContext({ input });
    await action().handler(ctx);
    expect(gke.count('CREATE')).toBe(0);
    expect(iam.requests).toEqual([]);
    expect(outputs.created).toBe(false);
    expect(logs.join('\n')).toMatch(
      /releaseChannel is STABLE \(the form asked REGULAR\)/,
    );
  });

  it('refuses, naming each difference, to adopt a cluster that would have to be recreated', async () => {
    gke.addCluster('acme-chatbots', 'asia-southeast1-b', 'llm-chatbots', {
      autopilot: { enabled: true },
      nodePools: [
        {
          name: 'primary',
          autoscaling: { enabled: true, minNodeCount: 1, maxNodeCount: 2 },
          config: {
            machineType: 'e2-standard-4',
            workloadMetadataConfig: {
              mode: WorkloadMetadataConfig.Mode.GCE_METADATA,
            },
            shieldedInstanceConfig: { enableSecureBoot: true },
          },
        },
      ],
    });
    const { ctx } = actionContext({ input });
    await expect(action().handler(ctx)).rejects.toThrow(
      /cannot be adopted .*autopilot is true, needs false; nodePools.primary.workloadMetadataConfig.mode is GCE_METADATA, needs GKE_METADATA/,
    );
    expect(gke.count('CREATE')).toBe(0);
  });

  it('waits for an operation already running on the cluster, then adopts it', async () => {
    gke.failNextCreate = () =>
      gkeError(
        400,
        'FAILED_PRECONDITION',
        'Cluster is running incompatible operation operation-9.',
      );
    const running = gke.addRunningOperation(
      'acme-chatbots',
      'asia-southeast1-b',
      'llm-chatbots',
      3,
    );
    // The other run's operation creates the cluster when it finishes.
    const op = gke.operations.get(
      `acme-chatbots/asia-southeast1-b/${running.name}`,
    )!;
    op.onDone = () =>
      gke.addCluster('acme-chatbots', 'asia-southeast1-b', 'llm-chatbots');

    const { ctx, outputs, logs } = actionContext({ input });
    await action().handler(ctx);
    expect(logs.join('\n')).toMatch(/Another operation is running/);
    expect(gke.requests).toContain(
      `OP /v1/projects/acme-chatbots/locations/asia-southeast1-b/operations/${running.name}`,
    );
    expect(outputs).toMatchObject({ created: false, endpoint: '34.87.10.20' });
  });

  it('reports a FAILED_PRECONDITION with no operation running as the error it is, instead of waiting forever', async () => {
    gke.failNextCreate = () =>
      gkeError(
        400,
        'FAILED_PRECONDITION',
        'The network "default" has no subnetwork in region asia-southeast1.',
      );
    const { ctx } = actionContext({ input });
    await expect(action().handler(ctx)).rejects.toThrow(
      /has no subnetwork in region/,
    );
  });

  it('says which quota is short when GKE answers 403 Insufficient quota', async () => {
    gke.failNextCreate = () =>
      gkeError(
        403,
        'PERMISSION_DENIED',
        "Insufficient regional quota to satisfy request: resource \"CPUS\": request requires '8.0' and is short '4.0'. project has a quota of '4.0' with '4.0' available.",
      );
    const { ctx } = actionContext({ input });
    await expect(action().handler(ctx)).rejects.toThrow(
      /GCP quota too low to create cluster .* \(quota CPUS\).*Request more quota/,
    );
  });

  it("names the missing role when the portal's credentials may not create clusters", async () => {
    gke.failNextCreate = () =>
      gkeError(
        403,
        'PERMISSION_DENIED',
        "Required 'container.clusters.create' permission for 'projects/acme-chatbots'.",
      );
    const { ctx } = actionContext({ input });
    await expect(action().handler(ctx)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(
        /may not create cluster .*container.clusters.create/,
      ),
    });
  });

  it('says so when the service account cannot be created', async () => {
    iam.denyCreate = true;
    const { ctx } = actionContext({ input });
    await expect(action().handler(ctx)).rejects.toThrow(
      /roles\/iam.serviceAccountAdmin/,
    );
    expect(gke.count('CREATE')).toBe(0);
  });

  it('fails with the operation error when the create operation ends DONE with an error', async () => {
    gke.failNextOperation = {
      code: 8,
      message:
        'Zone asia-southeast1-b does not have enough resources available.',
    };
    const { ctx } = actionContext({ input });
    await expect(action().handler(ctx)).rejects.toThrow(
      /operation .*operation-1 failed: Zone asia-southeast1-b does not have enough resources/,
    );
  });

  it('gives up at the timeout and says the operation keeps running', async () => {
    gke.stuck = true;
    const { ctx } = actionContext({ input: { ...input, timeoutMinutes: 1 } });
    const realNow = Date.now;
    let t = realNow();
    jest.spyOn(Date, 'now').mockImplementation(() => (t += 5_000));
    try {
      await expect(action().handler(ctx)).rejects.toThrow(
        /Gave up waiting for GKE operation .* keeps running in GKE/,
      );
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('makes no second cluster when a task is retried after a failure mid-wait', async () => {
    const checkpoints = new Map<string, JsonValue>();
    gke.stuck = true;
    const controller = new AbortController();
    const first = actionContext({
      input,
      checkpoints,
      signal: controller.signal,
    });
    gke.onOperationPoll = () =>
      controller.abort(new Error('backend restarted'));
    await expect(action().handler(first.ctx)).rejects.toThrow(
      /backend restarted/,
    );
    gke.onOperationPoll = undefined;
    expect(gke.count('CREATE')).toBe(1);

    gke.stuck = false; // the operation finishes while nobody watches
    const second = actionContext({ input, checkpoints });
    await action().handler(second.ctx);
    expect(gke.count('CREATE')).toBe(1);
    expect(second.outputs).toMatchObject({ endpoint: '34.87.10.20' });

    // And a third run of the same task replays the checkpoint: no calls.
    const before = gke.requests.length;
    const third = actionContext({ input, checkpoints });
    await action().handler(third.ctx);
    expect(gke.requests.length).toBe(before);
    expect(third.outputs.endpoint).toBe('34.87.10.20');
  });

  it('makes no call at all in a dry run', async () => {
    const { ctx, outputs } = actionContext({ input, isDryRun: true });
    await action().handler(ctx);
    expect(gke.requests).toEqual([]);
    expect(iam.requests).toEqual([]);
    expect(outputs.name).toBe('llm-chatbots');
  });

  it('stops waiting as soon as the task is cancelled', async () => {
    gke.stuck = true;
    const controller = new AbortController();
    const { ctx } = actionContext({
      input: { ...input, timeoutMinutes: 60 },
      signal: controller.signal,
    });
    const run = action().handler(ctx);
    setTimeout(() => controller.abort(new Error('cancelled by the user')), 30);
    await expect(run).rejects.toThrow(/cancelled by the user/);
  });

  it('keeps the cancel reason when it lands while GKE is answering', async () => {
    gke.stuck = true;
    const controller = new AbortController();
    gke.onOperationPoll = () =>
      controller.abort(new Error('cancelled by the user'));
    const { ctx } = actionContext({
      input: { ...input, timeoutMinutes: 60 },
      signal: controller.signal,
    });
    await expect(action().handler(ctx)).rejects.toThrow(
      /cancelled by the user/,
    );
  });

  it('adds a GPU pool to an adopted cluster that lacks one', async () => {
    gke.addCluster('acme-chatbots', 'asia-southeast1-b', 'shared');
    const { ctx } = actionContext({
      input: {
        project: 'acme-chatbots',
        location: 'asia-southeast1-b',
        name: 'shared',
        mode: 'adopt',
        gpu: true,
      },
    });
    await action().handler(ctx);
    expect(gke.count('NODEPOOL')).toBe(1);
    const pools = gke.clusters.get(
      'acme-chatbots/asia-southeast1-b/shared',
    )!.nodePools;
    expect(pools.map((p: { name: string }) => p.name)).toEqual([
      'primary',
      'gpu',
    ]);
    expect(pools[1].config.taints[0].key).toBe('nvidia.com/gpu');
  });

  it('refuses to adopt a cluster that does not exist', async () => {
    const { ctx } = actionContext({ input: { ...input, mode: 'adopt' } });
    await expect(action().handler(ctx)).rejects.toThrow(
      /acme-chatbots\/asia-southeast1-b\/llm-chatbots does not exist/,
    );
  });

  it('rejects a cluster name GKE would refuse, before any call', async () => {
    const { ctx } = actionContext({ input: { ...input, name: 'LLM_bots' } });
    await expect(action().handler(ctx)).rejects.toThrow(/GKE's rules/);
    expect(gke.requests).toEqual([]);
  });
});
