import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import {
  DuplicatePendingUpload,
  INTERRUPTED_JOB_ERROR,
  UnknownCollection,
  storableTurn,
  type ChatMessage,
  type DocumentRecord,
  type DocumentTermCounts,
  type TermChunks,
  type JobPatch,
  type JobRecord,
  type MetadataStore,
} from './MetadataStore.js';
import { JOB_COLUMNS, jobFromRow } from './records.js';

const now = () => new Date().toISOString();

const DOCUMENT_COLUMNS = `id, collection_id AS collectionId, filename, pages, chunks, bytes,
  sha256, created_at AS createdAt`;

/**
 * Metadata in the service's own SQLite file (store/database.ts). One process
 * owns the file, so this store serves a single replica. better-sqlite3 is
 * synchronous; the methods are async only to share the interface with
 * PostgreSQL.
 */
export class SqliteMetadataStore implements MetadataStore {
  readonly kind = 'sqlite';
  private readonly statements = new Map<string, Database.Statement>();

  constructor(readonly db: Database.Database) {}

  /** Compiles each SQL string once; chats and job updates reuse them. */
  private stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  async createCollection(id: string) {
    const result = this.stmt(
      'INSERT OR IGNORE INTO collections (id, created_at) VALUES (?, ?)',
    ).run(id, now());
    return { created: result.changes > 0 };
  }

  async collectionExists(id: string) {
    return !!this.stmt('SELECT 1 FROM collections WHERE id = ?').get(id);
  }

  async listCollections() {
    return this.stmt(
      `SELECT c.id, c.created_at AS createdAt, count(d.id) AS documents
       FROM collections c LEFT JOIN documents d ON d.collection_id = c.id
       GROUP BY c.id ORDER BY c.id`,
    ).all() as { id: string; createdAt: string; documents: number }[];
  }

  async deleteCollection(id: string) {
    // Its documents, jobs and conversations go with it (foreign keys, cascade).
    this.stmt('DELETE FROM collections WHERE id = ?').run(id);
  }

  async listDocuments(collectionId: string) {
    return this.stmt(
      `SELECT ${DOCUMENT_COLUMNS} FROM documents WHERE collection_id = ? ORDER BY created_at, id`,
    ).all(collectionId) as DocumentRecord[];
  }

  async getDocument(collectionId: string, id: string) {
    return this.stmt(
      `SELECT ${DOCUMENT_COLUMNS} FROM documents WHERE collection_id = ? AND id = ?`,
    ).get(collectionId, id) as DocumentRecord | undefined;
  }

  async documentWithHash(collectionId: string, sha256: string) {
    return this.stmt(
      `SELECT ${DOCUMENT_COLUMNS} FROM documents WHERE collection_id = ? AND sha256 = ?`,
    ).get(collectionId, sha256) as DocumentRecord | undefined;
  }

  async filenames(collectionId: string, documentIds: string[]) {
    const rows = this.stmt(
      'SELECT id, filename FROM documents WHERE collection_id = ? AND id IN (SELECT value FROM json_each(?))',
    ).all(collectionId, JSON.stringify(documentIds)) as {
      id: string;
      filename: string;
    }[];
    return new Map(rows.map(r => [r.id, r.filename]));
  }

  async insertDocument(
    doc: DocumentRecord,
    jobId?: string,
    termChunks?: Map<string, TermChunks>,
  ) {
    return this.db.transaction(() =>
      this.insertDocumentSync(doc, jobId, termChunks),
    )();
  }

  async termStatistics(collectionId: string, terms: string[]) {
    const { chunks } = this.stmt(
      `SELECT coalesce(sum(chunks), 0) AS chunks FROM documents d
       WHERE collection_id = ? AND EXISTS (SELECT 1 FROM document_terms t WHERE t.document_id = d.id)`,
    ).get(collectionId) as { chunks: number };
    const rows = this.stmt(
      `SELECT term, sum(chunks) AS n FROM document_terms
       WHERE collection_id = ? AND term IN (SELECT value FROM json_each(?))
       GROUP BY term`,
    ).all(collectionId, JSON.stringify(terms)) as { term: string; n: number }[];
    return { chunks, frequencies: new Map(rows.map(r => [r.term, r.n])) };
  }

  async documentTermCounts(collectionId: string, terms: string[]) {
    const documents = this.stmt(
      `SELECT id AS documentId, chunks,
              EXISTS (SELECT 1 FROM document_terms t WHERE t.document_id = d.id) AS counted
       FROM documents d WHERE collection_id = ?`,
    ).all(collectionId) as {
      documentId: string;
      chunks: number;
      counted: 0 | 1;
    }[];
    const rows = this.stmt(
      `SELECT document_id AS documentId, term, coalesce(text_chunks, chunks) AS chunks
       FROM document_terms
       WHERE collection_id = ? AND term IN (SELECT value FROM json_each(?))`,
    ).all(collectionId, JSON.stringify(terms)) as DocumentTermCounts['terms'];
    return {
      documents: documents.map(d => ({ ...d, counted: d.counted === 1 })),
      terms: rows,
    };
  }

  /** For ingest/commit/SqliteDocumentCommit, inside the transaction that stores the chunks. */
  insertDocumentSync(
    doc: DocumentRecord,
    jobId?: string,
    termChunks?: Map<string, TermChunks>,
  ): boolean {
    if (jobId) {
      const claimed = this.stmt(
        "UPDATE jobs SET status = 'succeeded', chunks_stored = ?, updated_at = ? WHERE id = ? AND status IN ('queued', 'running')",
      ).run(doc.chunks, now(), jobId);
      if (claimed.changes === 0) return false;
    }
    this.stmt(
      `INSERT INTO documents (id, collection_id, filename, pages, chunks, bytes, sha256, created_at)
       VALUES (@id, @collectionId, @filename, @pages, @chunks, @bytes, @sha256, @createdAt)`,
    ).run(doc);
    const insertTerm = this.stmt(
      'INSERT INTO document_terms (document_id, collection_id, term, chunks, text_chunks) VALUES (?, ?, ?, ?, ?)',
    );
    for (const [term, { chunks, textChunks }] of termChunks ?? []) {
      insertTerm.run(doc.id, doc.collectionId, term, chunks, textChunks);
    }
    return true;
  }

  async deleteDocument(collectionId: string, id: string) {
    return (
      this.stmt('DELETE FROM documents WHERE collection_id = ? AND id = ?').run(
        collectionId,
        id,
      ).changes > 0
    );
  }

  async createJob(collectionId: string, filename: string, sha256: string) {
    const job = newJob(
      randomUUID(),
      randomUUID(),
      collectionId,
      filename,
      now(),
    );
    try {
      this.db.transaction(() => {
        if (
          !this.stmt('SELECT 1 FROM collections WHERE id = ?').get(collectionId)
        )
          throw new UnknownCollection(collectionId);
        this.stmt(
          `INSERT INTO jobs (id, collection_id, document_id, filename, sha256, status, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)`,
        ).run(
          job.id,
          collectionId,
          job.documentId,
          filename,
          sha256,
          job.createdAt,
          job.updatedAt,
        );
      })();
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
        throw new DuplicatePendingUpload(filename);
      throw error;
    }
    return job;
  }

  async updateJob(id: string, patch: JobPatch) {
    const sets = Object.keys(patch).map(
      key => `${JOB_COLUMNS[key as keyof JobPatch]} = @${key}`,
    );
    const result = this.stmt(
      `UPDATE jobs SET ${[...sets, 'updated_at = @updatedAt'].join(', ')}
       WHERE id = @id AND status IN ('queued', 'running')`,
    ).run({ ...patch, id, updatedAt: now() });
    return result.changes > 0;
  }

  async getJob(id: string) {
    const row = this.stmt('SELECT * FROM jobs WHERE id = ?').get(id) as
      | Record<string, any>
      | undefined;
    return row ? jobFromRow(row) : undefined;
  }

  async touchJobs(ids: string[]) {
    this.stmt(
      'UPDATE jobs SET updated_at = ? WHERE id IN (SELECT value FROM json_each(?))',
    ).run(now(), JSON.stringify(ids));
  }

  async settleInterruptedJobs(staleAfterMs: number) {
    const rows = this.stmt(
      `SELECT j.*, d.id AS committed FROM jobs j LEFT JOIN documents d ON d.id = j.document_id
       WHERE j.status IN ('queued', 'running') AND j.updated_at <= ?`,
    ).all(new Date(Date.now() - staleAfterMs).toISOString()) as Record<
      string,
      any
    >[];
    const failed: JobRecord[] = [];
    for (const row of rows) {
      if (row.committed) {
        await this.updateJob(row.id, { status: 'succeeded' });
        continue;
      }
      await this.updateJob(row.id, {
        status: 'failed',
        error: INTERRUPTED_JOB_ERROR,
      });
      failed.push((await this.getJob(row.id))!);
    }
    return failed;
  }

  async pendingJobWithHash(collectionId: string, sha256: string) {
    const row = this.stmt(
      "SELECT * FROM jobs WHERE collection_id = ? AND sha256 = ? AND status IN ('queued', 'running') LIMIT 1",
    ).get(collectionId, sha256) as Record<string, any> | undefined;
    return row ? jobFromRow(row) : undefined;
  }

  async pendingJobForDocument(collectionId: string, documentId: string) {
    const row = this.stmt(
      "SELECT * FROM jobs WHERE collection_id = ? AND document_id = ? AND status IN ('queued', 'running') LIMIT 1",
    ).get(collectionId, documentId) as Record<string, any> | undefined;
    return row ? jobFromRow(row) : undefined;
  }

  async startConversation(collectionId: string) {
    const id = randomUUID();
    this.stmt(
      'INSERT INTO conversations (id, collection_id, created_at) VALUES (?, ?, ?)',
    ).run(id, collectionId, now());
    return id;
  }

  async conversationInCollection(id: string, collectionId: string) {
    return !!this.stmt(
      'SELECT 1 FROM conversations WHERE id = ? AND collection_id = ?',
    ).get(id, collectionId);
  }

  async recentMessages(conversationId: string, turns: number) {
    const rows = this.stmt(
      'SELECT role, content FROM messages WHERE conversation_id = ? ORDER BY seq DESC LIMIT ?',
    ).all(conversationId, turns * 2) as ChatMessage[];
    return rows.reverse();
  }

  async appendMessages(conversationId: string, messages: ChatMessage[]) {
    this.db.transaction(() => {
      const { next } = this.stmt(
        'SELECT coalesce(max(seq), 0) + 1 AS next FROM messages WHERE conversation_id = ?',
      ).get(conversationId) as { next: number };
      const insert = this.stmt(
        'INSERT INTO messages (conversation_id, seq, role, content) VALUES (?, ?, ?, ?)',
      );
      messages
        .map(storableTurn)
        .forEach((m, i) =>
          insert.run(conversationId, next + i, m.role, m.content),
        );
    })();
  }

  async ping() {
    this.stmt('SELECT 1').get();
  }

  async close() {
    this.db.close();
  }
}

function newJob(
  id: string,
  documentId: string,
  collectionId: string,
  filename: string,
  at: string,
): JobRecord {
  return {
    id,
    collectionId,
    documentId,
    filename,
    status: 'queued',
    progress: {
      pagesTotal: 0,
      pagesParsed: 0,
      chunksEmbedded: 0,
      chunksStored: 0,
    },
    createdAt: at,
    updatedAt: at,
  };
}
