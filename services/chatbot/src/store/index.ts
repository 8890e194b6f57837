import type { ServiceConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { MetadataStore } from './MetadataStore.js';
import { openDatabase } from './database.js';
import { PostgresMetadataStore } from './PostgresMetadataStore.js';
import { SqliteMetadataStore } from './SqliteMetadataStore.js';

export async function openMetadataStore(config: ServiceConfig, logger: Logger): Promise<MetadataStore> {
  switch (config.METADATA_STORE) {
    case 'sqlite':
      return new SqliteMetadataStore(openDatabase(config.DATA_DIR));
    case 'postgres':
      return PostgresMetadataStore.connect({
        connectionString: config.DATABASE_URL,
        poolSize: config.PG_POOL_SIZE,
        timeoutMs: Math.min(config.UPSTREAM_TIMEOUT_MS, 10_000),
        sslCa: config.PG_SSL_CA,
        onPoolError: error => logger.warn({ err: error.message }, 'idle PostgreSQL connection failed; the pool replaces it'),
      });
    default:
      throw new Error(`unknown METADATA_STORE ${config.METADATA_STORE satisfies never}`);
  }
}
