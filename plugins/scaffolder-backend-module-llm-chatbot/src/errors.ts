import { CustomErrorBase } from '@backstage/errors';

/** A Jenkins build that did not start, finish in time or succeed. */
export class BuildFailedError extends CustomErrorBase {
  name = 'BuildFailedError';
}

/** A GKE operation that ended with an error, or a cluster that cannot be adopted. */
export class ClusterError extends CustomErrorBase {
  name = 'ClusterError';
}

/** helm exited non-zero, or is missing. */
export class HelmError extends CustomErrorBase {
  name = 'HelmError';
}

/** A wait that ran past its deadline. */
export class DeadlineExceededError extends CustomErrorBase {
  name = 'DeadlineExceededError';
}
