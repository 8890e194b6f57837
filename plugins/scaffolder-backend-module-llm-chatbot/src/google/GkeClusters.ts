import { ClusterManagerClient, type protos } from '@google-cloud/container';
import type { GoogleAuth } from 'google-auth-library';

export type Cluster = protos.google.container.v1.ICluster;
export type Operation = protos.google.container.v1.IOperation;
export type NodePool = protos.google.container.v1.INodePool;

/** gRPC codes that GKE's REST errors map to (google-gax sets error.code). */
export const GrpcCode = {
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
} as const;

export const grpcCode = (error: unknown): number | undefined =>
  (error as { code?: number }).code;

/**
 * GKE's v1 API through @google-cloud/container in REST mode (no gRPC), so it
 * runs wherever the portal backend does and msw can stand in for it in tests.
 */
export class GkeClusters {
  private readonly client: ClusterManagerClient;

  constructor(auth: GoogleAuth) {
    this.client = new ClusterManagerClient({ fallback: true, auth });
  }

  static clusterName(project: string, location: string, name: string) {
    return `projects/${project}/locations/${location}/clusters/${name}`;
  }

  /** The cluster, or undefined when GKE says it does not exist. */
  async get(
    project: string,
    location: string,
    name: string,
    signal?: AbortSignal,
  ) {
    try {
      const [cluster] = await this.client.getCluster(
        { name: GkeClusters.clusterName(project, location, name) },
        { signal },
      );
      return cluster;
    } catch (error) {
      if (grpcCode(error) === GrpcCode.NOT_FOUND) return undefined;
      throw abortReasonOr(error, signal);
    }
  }

  async create(project: string, location: string, cluster: Cluster) {
    const [operation] = await this.client.createCluster({
      parent: `projects/${project}/locations/${location}`,
      cluster,
    });
    return operation;
  }

  async createNodePool(
    project: string,
    location: string,
    cluster: string,
    nodePool: NodePool,
  ) {
    const [operation] = await this.client.createNodePool({
      parent: GkeClusters.clusterName(project, location, cluster),
      nodePool,
    });
    return operation;
  }

  /** An operation by its full name: projects/p/locations/l/operations/id. */
  async operation(fullName: string, signal?: AbortSignal) {
    try {
      const [operation] = await this.client.getOperation(
        { name: fullName },
        { signal },
      );
      return operation;
    } catch (error) {
      throw abortReasonOr(error, signal);
    }
  }

  /** Operations still running on this cluster (another run's, or a console user's). */
  async runningOperations(project: string, location: string, name: string) {
    const [response] = await this.client.listOperations({
      parent: `projects/${project}/locations/${location}`,
    });
    const onCluster = (link: string) =>
      link.endsWith(`/clusters/${name}`) || link.includes(`/clusters/${name}/`);
    return (response.operations ?? []).filter(
      op => String(op.status) !== 'DONE' && onCluster(op.targetLink ?? ''),
    );
  }

  close() {
    return this.client.close();
  }
}

/**
 * google-gax cancels an aborted call with its own bare "cancelled" error;
 * the task's reason (who cancelled, or the timeout) is what a user needs.
 */
function abortReasonOr(error: unknown, signal?: AbortSignal) {
  return signal?.aborted ? signal.reason : error;
}
