import type { Knex } from 'knex';
import { isPostgres, type Migration } from './migration.js';

/**
 * A lexical index over the embedded store's chunks: SQLite FTS5 (shipped in
 * better-sqlite3's build) with Porter stemming, kept in step with the chunks
 * table by triggers, so a document's chunks enter and leave the index in the
 * transaction that commits or deletes it. Existing chunks are indexed here.
 * PostgreSQL holds no chunks (they live in Pinecone there).
 */
export const sqliteChunksFts: Migration = {
  name: '003_sqlite_chunks_fts',
  async up(knex: Knex) {
    if (isPostgres(knex)) return;
    for (const statement of [
      `CREATE VIRTUAL TABLE chunks_fts USING fts5(
        text, content='chunks', content_rowid='rowid',
        tokenize='porter unicode61 remove_diacritics 2'
      )`,
      `CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
        INSERT INTO chunks_fts (rowid, text) VALUES (new.rowid, new.text);
      END`,
      `CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
        INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
      END`,
      `INSERT INTO chunks_fts (chunks_fts) VALUES ('rebuild')`,
    ]) {
      await knex.raw(statement);
    }
  },
};
