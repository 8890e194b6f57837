import type { ServiceConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { MetadataStore } from '../store/MetadataStore.js';
import { SqliteMetadataStore } from '../store/SqliteMetadataStore.js';
import { EmbeddedVectorStore } from './EmbeddedVectorStore.js';
import { PineconeVectorStore } from './PineconeVectorStore.js';
import type { VectorStore } from './VectorStore.js';

export function createVectorStore(config: ServiceConfig, metadata: MetadataStore, logger: Logger): VectorStore {
  switch (config.VECTOR_STORE) {
    case 'embedded':
      // readConfig rejects this pairing with a message; this guards the types.
      if (!(metadata instanceof SqliteMetadataStore)) throw new Error('the embedded vector store needs METADATA_STORE=sqlite');
      return new EmbeddedVectorStore(metadata);
    case 'pinecone':
      return new PineconeVectorStore(
        {
          apiKey: config.PINECONE_API_KEY!,
          indexName: config.PINECONE_INDEX!,
          indexHost: config.PINECONE_INDEX_HOST,
          retries: config.UPSTREAM_RETRIES,
          timeoutMs: config.UPSTREAM_TIMEOUT_MS,
        },
        metadata,
        logger.child({ component: 'pinecone' }),
      );
    default:
      throw new Error(`unknown VECTOR_STORE ${config.VECTOR_STORE satisfies never}`);
  }
}
