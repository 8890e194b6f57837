import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openDatabase } from '../src/store/database.js';
import { SqliteMetadataStore } from '../src/store/SqliteMetadataStore.js';
import { PostgresMetadataStore } from '../src/store/PostgresMetadataStore.js';
import { MIGRATIONS } from '../src/store/migrations/index.js';
import { RELEASE_0_1_0_SCHEMA } from '../src/store/migrations/001_initial.js';
import { freshPostgresDatabase } from './helpers/postgres.js';

/** The DDL release 0.1.0 ran at start-up, before there was a migration history. */
const releaseSchema = (dialect: 'sqlite' | 'postgres') =>
  RELEASE_0_1_0_SCHEMA[dialect];

const COLLECTION = 'manuals';
const DOCUMENT = '11111111-1111-4111-8111-111111111111';
const JOB = '22222222-2222-4222-8222-222222222222';
const CONVERSATION = '33333333-3333-4333-8333-333333333333';

function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'chatbot-migrate-'));
}

describe('SQLite migrations', () => {
  test('upgrade a database written by release 0.1.0 and keep every row', async () => {
    const dir = tempDir();
    const old = new Database(path.join(dir, 'chatbot.db'));
    old.pragma('foreign_keys = ON');
    old.exec(releaseSchema('sqlite'));
    const t = '2026-01-02T03:04:05.000Z';
    old.prepare('INSERT INTO collections VALUES (?, ?)').run(COLLECTION, t);
    old
      .prepare('INSERT INTO documents VALUES (?, ?, ?, 2, 1, 99, ?, ?)')
      .run(DOCUMENT, COLLECTION, 'pump.pdf', 'abc', t);
    old
      .prepare(
        "INSERT INTO jobs VALUES (?, ?, ?, 'pump.pdf', 'abc', 'succeeded', 2, 2, 1, 1, NULL, ?, ?)",
      )
      .run(JOB, COLLECTION, DOCUMENT, t, t);
    // A job whose collection is gone: 0.1.0 had no foreign key to stop it.
    old
      .prepare(
        "INSERT INTO jobs VALUES ('orphan', 'gone', 'd', 'x.pdf', 'x', 'failed', 0, 0, 0, 0, 'e', ?, ?)",
      )
      .run(t, t);
    old
      .prepare('INSERT INTO chunks VALUES (?, ?, ?, 1, ?, ?)')
      .run(
        `${DOCUMENT}:0`,
        DOCUMENT,
        COLLECTION,
        'prime the pump',
        Buffer.alloc(8),
      );
    old
      .prepare('INSERT INTO conversations VALUES (?, ?, ?)')
      .run(CONVERSATION, COLLECTION, t);
    old
      .prepare("INSERT INTO messages VALUES (?, 1, 'user', 'how?')")
      .run(CONVERSATION);
    old.close();

    const db = await openDatabase(dir);
    try {
      const store = new SqliteMetadataStore(db);
      assert.deepEqual(
        (await store.listCollections()).map(c => [c.id, c.documents]),
        [[COLLECTION, 1]],
      );
      assert.equal(
        (await store.getDocument(COLLECTION, DOCUMENT))?.filename,
        'pump.pdf',
      );
      const job = await store.getJob(JOB);
      assert.equal(job?.status, 'succeeded');
      assert.equal(job?.progress.chunksStored, 1);
      assert.deepEqual(await store.recentMessages(CONVERSATION, 5), [
        { role: 'user', content: 'how?' },
      ]);
      assert.equal(
        (db.prepare('SELECT count(*) AS n FROM chunks').get() as { n: number })
          .n,
        1,
      );
      assert.equal(
        db.prepare("SELECT 1 FROM jobs WHERE id = 'orphan'").get(),
        undefined,
      );

      // Level with PostgreSQL: jobs belong to their collection, and the indexes exist.
      const fk = db.prepare('PRAGMA foreign_key_list(jobs)').all() as {
        table: string;
        on_delete: string;
      }[];
      assert.deepEqual(
        fk.map(f => [f.table, f.on_delete]),
        [['collections', 'CASCADE']],
      );
      const indexes = (
        db
          .prepare("SELECT name FROM sqlite_master WHERE type = 'index'")
          .all() as { name: string }[]
      ).map(i => i.name);
      for (const name of [
        'jobs_pending',
        'jobs_pending_file',
        'jobs_collection',
        'conversations_collection',
      ]) {
        assert.ok(indexes.includes(name), `index ${name} missing`);
      }
      const applied = db
        .prepare('SELECT name FROM knex_migrations ORDER BY id')
        .all() as { name: string }[];
      assert.deepEqual(
        applied.map(m => m.name),
        MIGRATIONS.map(m => m.name),
      );

      // Deleting the collection now takes its jobs, documents and chunks with it.
      await store.deleteCollection(COLLECTION);
      for (const table of [
        'jobs',
        'documents',
        'chunks',
        'conversations',
        'messages',
      ]) {
        assert.equal(
          (
            db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as {
              n: number;
            }
          ).n,
          0,
          table,
        );
      }
    } finally {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a second start applies nothing and a new database gets the whole history', async () => {
    const dir = tempDir();
    try {
      (await openDatabase(dir)).close();
      const db = await openDatabase(dir);
      const applied = db.prepare('SELECT name FROM knex_migrations').all();
      assert.equal(applied.length, MIGRATIONS.length);
      db.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('PostgreSQL migrations', () => {
  test('upgrade a database written by release 0.1.0, with two replicas starting at once', async t => {
    const fresh = await freshPostgresDatabase();
    if ('skip' in fresh) return t.skip(fresh.skip);
    const old = new pg.Client({ connectionString: fresh.url });
    await old.connect();
    await old.query(releaseSchema('postgres'));
    await old.query('INSERT INTO collections (id) VALUES ($1)', [COLLECTION]);
    await old.query(
      "INSERT INTO documents VALUES ($1, $2, 'pump.pdf', 2, 1, 99, 'abc', now())",
      [DOCUMENT, COLLECTION],
    );
    await old.query(
      "INSERT INTO jobs (id, collection_id, document_id, filename, sha256, status) VALUES ($1, $2, $3, 'pump.pdf', 'abc', 'succeeded')",
      [JOB, COLLECTION, DOCUMENT],
    );
    await old.end();

    const open = () =>
      PostgresMetadataStore.connect({
        connectionString: fresh.url,
        poolSize: 2,
        timeoutMs: 10_000,
      });
    const [a, b] = await Promise.all([open(), open()]);
    try {
      assert.equal(
        (await a.getDocument(COLLECTION, DOCUMENT))?.filename,
        'pump.pdf',
      );
      assert.equal((await b.getJob(JOB))?.status, 'succeeded');
      const check = new pg.Client({ connectionString: fresh.url });
      await check.connect();
      const { rows } = await check.query(
        'SELECT name FROM knex_migrations ORDER BY id',
      );
      await check.end();
      assert.deepEqual(
        rows.map(r => r.name),
        MIGRATIONS.map(m => m.name),
      );
    } finally {
      await Promise.all([a.close(), b.close()]);
      await fresh.drop();
    }
  });
});
