import type { Knex } from 'knex';
import { isPostgres, type Migration } from './migration.js';

/**
 * Brings SQLite level with PostgreSQL: jobs belong to their collection
 * (foreign key, cascade) and the settling scan and conversation lookups have
 * their indexes. SQLite cannot add a foreign key to a table, so jobs is
 * rebuilt; jobs of collections already gone (none, unless a crash left them)
 * are dropped with it. PostgreSQL had all of this from 0.1.0.
 */
export const sqliteJobsForeignKey: Migration = {
  name: '002_sqlite_jobs_foreign_key',
  async up(knex: Knex) {
    if (isPostgres(knex)) return;
    const statements = [
      `CREATE TABLE jobs_new (
        id TEXT PRIMARY KEY,
        collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
        document_id TEXT NOT NULL,
        filename TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        status TEXT NOT NULL,
        pages_total INTEGER NOT NULL DEFAULT 0,
        pages_parsed INTEGER NOT NULL DEFAULT 0,
        chunks_embedded INTEGER NOT NULL DEFAULT 0,
        chunks_stored INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      )`,
      `INSERT INTO jobs_new SELECT id, collection_id, document_id, filename, sha256, status, pages_total,
         pages_parsed, chunks_embedded, chunks_stored, error, created_at, updated_at
       FROM jobs WHERE collection_id IN (SELECT id FROM collections)`,
      'DROP TABLE jobs',
      'ALTER TABLE jobs_new RENAME TO jobs',
      'CREATE INDEX jobs_collection ON jobs (collection_id)',
      `CREATE UNIQUE INDEX jobs_pending_file ON jobs (collection_id, sha256) WHERE status IN ('queued', 'running')`,
      `CREATE INDEX jobs_pending ON jobs (status, updated_at) WHERE status IN ('queued', 'running')`,
      'CREATE INDEX IF NOT EXISTS conversations_collection ON conversations (collection_id)',
    ];
    for (const statement of statements) await knex.raw(statement);
  },
};
