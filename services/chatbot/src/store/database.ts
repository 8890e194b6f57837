import Database from 'better-sqlite3';
import { migrateSqlite } from './migrate.js';

/**
 * The service's own SQLite file: collections, documents, ingestion jobs,
 * conversation memory and, for the embedded vector store, the chunks and
 * their vectors. Migrated to the latest schema first (store/migrations/).
 * WAL mode keeps reads fast while a document commits.
 */
export async function openDatabase(
  dataDir: string,
): Promise<Database.Database> {
  const { file } = await migrateSqlite(dataDir);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  return db;
}
