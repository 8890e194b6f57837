import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * A fresh database on the PostgreSQL server named by CHATBOT_TEST_DATABASE_URL
 * (the root test command starts a throwaway PostgreSQL 15 and sets it; the
 * Jenkinsfile's tester pod runs one as a sidecar). Without it the PostgreSQL
 * tests cannot run: in CI that is a failure, on a laptop a skip that says why.
 */
export async function freshPostgresDatabase(): Promise<
  { url: string; drop(): Promise<void> } | { skip: string }
> {
  const server = process.env.CHATBOT_TEST_DATABASE_URL;
  if (!server) {
    const why =
      'set CHATBOT_TEST_DATABASE_URL=postgres://user:password@host:port/db to run the PostgreSQL tests';
    if (process.env.CI) throw new Error(`CI is set but ${why}`);
    return { skip: why };
  }
  const name = `chatbot_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: server });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
