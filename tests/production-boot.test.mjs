// Production-config boot test: a real PostgreSQL 15 started here, the backend
// booted with app-config.production.yaml, then migrations, catalog ingestion
// and health are checked over real HTTP and SQL. Run by scripts/test.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { freePort } from './deploy/lib.mjs';
import {
  backendRequire,
  root,
  startBackend as startProcess,
  stopBackend,
  waitFor,
} from './lib/backendProcess.mjs';

const { Client } = backendRequire('pg');
const startBackend = env =>
  startProcess(env, [
    '../../app-config.yaml',
    '../../app-config.production.yaml',
  ]);

const pgUser = 'backstage';
const pgPassword = `pw-${process.pid}-${Date.now()}`;
const staticToken = `token-${process.pid}-${Date.now()}-abcdefghijkl`;
let pg; // { port, dir }

function postgres(command) {
  const out = execFileSync(
    'bash',
    ['-c', `source scripts/lib/postgres.sh; ${command}`],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, ...(pg && { PGTEST_DIR: pg.dir }) },
    },
  );
  return out.trim();
}

function productionEnv(port, overrides = {}) {
  const baseUrl = `http://localhost:${port}`;
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    POSTGRES_HOST: '127.0.0.1',
    POSTGRES_PORT: String(pg.port),
    POSTGRES_USER: pgUser,
    POSTGRES_PASSWORD: pgPassword,
    APP_BASE_URL: baseUrl,
    BACKEND_BASE_URL: baseUrl,
    BACKEND_EXTERNAL_TOKEN: staticToken,
    AUTH_SESSION_SECRET: 'boot-test-session-secret',
    AUTH_GOOGLE_CLIENT_ID: 'boot-test-client-id',
    AUTH_GOOGLE_CLIENT_SECRET: 'boot-test-client-secret',
    GKE_PROJECT_ID: 'boot-test-project',
    // Test-only overrides: a free port, and the catalog path relative to
    // packages/backend (the container image runs from the repository root).
    APP_CONFIG_backend_listen: `:${port}`,
    APP_CONFIG_catalog_locations: JSON.stringify([
      { type: 'file', target: '../../catalog/all.yaml' },
    ]),
    ...overrides,
  };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete env[key];
  }
  return env;
}

before(() => {
  const [port, dir] = postgres(
    `start_test_postgres ${pgUser} '${pgPassword}' && echo "$PGTEST_PORT $PGTEST_DIR"`,
  ).split(' ');
  pg = { port: Number(port), dir };
});

after(() => {
  if (pg) postgres('stop_test_postgres');
});

test('fails at start-up naming the missing database host, without a stack trace', async () => {
  const port = await freePort();
  const child = startBackend(productionEnv(port, { POSTGRES_HOST: undefined }));
  const code = await Promise.race([
    child.exited,
    new Promise(r => setTimeout(() => r('timeout'), 90_000)),
  ]);
  if (code === 'timeout') await stopBackend(child);
  assert.equal(code, 1, child.output);
  assert.match(child.output, /backend\.database\.connection\.host/);
  assert.match(child.output, /POSTGRES_HOST/);
  assert.doesNotMatch(
    child.output,
    /^\s+at .+:\d+:\d+\)?$/m,
    'printed a stack trace',
  );
});

test('boots on PostgreSQL, runs migrations, ingests catalog/ and reports healthy', async () => {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const child = startBackend(productionEnv(port));
  try {
    const health = await waitFor(
      'readiness',
      async () => {
        const res = await fetch(`${baseUrl}/.backstage/health/v1/readiness`);
        return res.ok && (await res.json());
      },
      180_000,
      child,
    );
    assert.equal(health.status, 'ok');

    const entity = await waitFor(
      'demo-chatbot in the catalog',
      async () => {
        const res = await fetch(
          `${baseUrl}/api/catalog/entities/by-name/component/default/demo-chatbot`,
          { headers: { Authorization: `Bearer ${staticToken}` } },
        );
        return res.ok && (await res.json());
      },
      120_000,
      child,
    );
    assert.equal(entity.spec.system, 'llm-chatbots');
    assert.equal(
      entity.metadata.annotations['backstage.io/kubernetes-id'],
      'demo-chatbot',
    );
    assert.equal(entity.metadata.annotations['llm-chatbot.io/service'], 'demo');

    // Unauthenticated callers are refused: production has no guest access.
    const anonymous = await fetch(`${baseUrl}/api/catalog/entities`);
    assert.equal(anonymous.status, 401);

    const db = new Client({
      host: '127.0.0.1',
      port: pg.port,
      user: pgUser,
      password: pgPassword,
      database: 'backstage_plugin_catalog',
    });
    await db.connect();
    try {
      const { rows } = await db.query(
        'SELECT count(*)::int AS n FROM knex_migrations',
      );
      assert.ok(rows[0].n > 0, 'catalog migrations ran');
      const stored = await db.query(
        'SELECT count(*)::int AS n FROM final_entities WHERE final_entity LIKE \'%"name":"demo-chatbot"%\'',
      );
      assert.equal(stored.rows[0].n, 1, 'demo-chatbot is stored in PostgreSQL');
    } finally {
      await db.end();
    }

    // The chatbot gateway's own database: its conversation tables migrated.
    const gateway = new Client({
      host: '127.0.0.1',
      port: pg.port,
      user: pgUser,
      password: pgPassword,
      database: 'backstage_plugin_llm-chatbot',
    });
    await gateway.connect();
    try {
      const { rows } = await gateway.query(
        'SELECT name FROM knex_migrations ORDER BY id',
      );
      assert.deepEqual(
        rows.map(r => r.name),
        ['20261128000000_conversations.js', '20261128010000_message_trace.js'],
      );
      const tables = await gateway.query(
        "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'llm_chatbot_%' ORDER BY 1",
      );
      assert.deepEqual(
        tables.rows.map(r => r.table_name),
        ['llm_chatbot_conversations', 'llm_chatbot_messages'],
      );
    } finally {
      await gateway.end();
    }
  } finally {
    await stopBackend(child);
  }
});
