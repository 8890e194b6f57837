import type Database from 'better-sqlite3';
import {
  JobSettledElsewhere,
  type DocumentRecord,
} from '../../store/MetadataStore.js';
import type { SqliteMetadataStore } from '../../store/SqliteMetadataStore.js';
import type { EmbeddedVectorStore } from '../../vector/EmbeddedVectorStore.js';
import type { ChunkToStore } from '../../vector/VectorStore.js';
import type { DocumentCommit } from './DocumentCommit.js';
import { documentTermChunks } from '../../retrieval/sparse.js';

/** Metadata and embedded vectors share one SQLite file: one transaction writes both. */
export class SqliteDocumentCommit implements DocumentCommit {
  constructor(
    private readonly db: Database.Database,
    private readonly metadata: SqliteMetadataStore,
    private readonly vectors: EmbeddedVectorStore,
  ) {}

  async commit(
    doc: DocumentRecord,
    chunks: ChunkToStore[],
    // The transaction below sets chunksStored with the row: nothing to report.
    _onStored: (count: number) => void | Promise<void>,
    jobId?: string,
  ) {
    // Which documents a question names is read from these (Retriever).
    const terms = await documentTermChunks(chunks);
    const staged = this.vectors.stage(doc.collectionId, doc.id, chunks);
    this.db.transaction(() => {
      // Thrown inside the transaction, so the chunks roll back with it.
      if (!this.metadata.insertDocumentSync(doc, jobId, terms))
        throw new JobSettledElsewhere(jobId!);
      this.vectors.writeSync(staged);
    })();
    this.vectors.published(staged);
  }
}
