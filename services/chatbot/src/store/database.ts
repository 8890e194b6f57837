import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The service's own SQLite database: collections, documents, ingestion jobs,
 * conversation memory and, for the embedded vector store, the chunks and
 * their vectors. WAL mode keeps reads fast while a document commits.
 */
export function openDatabase(dataDir: string): Database.Database {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'chatbot.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.exec(`
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
  `);
  return db;
}
