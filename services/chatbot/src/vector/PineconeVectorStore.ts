import type { Index } from '@pinecone-database/pinecone';
import type { Logger } from '../logger.js';
import { callPinecone, pineconeClient } from '../util/pinecone.js';
import type {
  ChunkToStore,
  SearchHit,
  UpsertingVectorStore,
} from './VectorStore.js';

type ChunkMetadata = { documentId: string; page: number; text: string };

/**
 * Pinecone's documented limit is 2 MB or 1,000 records per upsert request,
 * and it recommends batches of about 100 for vectors with metadata.
 */
export const PINECONE_UPSERT_BATCH = 100;
const METADATA_TEXT_LIMIT = 8_000; // metadata is capped at 40 KB per record

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
 * Vectors only: ingest/commit/VectorsThenRowCommit writes the document row
 * after them, so a crash between the two leaves orphan vectors, which answers
 * ignore (unknown documentId) and the interrupted-job cleanup deletes.
 */
export class PineconeVectorStore implements UpsertingVectorStore {
  readonly name = 'pinecone';
  private readonly index: Index<ChunkMetadata>;

  constructor(
    private readonly options: PineconeOptions,
    private readonly logger: Logger,
  ) {
    this.index = pineconeClient(options.apiKey).index<ChunkMetadata>({
      name: options.indexName,
      host: options.indexHost,
    });
  }

  async upsertChunks(
    collectionId: string,
    documentId: string,
    chunks: ChunkToStore[],
    onStored: (n: number) => void | Promise<void>,
  ) {
    const ns = this.index.namespace(collectionId);
    for (let i = 0; i < chunks.length; i += PINECONE_UPSERT_BATCH) {
      const batch = chunks.slice(i, i + PINECONE_UPSERT_BATCH);
      await this.call('upsert', () =>
        ns.upsert({
          records: batch.map(c => ({
            id: c.id,
            values: c.vector,
            metadata: {
              documentId,
              page: c.page,
              text: c.text.slice(0, METADATA_TEXT_LIMIT),
            },
          })),
        }),
      );
      await onStored(batch.length);
    }
  }

  async deleteDocument(collectionId: string, documentId: string) {
    await this.call('delete', () =>
      this.index
        .namespace(collectionId)
        .deleteMany({ filter: { documentId: { $eq: documentId } } }),
    );
  }

  async deleteCollection(collectionId: string) {
    await this.call('delete', () =>
      this.index.namespace(collectionId).deleteAll(),
    );
  }

  /** Hits may name documents that never committed; ChatService drops those. */
  async search(
    collectionId: string,
    vector: number[],
    topK: number,
  ): Promise<SearchHit[]> {
    const result = await this.call('query', () =>
      this.index
        .namespace(collectionId)
        .query({ vector, topK, includeMetadata: true }),
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

  /** One attempt, 5 s at most, no retries: readiness must answer quickly. */
  async ping() {
    await callPinecone('describe', () => this.index.describeIndexStats(), {
      provider: 'pinecone',
      retries: 0,
      timeoutMs: 5000,
    });
  }

  private call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    return callPinecone(operation, fn, {
      provider: 'pinecone',
      retries: this.options.retries,
      timeoutMs: this.options.timeoutMs,
      onRetry: (error, attempt) =>
        this.logger.warn(
          { provider: 'pinecone', operation, attempt, err: error },
          'retrying Pinecone call',
        ),
    });
  }
}
