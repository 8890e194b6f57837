import type { LoggerService } from '@backstage/backend-plugin-api';
import type { GkeClusters, Operation } from '../../google/GkeClusters';
import { ClusterError, DeadlineExceededError } from '../../errors';
import { sleep } from '@internal/plugin-llm-chatbot-node';

export interface WaitOptions {
  deadline: number;
  pollMs: number;
  logger: LoggerService;
  signal?: AbortSignal;
}

export const operationName = (project: string, location: string, id: string) =>
  id.startsWith('projects/')
    ? id
    : `projects/${project}/locations/${location}/operations/${id}`;

/**
 * Polls an operation by its full name until DONE. DONE with an error is a
 * failure; so is running past the deadline, which leaves the operation
 * running in GKE (a re-run adopts its result).
 */
export async function waitForOperation(
  gke: GkeClusters,
  fullName: string,
  options: WaitOptions,
): Promise<Operation> {
  const started = Date.now();
  let lastLog = 0;
  for (;;) {
    const op = await gke.operation(fullName, options.signal);
    if (String(op.status) === 'DONE') {
      const message = op.error?.message || op.statusMessage;
      if (op.error?.code || message) {
        throw new ClusterError(
          `GKE operation ${op.operationType ?? ''} ${fullName} failed: ${
            message || `code ${op.error?.code}`
          }`,
        );
      }
      return op;
    }
    if (Date.now() >= options.deadline) {
      throw new DeadlineExceededError(
        `Gave up waiting for GKE operation ${fullName} after ${Math.round(
          (Date.now() - started) / 60_000,
        )} min; it keeps running in GKE, and running the template again adopts its result`,
      );
    }
    if (Date.now() - lastLog >= 60_000 || lastLog === 0) {
      lastLog = Date.now();
      options.logger.info(
        `Waiting for ${op.operationType ?? 'operation'} ${fullName} (${String(
          op.status,
        )}, ${Math.round((Date.now() - started) / 1000)} s so far)`,
      );
    }
    await sleep(options.pollMs, options.signal);
  }
}
