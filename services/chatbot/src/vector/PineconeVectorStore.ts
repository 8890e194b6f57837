import type {
  Index,
  PineconeRecord as PineconeRecordOf,
  ScoredPineconeRecord,
} from '@pinecone-database/pinecone';
import type { Logger } from '../logger.js';
import { callPinecone, pineconeClient } from '../util/pinecone.js';
import {
  encodeChunk,
  searchableText,
  type SparseValues,
} from '../retrieval/sparse.js';
import type {
  ChunkToStore,
  SearchHit,
  UpsertingVectorStore,
} from './VectorStore.js';

type ChunkMetadata = {
  documentId: string;
  page: number;
  text: string;
  section?: string;
};

type PineconeRecord = PineconeRecordOf<ChunkMetadata>;

/**
 * Pinecone's documented limit is 2 MB or 1,000 records per upsert request,
 * and it recommends batches of about 100 for vectors with metadata. At 1,536
 * dimensions (text-embedding-3-small) 100 records are about 3.5 MB, so a
 * batch also ends before its JSON passes PINECONE_UPSERT_BYTES, leaving room
 * for the request's envelope.
 */
export const PINECONE_UPSERT_BATCH = 100;
export const PINECONE_UPSERT_BYTES = 1_500_000;
const METADATA_TEXT_LIMIT = 8_000; // metadata is capped at 40 KB per record

export interface PineconeOptions {
  apiKey: string;
  indexName: string;
  indexHost?: string;
  /** Where the index's host is looked up when indexHost is not given. */
  controllerHost?: string;
  retries: number;
  timeoutMs: number;
  /**
   * Sparse-dense records and queries (BM25 sparse values; needs a
   * `dotproduct` index). An index that refuses sparse values is written and
   * searched dense only, with a warning.
   */
  sparse: boolean;
  /** The dense half's weight in a hybrid query, 0..1; the sparse half gets the rest. */
  sparseAlpha: number;
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
  /** Off once the index refused sparse values (not a dotproduct index). */
  private sparseQueries: boolean;
  private sparseRecords: boolean;

  constructor(
    private readonly options: PineconeOptions,
    private readonly logger: Logger,
  ) {
    this.index = pineconeClient(options).index<ChunkMetadata>({
      name: options.indexName,
      host: options.indexHost,
    });
    this.sparseQueries = options.sparse;
    this.sparseRecords = options.sparse;
  }

  /** Whether searches take a sparse (BM25) half: the retriever builds one only then. */
  get sparse() {
    return this.sparseQueries;
  }

  async upsertChunks(
    collectionId: string,
    documentId: string,
    chunks: ChunkToStore[],
    onStored: (n: number) => void | Promise<void>,
  ) {
    const ns = this.index.namespace(collectionId);
    // Each record is built once (its sparse half is a BM25 pass over the
    // text), measured for the batch, then sent; dense only after a refusal.
    const upsert = (batch: PineconeRecord[]) =>
      this.call('upsert', () =>
        ns.upsert({
          records: this.sparseRecords ? batch : batch.map(denseOnly),
        }),
      );
    const records = chunks.map(c => this.record(documentId, c));
    for (const batch of upsertBatches(records)) {
      await upsert(batch).catch(error => {
        if (!this.sparseRecords || !refusedSparse(error)) throw error;
        this.refuseSparse(error);
        return upsert(batch);
      });
      await onStored(batch.length);
    }
  }

  private record(documentId: string, c: ChunkToStore): PineconeRecord {
    return {
      id: c.id,
      values: c.vector,
      ...(this.sparseRecords ? sparseValues(searchableText(c)) : {}),
      metadata: {
        documentId,
        page: c.page,
        text: c.text.slice(0, METADATA_TEXT_LIMIT),
        ...(c.section && { section: c.section }),
      },
    };
  }

  /** The index is not dotproduct: from now on it is written and searched dense only. */
  private refuseSparse(error: unknown) {
    this.sparseRecords = false;
    this.sparseQueries = false;
    this.logger.warn(
      { provider: 'pinecone', err: error },
      `Pinecone index ${this.options.indexName} refuses sparse values (its metric must be dotproduct): writing and searching dense only`,
    );
  }

  async deleteDocument(collectionId: string, documentId: string) {
    await this.call('delete', () =>
      this.index
        .namespace(collectionId)
        .deleteMany({ filter: { documentId: { $eq: documentId } } }),
    ).catch(unlessNamespaceMissing);
  }

  async deleteCollection(collectionId: string) {
    await this.call('delete', () =>
      this.index.namespace(collectionId).deleteAll(),
    ).catch(unlessNamespaceMissing);
  }

  /**
   * Hits may name documents that never committed; ChatService drops those.
   * With a sparse half, the query is Pinecone's convex combination: dense
   * values times alpha, sparse values times 1 - alpha.
   */
  async search(
    collectionId: string,
    vector: number[],
    topK: number,
    sparse?: SparseValues,
  ): Promise<SearchHit[]> {
    const query = (withSparse: boolean) =>
      this.call('query', () =>
        this.index.namespace(collectionId).query({
          vector: withSparse
            ? vector.map(v => v * this.options.sparseAlpha)
            : vector,
          ...(withSparse && sparse
            ? {
                sparseVector: {
                  indices: sparse.indices,
                  values: sparse.values.map(
                    v => v * (1 - this.options.sparseAlpha),
                  ),
                },
              }
            : {}),
          topK,
          includeMetadata: true,
        }),
      );
    const hybrid = this.sparseQueries && sparse !== undefined;
    const result = await query(hybrid)
      .catch(error => {
        if (!hybrid || !refusedSparse(error)) throw error;
        this.refuseSparse(error);
        return query(false);
      })
      // A collection with nothing stored yet has no namespace (404).
      .catch(error => (unlessNamespaceMissing(error), { matches: [] }));
    const matches: ScoredPineconeRecord<ChunkMetadata>[] = result.matches ?? [];
    const usable = matches.filter(isChunkMatch);
    if (usable.length < matches.length) {
      this.logger.warn(
        { provider: 'pinecone', skipped: matches.length - usable.length },
        `Pinecone returned matches in namespace ${collectionId} without this service's metadata (documentId, page, text): were other vectors written to it?`,
      );
    }
    return usable.map(m => ({
      chunkId: m.id,
      documentId: m.metadata.documentId,
      page: Number(m.metadata.page),
      text: m.metadata.text,
      ...(m.metadata.section && { section: String(m.metadata.section) }),
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

/** A record's sparse half, left out when the chunk has no terms (Pinecone refuses empty ones). */
function sparseValues(text: string) {
  const sparse = encodeChunk(text);
  return sparse.indices.length ? { sparseValues: sparse } : {};
}

/**
 * Records in upsert requests of at most PINECONE_UPSERT_BATCH records and
 * about PINECONE_UPSERT_BYTES of JSON (a record alone may be larger: its
 * metadata text is capped, its vector is what it is).
 */
export function* upsertBatches<T extends object>(records: T[]): Generator<T[]> {
  let batch: T[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = Buffer.byteLength(JSON.stringify(record));
    if (
      batch.length > 0 &&
      (batch.length === PINECONE_UPSERT_BATCH ||
        bytes + size > PINECONE_UPSERT_BYTES)
    ) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(record);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}

/** A record without its sparse half, for an index that refuses them. */
function denseOnly({ sparseValues: _sparse, ...dense }: PineconeRecord) {
  return dense;
}

/**
 * Deleting from a namespace that holds nothing (a collection never given a
 * document, or one already emptied) answers 404: there is nothing to delete.
 */
function unlessNamespaceMissing(error: unknown) {
  const cause = (error as { cause?: { name?: string } }).cause;
  if (cause?.name !== 'PineconeNotFoundError') throw error;
}

/**
 * Pinecone answers 400 to sparse values, in a record or a query, on an index
 * whose metric is not dotproduct. The SDK gives 400 and 403 one error name, so the message must
 * say it is about sparse values too; anything else is a real failure.
 */
function refusedSparse(error: unknown) {
  const cause = (error as { cause?: { name?: string; message?: string } })
    .cause;
  return (
    cause?.name === 'PineconeBadRequestError' &&
    /sparse|dotproduct/i.test(cause.message ?? '')
  );
}

/** A match carrying the metadata this store writes with every chunk. */
function isChunkMatch(
  match: ScoredPineconeRecord<ChunkMetadata>,
): match is ScoredPineconeRecord<ChunkMetadata> & { metadata: ChunkMetadata } {
  const m = match.metadata;
  return (
    typeof m?.documentId === 'string' &&
    typeof m.text === 'string' &&
    Number.isInteger(Number(m.page))
  );
}
