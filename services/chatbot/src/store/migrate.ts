import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type pg from 'pg';
import { migrationSource } from './migrations/index.js';

// Any fixed key: replicas starting together take turns migrating. knex's own
// lock table refuses a second migrator instead of waiting for it.
const MIGRATION_LOCK = 7_264_310;

async function latest(config: Knex.Config): Promise<string[]> {
  const knex = knexFactory({ ...config, migrations: { migrationSource } });
  try {
    const [, applied] = (await knex.migrate.latest()) as [number, string[]];
    return applied;
  } finally {
    await knex.destroy();
  }
}

/** Brings the SQLite file in dataDir to the latest schema; returns its path. */
export async function migrateSqlite(
  dataDir: string,
): Promise<{ file: string; applied: string[] }> {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'chatbot.db');
  const applied = await latest({
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    pool: {
      afterCreate: (
        conn: { pragma(s: string): unknown },
        done: (err: Error | null, conn: unknown) => void,
      ) => {
        conn.pragma('foreign_keys = ON');
        done(null, conn);
      },
    },
  });
  return { file, applied };
}

/**
 * Brings the PostgreSQL database to the latest schema under an advisory lock
 * held on one of the store's own connections.
 */
export async function migratePostgres(
  lockClient: pg.PoolClient,
  connection: pg.ClientConfig,
): Promise<string[]> {
  await lockClient.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    return await latest({
      client: 'pg',
      connection: connection as Knex.PgConnectionConfig,
      pool: { min: 0, max: 1 },
    });
  } finally {
    await lockClient.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}
