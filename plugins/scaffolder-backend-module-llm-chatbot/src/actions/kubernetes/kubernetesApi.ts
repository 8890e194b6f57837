import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { ClusterError } from '../../errors';

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

/**
 * A client-node ApiException said plainly: its message is the whole HTTP
 * exchange; the Status body's message is what a person needs.
 */
export function explainKubernetesError(error: unknown, what: string): Error {
  const status = apiStatus(error);
  if (status === undefined) return error as Error;
  // client-node 1.x keeps the Status body as text or as the parsed object.
  const body = (error as { body?: unknown }).body;
  let reason = '';
  if (body && typeof body === 'object') {
    reason = String((body as { message?: unknown }).message ?? '');
  } else {
    try {
      reason = JSON.parse(String(body)).message;
    } catch {
      reason = String(body ?? '').slice(0, 200);
    }
  }
  // Without a Status body (401, 403) the reason is only in the message.
  reason ||= /Message: (.*)/.exec(String((error as Error).message))?.[1] ?? '';
  const hint =
    status === 401 || status === 403
      ? ": the portal's Google service account needs roles/container.admin (or RBAC on Secrets and namespaces) in this cluster"
      : '';
  return new ClusterError(
    `Kubernetes refused to ${what} (${status}): ${
      reason || 'no reason given'
    }${hint}`,
    error as Error,
  );
}
