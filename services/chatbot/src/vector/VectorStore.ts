import type { DocumentRecord } from '../store/MetadataStore.js';

export interface ChunkToStore {
  id: string;
  page: number;
  text: string;
  vector: number[];
}

export interface SearchHit {
  chunkId: string;
  documentId: string;
  page: number;
  text: string;
  score: number;
}

/**
 * Where chunk vectors live. `commitDocument` must leave the document either
 * fully stored and listed, or absent: the metadata row is written last, in
 * the same transaction where the store allows it.
 */
export interface VectorStore {
  readonly name: string;
  commitDocument(
    doc: DocumentRecord,
    chunks: ChunkToStore[],
    onStored: (count: number) => void | Promise<void>,
    /** The ingestion job: marked succeeded with the row, or JobSettledElsewhere is thrown. */
    jobId?: string,
  ): Promise<void>;
  deleteDocument(collectionId: string, documentId: string): Promise<void>;
  deleteCollection(collectionId: string): Promise<void>;
  /** Nearest chunks; callers keep only hits whose document is committed. */
  search(collectionId: string, vector: number[], topK: number): Promise<SearchHit[]>;
  /** Throws when the store cannot serve requests; used by /readyz. */
  ping(): Promise<void>;
}
