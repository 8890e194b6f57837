import { ClusterError } from '../errors';
import type { GkeClusters } from './GkeClusters';
import type { AllowedProjects } from './allowedProjects';

/** A GKE cluster, named as the form names it. */
export interface ClusterRef {
  project: string;
  location: string;
  cluster: string;
}

export interface ClusterConnection {
  endpoint: string;
  caCertificate: string;
}

/** Where a named cluster's API is, looked up with the backend's credentials. */
export type ClusterResolver = (ref: ClusterRef) => Promise<ClusterConnection>;

/**
 * The endpoint and CA come from GKE, never from the template: a template
 * that named a host of its own would otherwise receive the portal's Google
 * token and the Secrets it places. Only in a project the portal deploys to.
 */
export function clusterResolver(
  gke: () => GkeClusters,
  projects: AllowedProjects,
): ClusterResolver {
  return async ({ project, location, cluster }) => {
    projects.assert(project);
    const client = gke();
    try {
      const found = await client.get(project, location, cluster);
      const where = `${project}/${location}/${cluster}`;
      if (!found) {
        throw new ClusterError(
          `GKE cluster ${where} does not exist, or the portal's Google credentials may not see it`,
        );
      }
      if (String(found.status) !== 'RUNNING' || !found.endpoint) {
        throw new ClusterError(
          `GKE cluster ${where} is ${String(
            found.status,
          )}, with no endpoint to deploy to yet`,
        );
      }
      return {
        endpoint: found.endpoint,
        caCertificate: found.masterAuth?.clusterCaCertificate ?? '',
      };
    } finally {
      await client.close();
    }
  };
}
