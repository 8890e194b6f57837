import type Database from 'better-sqlite3';
import type { ChunkToStore, SearchHit, VectorStore } from './VectorStore.js';

interface CollectionIndex {
  dim: number;
  count: number;
  matrix: Float32Array; // count × dim, rows L2-normalised
  chunkIds: string[];
  documentIds: string[];
}

/** Chunks checked and normalised, ready to write in the caller's transaction. */
export interface StagedChunks {
  collectionId: string;
  documentId: string;
  chunks: ChunkToStore[];
  vectors: Float32Array[];
}

/**
 * The default store: chunks and vectors in the service's SQLite file (so a
 * document and its chunks commit in one transaction), searched by an exact
 * in-memory scan per collection. A flat scan keeps recall exact and, at the
 * offline embedding's 256 dimensions, answers 100k chunks well inside 50 ms
 * (see bench/). Collections load lazily on first use.
 */
export class EmbeddedVectorStore implements VectorStore {
  readonly name = 'embedded';
  private readonly indexes = new Map<string, CollectionIndex>();
  private readonly insertChunk: Database.Statement;
  private readonly chunkText: Database.Statement;
  private readonly storedDimension: Database.Statement;

  /** Shares the service's SQLite file (the chunks table) with SqliteMetadataStore. */
  constructor(private readonly db: Database.Database) {
    this.insertChunk = db.prepare(
      'INSERT INTO chunks (id, document_id, collection_id, page, text, section, embedding) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.chunkText = db.prepare('SELECT page, text FROM chunks WHERE id = ?');
    this.storedDimension = db.prepare(
      'SELECT length(embedding) / 4 AS dim FROM chunks WHERE collection_id = ? LIMIT 1',
    );
  }

  /** Normalises the vectors; refuses a dimension the collection does not hold. */
  stage(
    collectionId: string,
    documentId: string,
    chunks: ChunkToStore[],
  ): StagedChunks {
    const vectors = chunks.map(c => normalise(Float32Array.from(c.vector)));
    const stored = this.storedDimension.get(collectionId) as
      | { dim: number }
      | undefined;
    const dim = stored?.dim;
    if (dim && vectors.some(v => v.length !== dim)) {
      throw new Error(
        `the embeddings have ${vectors[0].length} dimensions but this collection holds ${dim}-dimension vectors; use a new collection after changing the embeddings model`,
      );
    }
    return { collectionId, documentId, chunks, vectors };
  }

  /** Writes staged chunks; runs inside the caller's transaction. */
  writeSync({ collectionId, documentId, chunks, vectors }: StagedChunks) {
    chunks.forEach((c, i) =>
      this.insertChunk.run(
        c.id,
        documentId,
        collectionId,
        c.page,
        c.text,
        c.section ?? '',
        Buffer.from(vectors[i].buffer),
      ),
    );
  }

  /** After the transaction committed: a loaded index learns the new rows. */
  published({ collectionId, documentId, chunks, vectors }: StagedChunks) {
    const index = this.indexes.get(collectionId);
    if (index)
      chunks.forEach((c, i) => append(index, c.id, documentId, vectors[i]));
  }

  async deleteDocument(
    collectionId: string,
    documentId: string,
  ): Promise<void> {
    this.db
      .prepare('DELETE FROM chunks WHERE collection_id = ? AND document_id = ?')
      .run(collectionId, documentId);
    const index = this.indexes.get(collectionId);
    if (index) removeDocument(index, documentId);
  }

  async deleteCollection(collectionId: string): Promise<void> {
    this.db
      .prepare('DELETE FROM chunks WHERE collection_id = ?')
      .run(collectionId);
    this.indexes.delete(collectionId);
  }

  async search(
    collectionId: string,
    vector: number[],
    topK: number,
  ): Promise<SearchHit[]> {
    const index = this.load(collectionId);
    if (index.count === 0) return [];
    if (vector.length !== index.dim) {
      throw new Error(
        `query vector has ${vector.length} dimensions but the collection was embedded with ${index.dim}; re-ingest after changing the embeddings model`,
      );
    }
    const query = normalise(Float32Array.from(vector));
    const top = topKByDot(index, query, topK);
    return top.flatMap(({ row, score }) => {
      // Gone when its document's row was deleted and the index is not yet told.
      const chunk = this.chunkText.get(index.chunkIds[row]) as
        | { page: number; text: string }
        | undefined;
      if (!chunk) return [];
      return [
        {
          chunkId: index.chunkIds[row],
          documentId: index.documentIds[row],
          page: chunk.page,
          text: chunk.text,
          score,
        },
      ];
    });
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  /** Bytes held in memory for a collection's vectors and ids (benchmarks). */
  memoryBytes(collectionId: string): number {
    const index = this.load(collectionId);
    const ids = index.chunkIds.reduce((n, id) => n + id.length * 2 + 16, 0) * 2;
    return index.matrix.byteLength + ids;
  }

  private load(collectionId: string): CollectionIndex {
    let index = this.indexes.get(collectionId);
    if (index) return index;
    const rows = this.db
      .prepare(
        'SELECT id, document_id, embedding FROM chunks WHERE collection_id = ?',
      )
      .all(collectionId) as {
      id: string;
      document_id: string;
      embedding: Buffer;
    }[];
    const dim = rows.length ? rows[0].embedding.byteLength / 4 : 0;
    index = {
      dim,
      count: 0,
      matrix: new Float32Array(Math.max(rows.length, 16) * dim),
      chunkIds: [],
      documentIds: [],
    };
    for (const row of rows) {
      const view = new Float32Array(
        row.embedding.buffer,
        row.embedding.byteOffset,
        dim,
      );
      append(index, row.id, row.document_id, view);
    }
    this.indexes.set(collectionId, index);
    return index;
  }
}

function normalise(v: Float32Array): Float32Array {
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += v[i] * v[i];
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < v.length; i++) v[i] /= norm;
  return v;
}

/** Compacts the document's rows out of the matrix, keeping the others' order. */
function removeDocument(index: CollectionIndex, documentId: string) {
  let kept = 0;
  for (let row = 0; row < index.count; row++) {
    if (index.documentIds[row] === documentId) continue;
    if (kept !== row) {
      index.matrix.copyWithin(
        kept * index.dim,
        row * index.dim,
        (row + 1) * index.dim,
      );
      index.chunkIds[kept] = index.chunkIds[row];
      index.documentIds[kept] = index.documentIds[row];
    }
    kept++;
  }
  index.count = kept;
  index.chunkIds.length = kept;
  index.documentIds.length = kept;
}

function append(
  index: CollectionIndex,
  chunkId: string,
  documentId: string,
  v: Float32Array,
) {
  if (index.dim === 0) {
    index.dim = v.length;
    index.matrix = new Float32Array(16 * v.length);
  }
  if ((index.count + 1) * index.dim > index.matrix.length) {
    const grown = new Float32Array(
      Math.max(index.matrix.length * 2, (index.count + 1) * index.dim),
    );
    grown.set(index.matrix);
    index.matrix = grown;
  }
  index.matrix.set(v, index.count * index.dim);
  index.chunkIds.push(chunkId);
  index.documentIds.push(documentId);
  index.count++;
}

/**
 * The query's non-zero dimensions, or undefined when it is dense. A question
 * embedded by the offline default sets a few dozen of its 256 dimensions;
 * scoring only those gives the same sums (the skipped terms are zero) for a
 * fraction of the reads. Model embeddings are dense and take the full loop.
 */
function sparseTerms(
  q: Float32Array,
): { dims: Int32Array; values: Float32Array } | undefined {
  const dims: number[] = [];
  for (let j = 0; j < q.length; j++) if (q[j] !== 0) dims.push(j);
  if (dims.length * 4 > q.length) return undefined;
  return {
    dims: Int32Array.from(dims),
    values: Float32Array.from(dims, j => q[j]),
  };
}

function topKByDot(index: CollectionIndex, q: Float32Array, k: number) {
  const { matrix, dim, count } = index;
  const sparse = sparseTerms(q);
  const best: { row: number; score: number }[] = [];
  let floor = -Infinity;
  for (let row = 0; row < count; row++) {
    let s = 0;
    const base = row * dim;
    if (sparse) {
      const { dims, values } = sparse;
      for (let t = 0; t < dims.length; t++)
        s += matrix[base + dims[t]] * values[t];
    } else {
      for (let j = 0; j < dim; j++) s += matrix[base + j] * q[j];
    }
    if (best.length < k || s > floor) {
      best.push({ row, score: s });
      best.sort((a, b) => b.score - a.score);
      if (best.length > k) best.pop();
      floor = best[best.length - 1].score;
    }
  }
  return best;
}
