import type { DocumentRecord } from '../../store/MetadataStore.js';
import type { ChunkToStore } from '../../vector/VectorStore.js';

/**
 * The one owner of "a document and its chunks commit together": afterwards
 * the document is either listed with all of its chunks searchable, or absent.
 * The job is marked succeeded with the row, or JobSettledElsewhere is thrown
 * (another replica settled it) and the caller removes what was stored.
 */
export interface DocumentCommit {
  commit(
    doc: DocumentRecord,
    chunks: ChunkToStore[],
    /** Chunks stored ahead of the row; not called when one transaction writes both. */
    onStored: (count: number) => void | Promise<void>,
    jobId?: string,
  ): Promise<void>;
}
