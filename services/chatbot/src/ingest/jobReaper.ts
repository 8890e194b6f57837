import type { Logger } from '../logger.js';
import type { MetadataStore } from '../store/MetadataStore.js';
import type { VectorStore } from '../vector/VectorStore.js';
import { JOB_HEARTBEAT_MS, JOB_LEASE_MS } from './IngestionQueue.js';

/**
 * Settles jobs a dead process left behind: committed documents are kept
 * (their job is marked succeeded), the rest fail, and their partial vectors
 * are removed in the background so start-up never waits on an upstream store.
 * SQLite has one owner, so at start-up every unfinished job is a dead one;
 * replicas sharing PostgreSQL settle only jobs whose heartbeat lapsed, and
 * keep checking for replicas that die. Returns a stop function.
 */
export function startJobReaper(
  metadata: MetadataStore,
  vectors: VectorStore,
  logger: Logger,
): () => void {
  const settle = async (staleAfterMs: number) => {
    for (const job of await metadata.settleInterruptedJobs(staleAfterMs)) {
      logger.warn(
        { jobId: job.id, documentId: job.documentId },
        'job interrupted by restart marked failed',
      );
      await vectors
        .deleteDocument(job.collectionId, job.documentId)
        .catch(err =>
          logger.warn(
            { jobId: job.id, err },
            'could not remove partial vectors; they stay hidden from search',
          ),
        );
    }
  };
  const settleFailed = (err: unknown) =>
    logger.warn({ err }, 'could not settle interrupted jobs');

  void settle(metadata.kind === 'sqlite' ? 0 : JOB_LEASE_MS).catch(
    settleFailed,
  );
  if (metadata.kind !== 'postgres') return () => undefined;
  const timer = setInterval(
    () => void settle(JOB_LEASE_MS).catch(settleFailed),
    4 * JOB_HEARTBEAT_MS,
  ).unref();
  return () => clearInterval(timer);
}
