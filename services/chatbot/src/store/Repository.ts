import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';

export interface DocumentRecord {
  id: string;
  collectionId: string;
  filename: string;
  pages: number;
  chunks: number;
  bytes: number;
  sha256: string;
  createdAt: string;
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface JobRecord {
  id: string;
  collectionId: string;
  documentId: string;
  filename: string;
  status: JobStatus;
  progress: {
    pagesTotal: number;
    pagesParsed: number;
    chunksEmbedded: number;
    chunksStored: number;
  };
  error?: string;
  createdAt: string;
  updatedAt: string;
}

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

const now = () => new Date().toISOString();

/** Metadata access: collections, documents, jobs and conversation memory. */
export class Repository {
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

  createCollection(id: string): { created: boolean } {
    const result = this.stmt('INSERT OR IGNORE INTO collections (id, created_at) VALUES (?, ?)')
      .run(id, now());
    return { created: result.changes > 0 };
  }

  collectionExists(id: string): boolean {
    return !!this.stmt('SELECT 1 FROM collections WHERE id = ?').get(id);
  }

  listCollections(): { id: string; createdAt: string; documents: number }[] {
    return this.stmt(
        `SELECT c.id, c.created_at AS createdAt, count(d.id) AS documents
         FROM collections c LEFT JOIN documents d ON d.collection_id = c.id
         GROUP BY c.id ORDER BY c.id`,
      )
      .all() as { id: string; createdAt: string; documents: number }[];
  }

  deleteCollection(id: string): void {
    this.db.transaction(() => {
      this.stmt('DELETE FROM chunks WHERE collection_id = ?').run(id);
      this.stmt('DELETE FROM jobs WHERE collection_id = ?').run(id);
      this.stmt('DELETE FROM collections WHERE id = ?').run(id);
    })();
  }

  listDocuments(collectionId: string): DocumentRecord[] {
    return this.stmt(
        `SELECT id, collection_id AS collectionId, filename, pages, chunks, bytes,
                sha256, created_at AS createdAt
         FROM documents WHERE collection_id = ? ORDER BY created_at, id`,
      )
      .all(collectionId) as DocumentRecord[];
  }

  getDocument(collectionId: string, id: string): DocumentRecord | undefined {
    return this.listDocumentsWhere('collection_id = ? AND id = ?', collectionId, id)[0];
  }

  /** Filenames of the given documents that exist in the collection. */
  filenames(collectionId: string, documentIds: string[]): Map<string, string> {
    const rows = this.stmt(
      'SELECT id, filename FROM documents WHERE collection_id = ? AND id IN (SELECT value FROM json_each(?))',
    ).all(collectionId, JSON.stringify(documentIds)) as { id: string; filename: string }[];
    return new Map(rows.map(r => [r.id, r.filename]));
  }

  private listDocumentsWhere(where: string, ...args: unknown[]): DocumentRecord[] {
    return this.stmt(
        `SELECT id, collection_id AS collectionId, filename, pages, chunks, bytes,
                sha256, created_at AS createdAt FROM documents WHERE ${where}`,
      )
      .all(...args) as DocumentRecord[];
  }

  /** Inserts the document row; call inside the transaction that stores its chunks. */
  insertDocument(doc: DocumentRecord): void {
    this.stmt(
        `INSERT INTO documents (id, collection_id, filename, pages, chunks, bytes, sha256, created_at)
         VALUES (@id, @collectionId, @filename, @pages, @chunks, @bytes, @sha256, @createdAt)`,
      )
      .run(doc);
  }

  deleteDocument(collectionId: string, id: string): boolean {
    return this.db.transaction(() => {
      this.stmt('DELETE FROM chunks WHERE document_id = ?').run(id);
      return (
        this.stmt('DELETE FROM documents WHERE collection_id = ? AND id = ?')
          .run(collectionId, id).changes > 0
      );
    })();
  }

  createJob(collectionId: string, filename: string, sha256: string): JobRecord {
    const job: JobRecord = {
      id: randomUUID(),
      collectionId,
      documentId: randomUUID(),
      filename,
      status: 'queued',
      progress: { pagesTotal: 0, pagesParsed: 0, chunksEmbedded: 0, chunksStored: 0 },
      createdAt: now(),
      updatedAt: now(),
    };
    this.stmt(
        `INSERT INTO jobs (id, collection_id, document_id, filename, sha256, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)`,
      )
      .run(job.id, collectionId, job.documentId, filename, sha256, job.createdAt, job.updatedAt);
    return job;
  }

  updateJob(
    id: string,
    patch: Partial<JobRecord['progress']> & { status?: JobStatus; error?: string },
  ): void {
    const columns: Record<string, string> = {
      status: 'status',
      error: 'error',
      pagesTotal: 'pages_total',
      pagesParsed: 'pages_parsed',
      chunksEmbedded: 'chunks_embedded',
      chunksStored: 'chunks_stored',
    };
    const sets = Object.keys(patch).map(key => `${columns[key]} = @${key}`);
    this.stmt(`UPDATE jobs SET ${[...sets, 'updated_at = @updatedAt'].join(', ')} WHERE id = @id`)
      .run({ ...patch, id, updatedAt: now() });
  }

  getJob(id: string): JobRecord | undefined {
    const row = this.stmt('SELECT * FROM jobs WHERE id = ?').get(id) as
      | Record<string, any>
      | undefined;
    if (!row) return undefined;
    return {
      id: row.id,
      collectionId: row.collection_id,
      documentId: row.document_id,
      filename: row.filename,
      status: row.status,
      progress: {
        pagesTotal: row.pages_total,
        pagesParsed: row.pages_parsed,
        chunksEmbedded: row.chunks_embedded,
        chunksStored: row.chunks_stored,
      },
      ...(row.error ? { error: row.error } : {}),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  /**
   * Jobs left queued or running by a process that died. A job whose document
   * row exists did commit (the process died just after), so it succeeded;
   * the others never committed and are marked failed with the reason.
   * Returns the failed ones, whose partial vectors the caller removes.
   */
  settleInterruptedJobs(): JobRecord[] {
    const rows = this.stmt("SELECT id, document_id, collection_id FROM jobs WHERE status IN ('queued', 'running')").all() as {
      id: string;
      document_id: string;
      collection_id: string;
    }[];
    const failed: JobRecord[] = [];
    for (const row of rows) {
      if (this.getDocument(row.collection_id, row.document_id)) {
        this.updateJob(row.id, { status: 'succeeded' });
        continue;
      }
      this.updateJob(row.id, {
        status: 'failed',
        error: 'interrupted: the service restarted before ingestion finished; upload the file again',
      });
      failed.push(this.getJob(row.id)!);
    }
    return failed;
  }

  /** Fails jobs still waiting in the queue when the service shuts down. */
  failJob(id: string, error: string): void {
    this.updateJob(id, { status: 'failed', error });
  }

  /** A queued or running job for the same file in the collection, if any. */
  pendingJobWithHash(collectionId: string, sha256: string): JobRecord | undefined {
    const row = this.stmt(
      "SELECT id FROM jobs WHERE collection_id = ? AND sha256 = ? AND status IN ('queued', 'running') LIMIT 1",
    ).get(collectionId, sha256) as { id: string } | undefined;
    return row ? this.getJob(row.id) : undefined;
  }

  startConversation(collectionId: string): string {
    const id = randomUUID();
    this.stmt('INSERT INTO conversations (id, collection_id, created_at) VALUES (?, ?, ?)')
      .run(id, collectionId, now());
    return id;
  }

  conversationInCollection(id: string, collectionId: string): boolean {
    return !!this.stmt('SELECT 1 FROM conversations WHERE id = ? AND collection_id = ?')
      .get(id, collectionId);
  }

  recentMessages(conversationId: string, turns: number): ChatMessage[] {
    const rows = this.stmt(
        'SELECT role, content FROM messages WHERE conversation_id = ? ORDER BY seq DESC LIMIT ?',
      )
      .all(conversationId, turns * 2) as ChatMessage[];
    return rows.reverse();
  }

  appendMessages(conversationId: string, messages: ChatMessage[]): void {
    this.db.transaction(() => {
      const { next } = this.stmt('SELECT coalesce(max(seq), 0) + 1 AS next FROM messages WHERE conversation_id = ?')
        .get(conversationId) as { next: number };
      const insert = this.stmt(
        'INSERT INTO messages (conversation_id, seq, role, content) VALUES (?, ?, ?, ?)',
      );
      messages.forEach((m, i) => insert.run(conversationId, next + i, m.role, m.content));
    })();
  }
}
