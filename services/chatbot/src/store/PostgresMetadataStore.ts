import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  DuplicatePendingUpload,
  INTERRUPTED_JOB_ERROR,
  UnknownCollection,
  storableTurn,
  type ChatMessage,
  type DocumentRecord,
  type JobPatch,
  type MetadataStore,
  type TermChunks,
} from './MetadataStore.js';
import { isUuid } from '../util/ids.js';
import { migratePostgres } from './migrate.js';
import { JOB_COLUMNS, jobFromRow } from './records.js';

export interface PostgresOptions {
  /** A postgres:// URL; unset, node-postgres reads PGHOST, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE. */
  connectionString?: string;
  poolSize: number;
  timeoutMs: number;
  /**
   * PEM of the server's CA (Cloud SQL: the instance's server CA). The chain
   * is verified; the host name is not, since Cloud SQL certificates name the
   * instance, not the private IP. Unset, PGSSLMODE applies.
   */
  sslCa?: string;
  /** Errors of idle pooled connections (the pool replaces them). */
  onPoolError?: (error: Error) => void;
}

const DOCUMENT_COLUMNS = `id, collection_id AS "collectionId", filename, pages, chunks, bytes,
  sha256, created_at AS "createdAt"`;

const asDocument = (row: Record<string, any>): DocumentRecord => ({
  ...(row as DocumentRecord),
  createdAt: (row.createdAt as Date).toISOString(),
});

/**
 * Metadata in a PostgreSQL database that every replica shares, so uploads,
 * job status and conversation memory survive a pod going away and any pod
 * can serve any request. Times come from the database clock, so replicas
 * with skewed clocks agree on which job heartbeats are stale.
 */
export class PostgresMetadataStore implements MetadataStore {
  readonly kind = 'postgres';

  private constructor(private readonly pool: pg.Pool) {}

  static async connect(
    options: PostgresOptions,
  ): Promise<PostgresMetadataStore> {
    const connection: pg.ClientConfig = {
      connectionString: options.connectionString,
      connectionTimeoutMillis: options.timeoutMs,
      statement_timeout: options.timeoutMs,
      query_timeout: options.timeoutMs,
      application_name: 'llm-chatbot',
      ...(options.sslCa
        ? { ssl: { ca: options.sslCa, checkServerIdentity: () => undefined } }
        : {}),
    };
    const pool = new pg.Pool({ ...connection, max: options.poolSize });
    // An idle client's broken connection must not crash the process.
    pool.on('error', error => options.onPoolError?.(error));
    const client = await pool.connect().catch(async error => {
      await pool.end();
      throw new Error(
        `cannot connect to PostgreSQL for metadata: ${
          (error as Error).message
        }`,
        { cause: error },
      );
    });
    try {
      // Migrations may take longer than a request may.
      await migratePostgres(client, {
        ...connection,
        statement_timeout: 0,
        query_timeout: undefined,
      });
      client.release();
    } catch (error) {
      client.release(error as Error); // the session, and its lock, are closed
      await pool.end();
      throw new Error(
        `cannot migrate the metadata schema in PostgreSQL: ${
          (error as Error).message
        }`,
        { cause: error },
      );
    }
    return new PostgresMetadataStore(pool);
  }

  private async rows<T = Record<string, any>>(
    sql: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    return (await this.pool.query(sql, params)).rows as T[];
  }

  private async transaction<T>(
    work: (client: pg.PoolClient) => Promise<T>,
  ): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      const rolledBack = await client.query('ROLLBACK').then(
        () => true,
        () => false,
      );
      client.release(rolledBack ? undefined : (error as Error)); // a broken session leaves the pool
      throw error;
    }
  }

  async createCollection(id: string) {
    const rows = await this.rows(
      'INSERT INTO collections (id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING id',
      [id],
    );
    return { created: rows.length > 0 };
  }

  async collectionExists(id: string) {
    return (
      (await this.rows('SELECT 1 FROM collections WHERE id = $1', [id]))
        .length > 0
    );
  }

  async listCollections() {
    const rows = await this.rows(
      `SELECT c.id, c.created_at, count(d.id)::int AS documents
       FROM collections c LEFT JOIN documents d ON d.collection_id = c.id
       GROUP BY c.id ORDER BY c.id`,
    );
    return rows.map(r => ({
      id: r.id,
      createdAt: (r.created_at as Date).toISOString(),
      documents: r.documents,
    }));
  }

  async deleteCollection(id: string) {
    await this.rows('DELETE FROM collections WHERE id = $1', [id]); // documents, jobs, conversations cascade
  }

  async listDocuments(collectionId: string) {
    const rows = await this.rows(
      `SELECT ${DOCUMENT_COLUMNS} FROM documents WHERE collection_id = $1 ORDER BY created_at, id`,
      [collectionId],
    );
    return rows.map(asDocument);
  }

  async documentWithHash(collectionId: string, sha256: string) {
    const [row] = await this.rows(
      `SELECT ${DOCUMENT_COLUMNS} FROM documents WHERE collection_id = $1 AND sha256 = $2`,
      [collectionId, sha256],
    );
    return row ? asDocument(row) : undefined;
  }

  async getDocument(collectionId: string, id: string) {
    if (!isUuid(id)) return undefined;
    const rows = await this.rows(
      `SELECT ${DOCUMENT_COLUMNS} FROM documents WHERE collection_id = $1 AND id = $2`,
      [collectionId, id],
    );
    return rows[0] ? asDocument(rows[0]) : undefined;
  }

  async filenames(collectionId: string, documentIds: string[]) {
    const ids = documentIds.filter(id => isUuid(id));
    const rows = await this.rows<{ id: string; filename: string }>(
      'SELECT id, filename FROM documents WHERE collection_id = $1 AND id = ANY($2::uuid[])',
      [collectionId, ids],
    );
    return new Map(rows.map(r => [r.id, r.filename]));
  }

  async insertDocument(
    doc: DocumentRecord,
    jobId?: string,
    termChunks?: Map<string, TermChunks>,
  ) {
    return this.transaction(async client => {
      if (jobId) {
        const claimed = await client.query(
          "UPDATE jobs SET status = 'succeeded', chunks_stored = $2, updated_at = now() WHERE id = $1 AND status IN ('queued', 'running')",
          [jobId, doc.chunks],
        );
        if (claimed.rowCount === 0) return false; // the transaction commits nothing
      }
      await client.query(
        `INSERT INTO documents (id, collection_id, filename, pages, chunks, bytes, sha256, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          doc.id,
          doc.collectionId,
          doc.filename,
          doc.pages,
          doc.chunks,
          doc.bytes,
          doc.sha256,
          doc.createdAt,
        ],
      );
      if (termChunks?.size) {
        // One statement for thousands of terms: arrays unnested server-side.
        await client.query(
          `INSERT INTO document_terms (document_id, collection_id, term, chunks, text_chunks)
           SELECT $1, $2, term, chunks, text_chunks
           FROM unnest($3::text[], $4::int[], $5::int[]) AS t(term, chunks, text_chunks)`,
          [
            doc.id,
            doc.collectionId,
            [...termChunks.keys()],
            [...termChunks.values()].map(c => c.chunks),
            [...termChunks.values()].map(c => c.textChunks),
          ],
        );
      }
      return true;
    });
  }

  async termStatistics(collectionId: string, terms: string[]) {
    const [{ chunks }] = await this.rows<{ chunks: string }>(
      `SELECT coalesce(sum(chunks), 0) AS chunks FROM documents d
       WHERE collection_id = $1 AND EXISTS (SELECT 1 FROM document_terms t WHERE t.document_id = d.id)`,
      [collectionId],
    );
    const rows = await this.rows<{ term: string; n: string }>(
      `SELECT term, sum(chunks) AS n FROM document_terms
       WHERE collection_id = $1 AND term = ANY($2::text[]) GROUP BY term`,
      [collectionId, terms],
    );
    return {
      chunks: Number(chunks),
      frequencies: new Map(rows.map(r => [r.term, Number(r.n)])),
    };
  }

  async documentTermCounts(collectionId: string, terms: string[]) {
    const documents = await this.rows<{
      documentId: string;
      chunks: number;
      counted: boolean;
    }>(
      `SELECT id AS "documentId", chunks,
              EXISTS (SELECT 1 FROM document_terms t WHERE t.document_id = d.id) AS counted
       FROM documents d WHERE collection_id = $1`,
      [collectionId],
    );
    const rows = await this.rows<{
      documentId: string;
      term: string;
      chunks: number;
    }>(
      `SELECT document_id AS "documentId", term, coalesce(text_chunks, chunks) AS chunks
       FROM document_terms WHERE collection_id = $1 AND term = ANY($2::text[])`,
      [collectionId, terms],
    );
    return { documents, terms: rows };
  }

  async deleteDocument(collectionId: string, id: string) {
    if (!isUuid(id)) return false;
    const rows = await this.rows(
      'DELETE FROM documents WHERE collection_id = $1 AND id = $2 RETURNING id',
      [collectionId, id],
    );
    return rows.length > 0;
  }

  async createJob(collectionId: string, filename: string, sha256: string) {
    try {
      const [row] = await this.rows(
        `INSERT INTO jobs (id, collection_id, document_id, filename, sha256, status)
         VALUES ($1, $2, $3, $4, $5, 'queued') RETURNING *`,
        [randomUUID(), collectionId, randomUUID(), filename, sha256],
      );
      return jobFromRow(row);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === '23505') throw new DuplicatePendingUpload(filename); // jobs_pending_file
      if (code === '23503') throw new UnknownCollection(collectionId); // deleted meanwhile
      throw error;
    }
  }

  async updateJob(id: string, patch: JobPatch) {
    const keys = Object.keys(patch) as (keyof JobPatch)[];
    const sets = keys.map((key, i) => `${JOB_COLUMNS[key]} = $${i + 2}`);
    const result = await this.pool.query(
      `UPDATE jobs SET ${[...sets, 'updated_at = now()'].join(', ')}
       WHERE id = $1 AND status IN ('queued', 'running')`,
      [id, ...keys.map(key => patch[key])],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async getJob(id: string) {
    if (!isUuid(id)) return undefined;
    const [row] = await this.rows('SELECT * FROM jobs WHERE id = $1', [id]);
    return row ? jobFromRow(row) : undefined;
  }

  async touchJobs(ids: string[]) {
    if (ids.length === 0) return;
    await this.rows(
      'UPDATE jobs SET updated_at = now() WHERE id = ANY($1::uuid[])',
      [ids],
    );
  }

  async settleInterruptedJobs(staleAfterMs: number) {
    // One statement, so two replicas settling at once settle each job once.
    const rows = await this.rows(
      `WITH stale AS (
         SELECT j.id, EXISTS (SELECT 1 FROM documents d WHERE d.id = j.document_id) AS committed
         FROM jobs j
         WHERE j.status IN ('queued', 'running') AND j.updated_at <= now() - $1 * interval '1 millisecond'
         FOR UPDATE SKIP LOCKED
       )
       UPDATE jobs SET
         status = CASE WHEN stale.committed THEN 'succeeded' ELSE 'failed' END,
         error = CASE WHEN stale.committed THEN NULL ELSE $2 END,
         updated_at = now()
       FROM stale WHERE jobs.id = stale.id
       RETURNING jobs.*`,
      [staleAfterMs, INTERRUPTED_JOB_ERROR],
    );
    return rows.filter(r => r.status === 'failed').map(jobFromRow);
  }

  async pendingJobWithHash(collectionId: string, sha256: string) {
    const [row] = await this.rows(
      "SELECT * FROM jobs WHERE collection_id = $1 AND sha256 = $2 AND status IN ('queued', 'running') LIMIT 1",
      [collectionId, sha256],
    );
    return row ? jobFromRow(row) : undefined;
  }

  async pendingJobForDocument(collectionId: string, documentId: string) {
    const [row] = await this.rows(
      "SELECT * FROM jobs WHERE collection_id = $1 AND document_id = $2 AND status IN ('queued', 'running') LIMIT 1",
      [collectionId, documentId],
    );
    return row ? jobFromRow(row) : undefined;
  }

  async startConversation(collectionId: string) {
    const id = randomUUID();
    await this.rows(
      'INSERT INTO conversations (id, collection_id) VALUES ($1, $2)',
      [id, collectionId],
    );
    return id;
  }

  async conversationInCollection(id: string, collectionId: string) {
    if (!isUuid(id)) return false;
    return (
      (
        await this.rows(
          'SELECT 1 FROM conversations WHERE id = $1 AND collection_id = $2',
          [id, collectionId],
        )
      ).length > 0
    );
  }

  async recentMessages(conversationId: string, turns: number) {
    const rows = await this.rows<ChatMessage>(
      'SELECT role, content FROM messages WHERE conversation_id = $1 ORDER BY seq DESC LIMIT $2',
      [conversationId, turns * 2],
    );
    return rows.reverse();
  }

  async appendMessages(conversationId: string, turns: ChatMessage[]) {
    const messages = turns.map(storableTurn);
    // One round trip: the UPDATE takes the conversation's row lock and hands
    // out sequence numbers, so concurrent appends (any replica) stay ordered.
    await this.rows(
      `WITH turn AS (
         UPDATE conversations SET last_seq = last_seq + cardinality($2::text[]) WHERE id = $1 RETURNING last_seq
       )
       INSERT INTO messages (conversation_id, seq, role, content)
       SELECT $1, (turn.last_seq - cardinality($2::text[]) + m.ord)::int, m.role, m.content
       FROM turn, unnest($2::text[], $3::text[]) WITH ORDINALITY AS m(role, content, ord)`,
      [conversationId, messages.map(m => m.role), messages.map(m => m.content)],
    );
  }

  async ping() {
    await this.rows('SELECT 1');
  }

  async close() {
    await this.pool.end();
  }
}
