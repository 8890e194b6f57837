import type { LoggerService } from '@backstage/backend-plugin-api';
import type { HelmCli } from './HelmCli';

interface HistoryEntry {
  revision: number;
  status: string;
}

/**
 * A run killed mid-upgrade leaves the release in pending-install,
 * pending-upgrade or pending-rollback, and helm then refuses every upgrade
 * ("another operation is in progress"). Roll back to the last deployed
 * revision, or uninstall a first install that never deployed.
 */
export async function recoverPendingRelease(
  helm: HelmCli,
  release: string,
  namespace: string,
  logger: LoggerService,
): Promise<void> {
  let history: HistoryEntry[];
  try {
    history = JSON.parse(
      await helm.run(
        [
          'history',
          release,
          '--namespace',
          namespace,
          '--max',
          '20',
          '--output',
          'json',
        ],
        { quiet: true },
      ),
    );
  } catch (error) {
    if (/not found/i.test((error as Error).message)) return; // first install
    throw error;
  }
  const latest = history[history.length - 1];
  if (!latest || !latest.status.startsWith('pending-')) return;
  const deployed = [...history]
    .reverse()
    .find(h => h.status === 'deployed' || h.status === 'superseded');
  if (deployed) {
    logger.warn(
      `Release ${release} is stuck in ${latest.status} at revision ${latest.revision} (an interrupted run): rolling back to revision ${deployed.revision}`,
    );
    await helm.run([
      'rollback',
      release,
      String(deployed.revision),
      '--namespace',
      namespace,
      '--wait',
    ]);
  } else {
    logger.warn(
      `Release ${release} is stuck in ${latest.status} and never deployed (an interrupted first install): uninstalling it before installing again`,
    );
    await helm.run(['uninstall', release, '--namespace', namespace, '--wait']);
  }
}
