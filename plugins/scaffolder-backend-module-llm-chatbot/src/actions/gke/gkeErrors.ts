import { NotAllowedError } from '@backstage/errors';
import { ClusterError } from '../../errors';
import { GrpcCode, grpcCode } from '../../google/GkeClusters';

/**
 * GKE's errors, said so a person can act: quota shortfalls arrive as 403
 * PERMISSION_DENIED (or RESOURCE_EXHAUSTED) with "Insufficient … quota" in
 * the message, naming the resource.
 */
export function explainGkeError(error: unknown, what: string): Error {
  const message = String((error as Error)?.message ?? error);
  const code = grpcCode(error);
  const quota = /Insufficient (\w+ )?quota/i.test(message);
  if (quota || code === GrpcCode.RESOURCE_EXHAUSTED) {
    const resource = /resource "([^"]+)"/.exec(message)?.[1];
    return new ClusterError(
      `GCP quota too low to ${what}${
        resource ? ` (quota ${resource})` : ''
      }: ${message}. Request more quota in the console (IAM & Admin > Quotas), or choose a smaller machine type or fewer nodes.`,
      error as Error,
    );
  }
  if (code === GrpcCode.PERMISSION_DENIED) {
    return new NotAllowedError(
      `The portal's Google credentials may not ${what}: ${message}. Grant its service account the roles in the scaffolder module's README.`,
      error as Error,
    );
  }
  return error instanceof Error ? error : new ClusterError(message);
}

/** IAM and Resource Manager errors (gaxios: status on the error or its response). */
export function explainIamError(error: unknown, email: string): Error {
  const status =
    (error as { status?: number }).status ??
    (error as { response?: { status?: number } }).response?.status;
  if (status === 403) {
    return new NotAllowedError(
      `The portal's Google credentials may not create the node service account ${email} or grant it roles: give its service account roles/iam.serviceAccountAdmin and roles/resourcemanager.projectIamAdmin (see the scaffolder module's README)`,
      error as Error,
    );
  }
  return error instanceof Error ? error : new ClusterError(String(error));
}
