import type { Embeddings } from '@langchain/core/embeddings';
import { CheckedOpenAIEmbeddings } from './CheckedOpenAIEmbeddings.js';
import type { ServiceConfig } from '../config.js';
import { HashingEmbeddings } from './HashingEmbeddings.js';
import { PineconeInferenceEmbeddings } from './PineconeInferenceEmbeddings.js';

/**
 * `offline`: hashing embeddings, no network. `openai`: any OpenAI-compatible
 * /v1/embeddings endpoint — OpenAI, Hugging Face TEI, Ollama, vLLM — through
 * langchain's OpenAIEmbeddings with a custom base URL. `pinecone`: Pinecone's
 * hosted inference models.
 */
export function createEmbeddings(config: ServiceConfig): Embeddings {
  switch (config.EMBEDDINGS_PROVIDER) {
    case 'offline':
      return new HashingEmbeddings(256);
    case 'openai':
      return new CheckedOpenAIEmbeddings({
        model: config.EMBEDDINGS_MODEL,
        // Self-hosted servers (TEI, Ollama, vLLM) accept any key.
        apiKey: config.EMBEDDINGS_API_KEY ?? 'unused',
        dimensions: config.EMBEDDINGS_DIMENSIONS,
        batchSize: config.EMBEDDINGS_BATCH_SIZE,
        maxRetries: config.UPSTREAM_RETRIES,
        timeout: config.UPSTREAM_TIMEOUT_MS,
        configuration: { baseURL: config.EMBEDDINGS_BASE_URL },
      });
    case 'pinecone':
      return new PineconeInferenceEmbeddings(
        config.PINECONE_API_KEY!,
        config.EMBEDDINGS_MODEL,
        {
          retries: config.UPSTREAM_RETRIES,
          timeoutMs: config.UPSTREAM_TIMEOUT_MS,
          controllerHost: config.PINECONE_CONTROLLER_HOST,
        },
      );
    default:
      throw new Error(
        `unknown EMBEDDINGS_PROVIDER ${
          config.EMBEDDINGS_PROVIDER satisfies never
        }`,
      );
  }
}
