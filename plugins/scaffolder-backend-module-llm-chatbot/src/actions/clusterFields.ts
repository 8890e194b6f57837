import type { z as zod } from 'zod/v3';

/**
 * The target cluster, by name: the actions look its endpoint and CA up in
 * GKE (google/clusterAccess.ts) rather than taking them from the template.
 */
export const clusterFields = (z: typeof zod) => ({
  project: z
    .string()
    .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'project must be a GCP project id')
    .describe('GCP project of the cluster'),
  location: z
    .string()
    .regex(
      /^[a-z]+-[a-z]+[0-9]{1,2}(-[a-z])?$/,
      'location must be a GCP region or zone, e.g. asia-southeast1-b',
    )
    .describe("The cluster's zone or region"),
  cluster: z
    .string()
    .regex(
      /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/,
      "the cluster name must follow GKE's rules: 1-40 lowercase letters, digits and dashes, starting with a letter",
    )
    .describe('The cluster name (gke:cluster:ensure ensured it)'),
});
