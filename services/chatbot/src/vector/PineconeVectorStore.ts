import { Pinecone, type Index } from '@pinecone-database/pinecone';
import type { Logger } from '../logger.js';
import { JobSettledElsewhere, type DocumentRecord, type MetadataStore } from '../store/MetadataStore.js';
import { UpstreamError } from '../errors.js';
import { withRetry } from '../util/retry.js';
import type { ChunkToStore, SearchHit, VectorStore } from './VectorStore.js';

type ChunkMetadata = { documentId: string; page: number; text: string };

/**
 * Pinecone's documented limit is 2 MB or 1,000 records per upsert request,
 * and it recommends batches of about 100 for vectors with metadata.
 */
export const PINECONE_UPSERT_BATCH = 100;
const METADATA_TEXT_LIMIT = 8_000; // metadata is capped at 40 KB per record

const RETRYABLE = new Set([
  'PineconeInternalServerError',
  'PineconeUnavailableError',
  'PineconeConnectionError',
  'PineconeTimeoutError',
  'PineconeMaxRetriesExceededError',
]);

function isRetryable(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return RETRYABLE.has(e?.name ?? '') || /\b(429|Too Many Requests|RESOURCE_EXHAUSTED)\b/i.test(e?.message ?? '');
}

export interface PineconeOptions {
  apiKey: string;
  indexName: string;
  indexHost?: string;
  retries: number;
  timeoutMs: number;
}

/**
 * Pinecone on its current SDK (v9), one namespace per collection.
 * `@langchain/pinecone` 1.0.3 targets SDK 5 (`upsert(array)`), which v7+
 * changed to `upsert({ records })`, so this adapter talks to the SDK directly.
 * Vectors are upserted before the document row is written: a crash between
 * the two leaves orphan vectors, which answers ignore (unknown documentId)
 * and the interrupted-job cleanup deletes.
 */
export class PineconeVectorStore implements VectorStore {
  readonly name = 'pinecone';
  private readonly index: Index<ChunkMetadata>;

  constructor(
    private readonly options: PineconeOptions,
    private readonly metadata: MetadataStore,
    private readonly logger: Logger,
  ) {
    // The SDK's own retries are off so that one policy (ours, with backoff
    // on 429 too) governs every call.
    const client = new Pinecone({ apiKey: options.apiKey, maxRetries: 0 });
    this.index = client.index<ChunkMetadata>({ name: options.indexName, host: options.indexHost });
  }

  async commitDocument(
    doc: DocumentRecord,
    chunks: ChunkToStore[],
    onStored: (n: number) => void | Promise<void>,
    jobId?: string,
  ) {
    const ns = this.index.namespace(doc.collectionId);
    for (let i = 0; i < chunks.length; i += PINECONE_UPSERT_BATCH) {
      const batch = chunks.slice(i, i + PINECONE_UPSERT_BATCH);
      await this.call('upsert', () =>
        ns.upsert({
          records: batch.map(c => ({
            id: c.id,
            values: c.vector,
            metadata: { documentId: doc.id, page: c.page, text: c.text.slice(0, METADATA_TEXT_LIMIT) },
          })),
        }),
      );
      await onStored(batch.length);
    }
    // The caller removes the upserted vectors when this throws.
    if (!(await this.metadata.insertDocument(doc, jobId))) throw new JobSettledElsewhere(jobId!);
  }

  async deleteDocument(collectionId: string, documentId: string) {
    await this.call('delete', () =>
      this.index.namespace(collectionId).deleteMany({ filter: { documentId: { $eq: documentId } } }),
    );
  }

  async deleteCollection(collectionId: string) {
    await this.call('delete', () => this.index.namespace(collectionId).deleteAll());
  }

  /** Hits may name documents that never committed; ChatService drops those. */
  async search(collectionId: string, vector: number[], topK: number): Promise<SearchHit[]> {
    const result = await this.call('query', () =>
      this.index.namespace(collectionId).query({ vector, topK, includeMetadata: true }),
    );
    return result.matches
      .filter(m => m.metadata)
      .map(m => ({
        chunkId: m.id,
        documentId: m.metadata!.documentId,
        page: Number(m.metadata!.page),
        text: m.metadata!.text,
        score: m.score ?? 0,
      }));
  }

  /** One attempt, 5 s at most: readiness must answer quickly. */
  async ping() {
    await withTimeout(this.index.describeIndexStats(), 5000, 'describe').catch(error => {
      throw new UpstreamError('pinecone', `describe failed: ${(error as Error).message}`, true);
    });
  }

  private call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(() => withTimeout(fn(), this.options.timeoutMs, operation), {
      retries: this.options.retries,
      isRetryable,
      onRetry: (error, attempt) =>
        this.logger.warn({ provider: 'pinecone', operation, attempt, err: (error as Error).message }, 'retrying Pinecone call'),
    }).catch(error => {
      throw new UpstreamError('pinecone', `${operation} failed: ${(error as Error).message}`, isRetryable(error));
    });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, operation: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${operation} timed out after ${ms} ms`), { name: 'PineconeTimeoutError' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
