import type Database from 'better-sqlite3';
import type { ServiceConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { Repository } from '../store/Repository.js';
import { EmbeddedVectorStore } from './EmbeddedVectorStore.js';
import { PineconeVectorStore } from './PineconeVectorStore.js';
import type { VectorStore } from './VectorStore.js';

export function createVectorStore(
  config: ServiceConfig,
  db: Database.Database,
  repo: Repository,
  logger: Logger,
): VectorStore {
  switch (config.VECTOR_STORE) {
    case 'embedded':
      return new EmbeddedVectorStore(db, repo);
    case 'pinecone':
      return new PineconeVectorStore(
        {
          apiKey: config.PINECONE_API_KEY!,
          indexName: config.PINECONE_INDEX!,
          indexHost: config.PINECONE_INDEX_HOST,
          retries: config.UPSTREAM_RETRIES,
          timeoutMs: config.UPSTREAM_TIMEOUT_MS,
        },
        repo,
        logger.child({ component: 'pinecone' }),
      );
    default:
      throw new Error(`unknown VECTOR_STORE ${config.VECTOR_STORE satisfies never}`);
  }
}
