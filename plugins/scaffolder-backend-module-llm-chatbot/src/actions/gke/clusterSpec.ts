import { createHash } from 'node:crypto';
import type { protos } from '@google-cloud/container';

type Cluster = protos.google.container.v1.ICluster;
type NodePool = protos.google.container.v1.INodePool;

/** What the form asks for. */
export interface ClusterRequest {
  project: string;
  location: string;
  name: string;
  machineType: string;
  minNodes: number;
  maxNodes: number;
  releaseChannel: 'RAPID' | 'REGULAR' | 'STABLE';
  gpu?: { machineType: string; accelerator: string };
}

const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';
export const PRIMARY_POOL = 'primary';
export const GPU_POOL = 'gpu';

/**
 * The node service account's id: "<cluster>-nodes" as terraform/ names it,
 * shortened with a hash when that exceeds IAM's 30 characters.
 */
export function nodeServiceAccountId(cluster: string): string {
  const id = `${cluster}-nodes`;
  if (id.length <= 30) return id;
  const hash = createHash('sha256').update(cluster).digest('hex').slice(0, 4);
  return `${cluster.slice(0, 19).replace(/-+$/, '')}-${hash}-nodes`;
}

export const nodeServiceAccountEmail = (project: string, cluster: string) =>
  `${nodeServiceAccountId(cluster)}@${project}.iam.gserviceaccount.com`;

const secureNodeConfig = (serviceAccount: string) => ({
  serviceAccount,
  oauthScopes: [CLOUD_PLATFORM],
  // Pods see the GKE metadata server: Workload Identity, no node credentials.
  workloadMetadataConfig: { mode: 'GKE_METADATA' as const },
  shieldedInstanceConfig: {
    enableSecureBoot: true,
    enableIntegrityMonitoring: true,
  },
  metadata: { 'disable-legacy-endpoints': 'true' },
});

const management = { autoRepair: true, autoUpgrade: true };

export function gpuNodePool(
  req: ClusterRequest,
  serviceAccount: string,
): NodePool {
  return {
    name: GPU_POOL,
    initialNodeCount: 0, // scales up when the model server is scheduled
    autoscaling: { enabled: true, minNodeCount: 0, maxNodeCount: 1 },
    management,
    config: {
      ...secureNodeConfig(serviceAccount),
      machineType: req.gpu!.machineType,
      accelerators: [
        {
          acceleratorType: req.gpu!.accelerator,
          acceleratorCount: '1',
          gpuDriverInstallationConfig: { gpuDriverVersion: 'LATEST' },
        },
      ],
      taints: [
        { key: 'nvidia.com/gpu', value: 'present', effect: 'NO_SCHEDULE' },
      ],
    },
  };
}

/**
 * A Standard cluster with the settings terraform/main.tf gives it: Workload
 * Identity, shielded nodes with secure boot, a release channel, Dataplane V2
 * (it enforces the charts' NetworkPolicies), no client certificate, and
 * node pools that auto-repair and auto-upgrade as a dedicated service account.
 */
export function desiredCluster(req: ClusterRequest): Cluster {
  const serviceAccount = nodeServiceAccountEmail(req.project, req.name);
  const pools: NodePool[] = [
    {
      name: PRIMARY_POOL,
      initialNodeCount: req.minNodes,
      autoscaling: {
        enabled: true,
        minNodeCount: req.minNodes,
        maxNodeCount: req.maxNodes,
      },
      management,
      config: {
        ...secureNodeConfig(serviceAccount),
        machineType: req.machineType,
      },
    },
  ];
  if (req.gpu) pools.push(gpuNodePool(req, serviceAccount));
  return {
    name: req.name,
    description: 'LLM chatbots, created by the portal',
    resourceLabels: { 'managed-by': 'backstage' },
    nodePools: pools,
    releaseChannel: { channel: req.releaseChannel },
    workloadIdentityConfig: { workloadPool: `${req.project}.svc.id.goog` },
    shieldedNodes: { enabled: true },
    autopilot: { enabled: false },
    legacyAbac: { enabled: false },
    masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
    ipAllocationPolicy: { useIpAliases: true },
    networkConfig: { datapathProvider: 'ADVANCED_DATAPATH' },
    loggingService: 'logging.googleapis.com/kubernetes',
    monitoringService: 'monitoring.googleapis.com/kubernetes',
  };
}

/** One way an existing cluster differs from what the form asks for. */
export interface ClusterDifference {
  field: string;
  want: string;
  have: string;
  /** True when matching it would recreate the cluster or its nodes. */
  destructive: boolean;
}

const str = (v: unknown) =>
  v === undefined || v === null || v === '' ? 'unset' : String(v);

/**
 * Compares an existing cluster with the request. Differences in node
 * security or the cluster's kind are destructive (they recreate the cluster
 * or its nodes); sizes and the channel are not, and are only reported.
 */
export function compareCluster(
  have: Cluster,
  req: ClusterRequest,
  options: { checkSizing: boolean },
): ClusterDifference[] {
  const diffs: ClusterDifference[] = [];
  const add = (
    field: string,
    want: unknown,
    got: unknown,
    destructive: boolean,
  ) => {
    if (str(want) !== str(got)) {
      diffs.push({ field, want: str(want), have: str(got), destructive });
    }
  };
  add('autopilot', false, Boolean(have.autopilot?.enabled), true);
  add(
    'workloadIdentityConfig.workloadPool',
    `${req.project}.svc.id.goog`,
    have.workloadIdentityConfig?.workloadPool,
    true,
  );
  add('shieldedNodes', true, Boolean(have.shieldedNodes?.enabled), true);
  for (const pool of have.nodePools ?? []) {
    const cfg = pool.config ?? {};
    add(
      `nodePools.${pool.name}.workloadMetadataConfig.mode`,
      'GKE_METADATA',
      cfg.workloadMetadataConfig?.mode,
      true,
    );
    add(
      `nodePools.${pool.name}.shieldedInstanceConfig.enableSecureBoot`,
      true,
      Boolean(cfg.shieldedInstanceConfig?.enableSecureBoot),
      true,
    );
  }
  add(
    'releaseChannel',
    req.releaseChannel,
    have.releaseChannel?.channel,
    false,
  );
  if (options.checkSizing) {
    const primary = (have.nodePools ?? []).find(p => p.name === PRIMARY_POOL);
    add(
      `nodePools.${PRIMARY_POOL}`,
      'present',
      primary ? 'present' : 'absent',
      true,
    );
    if (primary) {
      add(
        `nodePools.${PRIMARY_POOL}.config.machineType`,
        req.machineType,
        primary.config?.machineType,
        true,
      );
      add(
        `nodePools.${PRIMARY_POOL}.autoscaling`,
        `${req.minNodes}-${req.maxNodes}`,
        primary.autoscaling?.enabled
          ? `${primary.autoscaling.minNodeCount}-${primary.autoscaling.maxNodeCount}`
          : 'off',
        false,
      );
    }
  }
  return diffs;
}
