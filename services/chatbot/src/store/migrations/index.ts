import type { Knex } from 'knex';
import type { Migration } from './migration.js';
import { initial } from './001_initial.js';
import { sqliteJobsForeignKey } from './002_sqlite_jobs_foreign_key.js';
import { sqliteChunksFts } from './003_sqlite_chunks_fts.js';
import { documentTerms } from './004_document_terms.js';
import { sqliteChunkSections } from './005_sqlite_chunk_sections.js';
import { documentTermTextChunks } from './006_document_term_text_chunks.js';

/**
 * The metadata schema's one history, for SQLite and PostgreSQL alike. Add a
 * migration as the next numbered file and append it here; knex records each
 * applied name in knex_migrations.
 */
export const MIGRATIONS: Migration[] = [
  initial,
  sqliteJobsForeignKey,
  sqliteChunksFts,
  documentTerms,
  sqliteChunkSections,
  documentTermTextChunks,
];

/** Migrations from this list rather than a directory, so dist/ and tsx agree. */
export const migrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: async () => MIGRATIONS,
  getMigrationName: migration => migration.name,
  getMigration: async migration => ({
    up: migration.up,
    down: async () => undefined,
  }),
};
