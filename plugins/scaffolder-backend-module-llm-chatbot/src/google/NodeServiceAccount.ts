import type { GoogleAuth } from 'google-auth-library';
import { sleep } from '@internal/plugin-llm-chatbot-node';
import { backoffDelay } from '../util/backoff';

/** The roles nodes need and no more: Google's least-privilege node set, as in terraform/main.tf. */
export const NODE_ROLES = [
  'roles/logging.logWriter',
  'roles/monitoring.metricWriter',
  'roles/monitoring.viewer',
  'roles/stackdriver.resourceMetadata.writer',
  'roles/artifactregistry.reader',
];

interface Policy {
  version?: number;
  etag?: string;
  bindings?: { role: string; members: string[]; condition?: unknown }[];
}

const status = (error: unknown) =>
  (error as { response?: { status?: number }; status?: number }).response
    ?.status ?? (error as { status?: number }).status;

/**
 * The cluster's node service account, made through the IAM and Resource
 * Manager REST APIs with the backend's credentials (the client libraries for
 * them would add two more packages for three calls).
 */
export class NodeServiceAccount {
  constructor(
    private readonly auth: Pick<GoogleAuth, 'request'>,
    private readonly options: { baseDelayMs?: number } = {},
  ) {}

  /** Creates the account if absent; true when this call created it. */
  async ensureAccount(project: string, accountId: string, cluster: string) {
    try {
      await this.auth.request({
        url: `https://iam.googleapis.com/v1/projects/${project}/serviceAccounts`,
        method: 'POST',
        data: {
          accountId,
          serviceAccount: {
            displayName: `GKE nodes of ${cluster}`,
            description: 'Least-privilege node identity, created by the portal',
          },
        },
      });
      return true;
    } catch (error) {
      if (status(error) === 409) return false;
      throw error;
    }
  }

  /**
   * Adds the node roles to the project's policy (read, modify, write with
   * its etag). A new account can take a few seconds to become visible to
   * IAM, and a concurrent change makes the etag stale: both are retried.
   */
  async grantRoles(project: string, email: string, signal?: AbortSignal) {
    const member = `serviceAccount:${email}`;
    for (let attempt = 0; ; attempt++) {
      const { data: policy } = await this.auth.request<Policy>({
        url: `https://cloudresourcemanager.googleapis.com/v1/projects/${project}:getIamPolicy`,
        method: 'POST',
        data: { options: { requestedPolicyVersion: 3 } },
      });
      const bindings = policy.bindings ?? [];
      let changed = false;
      for (const role of NODE_ROLES) {
        const binding = bindings.find(b => b.role === role && !b.condition);
        if (!binding) {
          bindings.push({ role, members: [member] });
          changed = true;
        } else if (!binding.members.includes(member)) {
          binding.members.push(member);
          changed = true;
        }
      }
      if (!changed) return false;
      try {
        await this.auth.request({
          url: `https://cloudresourcemanager.googleapis.com/v1/projects/${project}:setIamPolicy`,
          method: 'POST',
          data: { policy: { ...policy, bindings, version: 3 } },
        });
        return true;
      } catch (error) {
        const retriable =
          status(error) === 409 ||
          (status(error) === 400 &&
            /does not exist/i.test(String((error as Error).message)));
        if (!retriable || attempt >= 5) throw error;
        await sleep(
          backoffDelay(attempt, this.options.baseDelayMs ?? 2000, 30_000),
          signal,
        );
      }
    }
  }
}
