import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';

/** A CoreV1 client for one cluster, from its endpoint, CA and an access token for this run. */
export function coreApiFor(options: {
  endpoint: string;
  caCertificate: string;
  token: string;
}): CoreV1Api {
  const kubeConfig = new KubeConfig();
  const server = options.endpoint.startsWith('https://')
    ? options.endpoint
    : `https://${options.endpoint}`;
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'target', server, caData: options.caCertificate }],
    users: [{ name: 'portal', token: options.token }],
    contexts: [{ name: 'target', cluster: 'target', user: 'portal' }],
    currentContext: 'target',
  });
  return kubeConfig.makeApiClient(CoreV1Api);
}

/** The HTTP status of a client-node ApiException, if it is one. */
export const apiStatus = (error: unknown): number | undefined =>
  (error as { code?: number }).code;
