import fs from 'node:fs/promises';
import { trace, SpanStatusCode } from '@opentelemetry/api';
import type { Embeddings } from '@langchain/core/embeddings';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import {
  JobSettledElsewhere,
  type JobPatch,
  type JobRecord,
  type MetadataStore,
} from '../store/MetadataStore.js';
import type { DocumentCommit } from './commit/DocumentCommit.js';
import type { VectorStore } from '../vector/VectorStore.js';
import { serviceUnavailable } from '../errors.js';
import { chunkPages } from './chunking.js';
import { PdfRejected } from './pdf.js';
import { redactSecrets } from '../util/secrets.js';
import type { PdfParser } from './PdfParser.js';

export interface QueuedUpload {
  job: JobRecord;
  path: string; // the upload on disk, named by the service, never by the client
  bytes: number;
  sha256: string;
}

export interface IngestionOptions {
  concurrency: number;
  queueLimit: number;
  maxPages: number;
  chunkSize: number;
  chunkOverlap: number;
}

const tracer = trace.getTracer('llm-chatbot');

/** Chunks per embeddings call; job progress is reported per batch. */
const EMBED_BATCH = 64;

/**
 * Replicas keep the jobs they hold alive this often; a job not heard of for
 * JOB_LEASE_MS belonged to a process that died, and any replica settles it.
 */
export const JOB_HEARTBEAT_MS = 15_000;
export const JOB_LEASE_MS = 8 * JOB_HEARTBEAT_MS;

/**
 * Runs ingestion jobs with bounded concurrency and a bounded queue. Uploads
 * wait on disk, not in memory. A document is committed in one step at the
 * end (ingest/commit/), so a crash leaves it fully present or
 * absent; the job row says which.
 */
export class IngestionQueue {
  private readonly waiting: QueuedUpload[] = [];
  private running = 0;
  private idleWaiters: (() => void)[] = [];
  private accepting = true;
  private readonly held = new Set<string>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly metadata: MetadataStore,
    private readonly vectors: VectorStore,
    private readonly documents: DocumentCommit,
    private readonly embeddings: Embeddings,
    private readonly pdf: PdfParser,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly options: IngestionOptions,
  ) {
    this.heartbeat = setInterval(() => {
      this.metadata
        .touchJobs([...this.held])
        .catch(error =>
          this.logger.warn({ err: error }, 'job heartbeat failed'),
        );
    }, JOB_HEARTBEAT_MS).unref();
  }

  /** Throws a 503 when the queue is full or the service is shutting down. */
  assertCapacity(files: number) {
    if (!this.accepting)
      throw serviceUnavailable(
        'the service is shutting down; retry shortly',
        5,
      );
    if (this.waiting.length + files > this.options.queueLimit) {
      throw serviceUnavailable(
        `the ingestion queue is full (${this.options.queueLimit} files waiting); retry in a minute`,
        60,
      );
    }
  }

  enqueue(upload: QueuedUpload) {
    this.held.add(upload.job.id);
    this.waiting.push(upload);
    this.pump();
  }

  /**
   * Stops taking work, fails the jobs still waiting (their files are
   * removed), and resolves when the running jobs have finished.
   */
  async drain(): Promise<void> {
    this.accepting = false;
    for (const waiting of this.waiting.splice(0)) {
      await this.metadata
        .updateJob(waiting.job.id, {
          status: 'failed',
          error:
            'the service shut down before ingestion started; upload the file again',
        })
        .catch(error =>
          this.logger.warn(
            { jobId: waiting.job.id, err: error },
            'could not fail waiting job',
          ),
        );
      this.held.delete(waiting.job.id);
      await fs.rm(waiting.path, { force: true });
    }
    if (this.running > 0)
      await new Promise<void>(resolve => this.idleWaiters.push(resolve));
    clearInterval(this.heartbeat);
  }

  private pump() {
    while (this.running < this.options.concurrency && this.waiting.length > 0) {
      const next = this.waiting.shift()!;
      this.running++;
      void this.process(next)
        .catch(error =>
          this.logger.error(
            { jobId: next.job.id, err: error },
            'ingestion bookkeeping failed',
          ),
        )
        .finally(() => {
          this.held.delete(next.job.id);
          this.running--;
          this.pump();
          if (this.running === 0 && this.waiting.length === 0) {
            this.idleWaiters.splice(0).forEach(resolve => resolve());
          }
        });
    }
  }

  private async process({ job, path, bytes, sha256 }: QueuedUpload) {
    const log = this.logger.child({
      jobId: job.id,
      documentId: job.documentId,
      collectionId: job.collectionId,
    });
    // Progress that finds the job settled elsewhere (its lease lapsed) stops the work.
    const progress = async (patch: JobPatch) => {
      if (!(await this.metadata.updateJob(job.id, patch)))
        throw new JobSettledElsewhere(job.id);
    };
    await tracer.startActiveSpan('ingest.document', async span => {
      span.setAttributes({
        'chatbot.collection': job.collectionId,
        'chatbot.document': job.documentId,
        'chatbot.bytes': bytes,
      });
      try {
        await progress({ status: 'running' });
        const data = new Uint8Array(await fs.readFile(path));
        let lastReported = 0;
        const { numPages, pages } = await this.pdf.parse(data, {
          maxPages: this.options.maxPages,
          onPage: async (parsed, total) => {
            this.metrics.ingestionPages.inc();
            if (
              parsed === 1 ||
              parsed - lastReported >= 10 ||
              parsed === total
            ) {
              lastReported = parsed;
              await progress({ pagesParsed: parsed, pagesTotal: total });
            }
          },
        });
        const chunks = await chunkPages(
          pages,
          this.options.chunkSize,
          this.options.chunkOverlap,
        );
        const vectors: number[][] = [];
        const batch = EMBED_BATCH;
        for (let i = 0; i < chunks.length; i += batch) {
          const texts = chunks.slice(i, i + batch).map(c => c.text);
          vectors.push(...(await this.embeddings.embedDocuments(texts)));
          await progress({ chunksEmbedded: vectors.length });
        }
        let stored = 0;
        await this.documents.commit(
          {
            id: job.documentId,
            collectionId: job.collectionId,
            filename: job.filename,
            pages: numPages,
            chunks: chunks.length,
            bytes,
            sha256,
            createdAt: new Date().toISOString(),
          },
          chunks.map((c, i) => ({
            id: `${job.documentId}:${i}`,
            page: c.page,
            text: c.text,
            section: c.section,
            vector: vectors[i],
          })),
          async n => {
            stored += n;
            await progress({ chunksStored: stored }); // a lapsed lease stops the upserts
          },
          job.id, // marked succeeded with the document row, in one transaction
        );
        this.metrics.ingestionChunks.inc(chunks.length);
        span.setAttributes({
          'chatbot.pages': pages.length,
          'chatbot.chunks': chunks.length,
        });
        log.info(
          { pages: pages.length, chunks: chunks.length },
          'document ingested',
        );
      } catch (error) {
        if (error instanceof JobSettledElsewhere) {
          log.warn(
            'job settled while held here (its collection was deleted, or another replica settled it after its lease lapsed); dropping its work',
          );
          await this.removeVectors(job, log);
          return;
        }
        const reason = error instanceof PdfRejected ? error.reason : 'upstream';
        this.metrics.ingestionFailures.inc({ reason });
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
        log.warn({ reason, err: error }, 'ingestion failed');
        const removed = await this.removeVectors(job, log);
        const message =
          error instanceof PdfRejected
            ? error.message
            : `ingestion failed: ${(error as Error).message}; ${
                removed
                  ? 'nothing was stored'
                  : 'the document is not listed, though some of its passages may remain in the vector store (answers never cite them)'
              }. Upload the file again`;
        await this.metadata
          .updateJob(job.id, {
            status: 'failed',
            error: redactSecrets(message),
          })

          .catch(err =>
            log.warn(
              { err },
              'could not record the failure; the job will be settled as interrupted',
            ),
          );
      } finally {
        span.end();
        await fs.rm(path, { force: true });
      }
    });
  }

  /** A failed or abandoned upload's vectors; false, and a warning, when the store refuses. */
  private async removeVectors(job: JobRecord, log: Logger): Promise<boolean> {
    try {
      await this.vectors.deleteDocument(job.collectionId, job.documentId);
      return true;
    } catch (err) {
      log.warn(
        { err },
        "could not remove the failed upload's vectors; they stay in the store, never cited (delete them by the documentId filter)",
      );
      return false;
    }
  }
}
