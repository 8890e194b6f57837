import {
  JobSettledElsewhere,
  type DocumentRecord,
  type MetadataStore,
} from '../../store/MetadataStore.js';
import type {
  ChunkToStore,
  UpsertingVectorStore,
} from '../../vector/VectorStore.js';
import type { DocumentCommit } from './DocumentCommit.js';
import { documentTermChunks } from '../../retrieval/sparse.js';

/**
 * Vectors in a separate store (Pinecone): they go first and the row last, so
 * a document is listed only once all of its vectors are stored. Vectors
 * without a row are invisible to answers (hits are kept only for committed
 * documents) and the caller, or the job reaper, removes them.
 */
export class VectorsThenRowCommit implements DocumentCommit {
  constructor(
    private readonly vectors: UpsertingVectorStore,
    private readonly metadata: MetadataStore,
  ) {}

  async commit(
    doc: DocumentRecord,
    chunks: ChunkToStore[],
    onStored: (count: number) => void | Promise<void>,
    jobId?: string,
  ) {
    await this.vectors.upsertChunks(doc.collectionId, doc.id, chunks, onStored);
    // The collection's term counts come and go with the row: the store
    // keeps no text index, and retrieval weighs terms and declines by them.
    const terms = await documentTermChunks(chunks);
    if (!(await this.metadata.insertDocument(doc, jobId, terms)))
      throw new JobSettledElsewhere(jobId!);
  }
}
