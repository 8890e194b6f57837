import type { Knex } from 'knex';
import { isPostgres, type Migration } from './migration.js';

/**
 * The schema of release 0.1.0, which created its tables without a migration
 * history. IF NOT EXISTS lets it adopt a database that release wrote.
 */
const SQLITE = `
  CREATE TABLE IF NOT EXISTS collections (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    filename TEXT NOT NULL,
    pages INTEGER NOT NULL,
    chunks INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS documents_collection ON documents(collection_id);
  CREATE UNIQUE INDEX IF NOT EXISTS documents_collection_sha ON documents(collection_id, sha256);
  CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    collection_id TEXT NOT NULL,
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
  );
  CREATE INDEX IF NOT EXISTS jobs_collection ON jobs(collection_id);
  CREATE UNIQUE INDEX IF NOT EXISTS jobs_pending_file ON jobs(collection_id, sha256)
    WHERE status IN ('queued', 'running');
  CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    collection_id TEXT NOT NULL,
    page INTEGER NOT NULL,
    text TEXT NOT NULL,
    embedding BLOB NOT NULL
  );
  CREATE INDEX IF NOT EXISTS chunks_collection ON chunks(collection_id);
  CREATE INDEX IF NOT EXISTS chunks_document ON chunks(document_id);
  CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS messages (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    PRIMARY KEY (conversation_id, seq)
  );
`;

const POSTGRES = `
  CREATE TABLE IF NOT EXISTS collections (
    id TEXT PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
  );
  CREATE TABLE IF NOT EXISTS documents (
    id UUID PRIMARY KEY,
    collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    filename TEXT NOT NULL,
    pages INTEGER NOT NULL,
    chunks INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (collection_id, sha256)
  );
  CREATE TABLE IF NOT EXISTS jobs (
    id UUID PRIMARY KEY,
    collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    document_id UUID NOT NULL,
    filename TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    status TEXT NOT NULL,
    pages_total INTEGER NOT NULL DEFAULT 0,
    pages_parsed INTEGER NOT NULL DEFAULT 0,
    chunks_embedded INTEGER NOT NULL DEFAULT 0,
    chunks_stored INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
  );
  CREATE INDEX IF NOT EXISTS jobs_pending ON jobs (status, updated_at) WHERE status IN ('queued', 'running');
  -- One live ingestion per file and collection, whichever replica took the upload.
  CREATE UNIQUE INDEX IF NOT EXISTS jobs_pending_file ON jobs (collection_id, sha256) WHERE status IN ('queued', 'running');
  CREATE INDEX IF NOT EXISTS jobs_collection ON jobs (collection_id);
  CREATE TABLE IF NOT EXISTS conversations (
    id UUID PRIMARY KEY,
    collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seq INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE IF NOT EXISTS messages (
    conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    PRIMARY KEY (conversation_id, seq)
  );
  CREATE INDEX IF NOT EXISTS conversations_collection ON conversations (collection_id);
`;

/** What release 0.1.0 ran at start-up; the upgrade test writes a database with it. */
export const RELEASE_0_1_0_SCHEMA = { sqlite: SQLITE, postgres: POSTGRES };

export const initial: Migration = {
  name: '001_initial',
  async up(knex: Knex) {
    if (isPostgres(knex)) {
      await knex.raw(POSTGRES);
      return;
    }
    // better-sqlite3 runs one statement per call.
    for (const statement of SQLITE.split(';')
      .map(s => s.trim())
      .filter(Boolean))
      await knex.raw(statement);
  },
};
