import type { ServiceConfig } from './config.js';
import type { Logger } from './logger.js';
import type { MetadataStore } from './store/MetadataStore.js';
import { openDatabase } from './store/database.js';
import { PostgresMetadataStore } from './store/PostgresMetadataStore.js';
import { SqliteMetadataStore } from './store/SqliteMetadataStore.js';
import { EmbeddedVectorStore } from './vector/EmbeddedVectorStore.js';
import { PineconeVectorStore } from './vector/PineconeVectorStore.js';
import type { VectorStore } from './vector/VectorStore.js';
import type { LexicalIndex } from './retrieval/LexicalIndex.js';
import { SqliteLexicalIndex } from './retrieval/SqliteLexicalIndex.js';
import type { DocumentCommit } from './ingest/commit/DocumentCommit.js';
import { SqliteDocumentCommit } from './ingest/commit/SqliteDocumentCommit.js';
import { VectorsThenRowCommit } from './ingest/commit/VectorsThenRowCommit.js';

/** Where metadata and vectors live, and how a document commits across them. */
export interface Storage {
  metadata: MetadataStore;
  vectors: VectorStore;
  documents: DocumentCommit;
  /** BM25 over the chunks, where the service holds them (the embedded store). */
  lexical?: LexicalIndex;
}

async function openMetadataStore(
  config: ServiceConfig,
  logger: Logger,
): Promise<MetadataStore> {
  switch (config.METADATA_STORE) {
    case 'sqlite':
      return new SqliteMetadataStore(await openDatabase(config.DATA_DIR));
    case 'postgres':
      return PostgresMetadataStore.connect({
        connectionString: config.DATABASE_URL,
        poolSize: config.PG_POOL_SIZE,
        timeoutMs: Math.min(config.UPSTREAM_TIMEOUT_MS, 10_000),
        sslCa: config.PG_SSL_CA,
        onPoolError: err =>
          logger.warn(
            { err },
            'idle PostgreSQL connection failed; the pool replaces it',
          ),
      });
    default:
      throw new Error(
        `unknown METADATA_STORE ${config.METADATA_STORE satisfies never}`,
      );
  }
}

export async function openStorage(
  config: ServiceConfig,
  logger: Logger,
): Promise<Storage> {
  const metadata = await openMetadataStore(config, logger);
  switch (config.VECTOR_STORE) {
    case 'embedded': {
      // readConfig rejects this pairing with a message; this guards the types.
      if (!(metadata instanceof SqliteMetadataStore))
        throw new Error(
          'the embedded vector store needs METADATA_STORE=sqlite',
        );
      // One SQLite file holds both, so one transaction commits a document.
      const vectors = new EmbeddedVectorStore(metadata.db);
      return {
        metadata,
        vectors,
        documents: new SqliteDocumentCommit(metadata.db, metadata, vectors),
        lexical: new SqliteLexicalIndex(metadata.db),
      };
    }
    case 'pinecone': {
      const vectors = new PineconeVectorStore(
        {
          apiKey: config.PINECONE_API_KEY!,
          indexName: config.PINECONE_INDEX!,
          indexHost: config.PINECONE_INDEX_HOST,
          controllerHost: config.PINECONE_CONTROLLER_HOST,
          retries: config.UPSTREAM_RETRIES,
          timeoutMs: config.UPSTREAM_TIMEOUT_MS,
          sparse: config.PINECONE_SPARSE,
          sparseAlpha: config.PINECONE_SPARSE_ALPHA,
        },
        logger.child({ component: 'pinecone' }),
      );
      return {
        metadata,
        vectors,
        documents: new VectorsThenRowCommit(vectors, metadata),
      };
    }
    default:
      throw new Error(
        `unknown VECTOR_STORE ${config.VECTOR_STORE satisfies never}`,
      );
  }
}
