import { ConfigReader } from '@backstage/config';
import { findMissingConfig, formatMissingConfig } from './requiredConfig';

const base = {
  app: { baseUrl: 'http://localhost:3000' },
  backend: { baseUrl: 'http://localhost:7007' },
};

describe('findMissingConfig', () => {
  it('accepts the local SQLite config with nothing else set', () => {
    const config = new ConfigReader({
      ...base,
      backend: { ...base.backend, database: { client: 'better-sqlite3' } },
    });
    expect(findMissingConfig(config)).toEqual([]);
  });

  it('names the PostgreSQL host when the production database has none', () => {
    const config = new ConfigReader({
      ...base,
      backend: {
        ...base.backend,
        database: {
          client: 'pg',
          connection: { port: 5432, user: 'backstage', password: 'pw' },
        },
      },
    });
    expect(findMissingConfig(config)).toEqual([
      { key: 'backend.database.connection.host', env: 'POSTGRES_HOST' },
    ]);
  });

  it('reads the production database over a local SQLite connection string', () => {
    const config = ConfigReader.fromConfigs([
      {
        context: 'app-config.yaml',
        data: {
          ...base,
          backend: {
            ...base.backend,
            database: { client: 'better-sqlite3', connection: ':memory:' },
          },
        },
      },
      {
        context: 'app-config.production.yaml',
        data: {
          backend: {
            database: {
              client: 'pg',
              connection: { host: 'db', port: 5432, user: 'u', password: 'p' },
            },
          },
        },
      },
    ]);
    expect(findMissingConfig(config)).toEqual([]);
  });

  it('requires the Google client and session secret in production auth', () => {
    const config = new ConfigReader({
      ...base,
      auth: {
        environment: 'production',
        providers: { google: { production: { clientId: 'id' } } },
      },
    });
    expect(findMissingConfig(config).map(m => m.key)).toEqual([
      'auth.session.secret',
      'auth.providers.google.production.clientSecret',
    ]);
  });

  it('requires a project id for each GKE cluster locator', () => {
    const config = new ConfigReader({
      ...base,
      kubernetes: {
        clusterLocatorMethods: [{ type: 'config' }, { type: 'gke' }],
      },
    });
    expect(findMissingConfig(config)).toEqual([
      {
        key: 'kubernetes.clusterLocatorMethods[1].projectId',
        env: 'GKE_PROJECT_ID',
      },
    ]);
  });

  it('formats a message naming each key and its variable', () => {
    const message = formatMissingConfig([
      { key: 'backend.database.connection.host', env: 'POSTGRES_HOST' },
    ]);
    expect(message).toContain(
      'backend.database.connection.host (set the environment variable POSTGRES_HOST)',
    );
  });
});
