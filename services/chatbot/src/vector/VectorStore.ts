import type { SparseValues } from '../retrieval/sparse.js';

export interface ChunkToStore {
  id: string;
  page: number;
  text: string;
  /** Section titles from the PDF's outline, searched with the text. */
  section?: string;
  vector: number[];
}

export interface SearchHit {
  chunkId: string;
  documentId: string;
  page: number;
  text: string;
  /** Section titles, where the store keeps them (they count for coverage). */
  section?: string;
  score: number;
}

/**
 * Where chunk vectors live. Vectors only: the document's row and its job are
 * the metadata store's, and ingest/commit/ owns committing the two together.
 */
export interface VectorStore {
  readonly name: string;
  deleteDocument(collectionId: string, documentId: string): Promise<void>;
  deleteCollection(collectionId: string): Promise<void>;
  /** Nearest chunks; callers keep only hits whose document is committed. */
  search(
    collectionId: string,
    vector: number[],
    topK: number,
    /** A BM25 half, for stores that rank sparse-dense (`sparse`). */
    sparse?: SparseValues,
  ): Promise<SearchHit[]>;
  /** True when search ranks a sparse half too (Pinecone on a dotproduct index). */
  readonly sparse?: boolean;
  /** Throws when the store cannot serve requests; used by /readyz. */
  ping(): Promise<void>;
}

/**
 * A store written ahead of the document's row (Pinecone), for
 * ingest/commit/VectorsThenRowCommit. The embedded store is not one: its
 * chunks reference the row, so SqliteDocumentCommit writes both at once.
 */
export interface UpsertingVectorStore extends VectorStore {
  upsertChunks(
    collectionId: string,
    documentId: string,
    chunks: ChunkToStore[],
    onStored: (count: number) => void | Promise<void>,
  ): Promise<void>;
}
