import type { z as zod } from 'zod/v3';

/** The target cluster, as gke:cluster:ensure outputs it: shared by the actions that act on it. */
export const clusterFields = (z: typeof zod) => ({
  endpoint: z
    .string()
    .min(1)
    .describe(
      "The cluster's API endpoint (gke:cluster:ensure's endpoint output)",
    ),
  caCertificate: z
    .string()
    .min(1)
    .describe(
      "The cluster's CA, base64 PEM (gke:cluster:ensure's caCertificate output)",
    ),
});
