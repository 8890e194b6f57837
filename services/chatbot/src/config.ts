import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { registerSecrets } from './util/secrets.js';

/** A URL, https:// assumed when only a host is given. */
const withHttps = z.preprocess(
  v => (typeof v === 'string' && !/^[a-z]+:\/\//i.test(v) ? `https://${v}` : v),
  z.string().url(),
);

/**
 * Service configuration, read once from the environment. Every variable is
 * listed in README.md. Secrets (tokens, API keys) come only from the
 * environment, which in Kubernetes is filled from a Secret.
 */
const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  CHATBOT_API_TOKEN: z.string().min(16, 'must be at least 16 characters'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
    .default('info'),

  MAX_UPLOAD_MB: z.coerce.number().positive().default(50),
  MAX_FILES_PER_UPLOAD: z.coerce.number().int().positive().default(10),
  MAX_PAGES: z.coerce.number().int().positive().default(2000),
  INGEST_CONCURRENCY: z.coerce.number().int().positive().default(2),
  INGEST_QUEUE_LIMIT: z.coerce.number().int().positive().default(100),
  // One core stays with the event loop, so chats keep flowing while PDFs parse.
  PDF_PARSE_THREADS: z.coerce
    .number()
    .int()
    .min(1)
    .max(32)
    .default(Math.max(1, Math.min(availableParallelism() - 1, 4))),
  // One document's parse at most (a 300-page manual takes about 1 s here).
  PDF_PARSE_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(3_600_000)
    .default(300_000),
  CHUNK_SIZE: z.coerce.number().int().min(100).max(8000).default(1000),
  CHUNK_OVERLAP: z.coerce.number().int().min(0).max(2000).default(150),

  RETRIEVAL_TOP_K: z.coerce.number().int().min(1).max(20).default(5),
  // auto: BM25 alone with the offline embeddings (their hashing only adds
  // noise: README, "Retrieval quality"), BM25 and the embeddings fused with a dense model,
  // the embeddings alone where the store has no lexical index (Pinecone).
  RETRIEVAL: z.enum(['auto', 'hybrid', 'lexical', 'dense']).default('auto'),
  RETRIEVAL_MIN_COVERAGE: z.coerce.number().min(0).max(1).default(0.15),
  RETRIEVAL_DENSE_WEIGHT: z.coerce.number().min(0).max(5).default(0.5),
  RETRIEVAL_MIN_SCORE: z.coerce.number().min(-1).max(1).default(0.12),
  MEMORY_TURNS: z.coerce.number().int().min(0).max(50).default(6),
  MAX_CONCURRENT_CHATS: z.coerce.number().int().positive().default(64),
  SSE_FLUSH_MS: z.coerce.number().int().min(0).max(1000).default(20),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(25_000),

  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  UPSTREAM_RETRIES: z.coerce.number().int().min(0).max(10).default(3),

  METADATA_STORE: z.enum(['sqlite', 'postgres']).default('sqlite'),
  DATABASE_URL: z.string().url().optional(),
  PG_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  PG_SSL_CA: z
    .string()
    .startsWith('-----BEGIN CERTIFICATE-----', 'must be a PEM certificate')
    .optional(),

  VECTOR_STORE: z.enum(['embedded', 'pinecone']).default('embedded'),
  PINECONE_API_KEY: z.string().optional(),
  PINECONE_INDEX: z.string().optional(),
  // As Pinecone's console and describe_index give it: a host, no scheme.
  PINECONE_INDEX_HOST: withHttps.optional(),
  // Pinecone Local, a proxy or a test double; the SDK's own variable, which
  // it reads only when given no options at all.
  PINECONE_CONTROLLER_HOST: withHttps.optional(),
  // Sparse-dense (BM25 + embeddings) records and queries; the index's metric
  // must be dotproduct. An index that refuses sparse queries is searched
  // dense only, with a warning.
  PINECONE_SPARSE: z
    .enum(['true', 'false'])
    .default('true')
    .transform(v => v === 'true'),
  // Above 0: Pinecone refuses a query whose dense values are all zero.
  PINECONE_SPARSE_ALPHA: z.coerce.number().min(0.01).max(1).default(0.25),

  EMBEDDINGS_PROVIDER: z
    .enum(['offline', 'openai', 'pinecone'])
    .default('offline'),
  EMBEDDINGS_BASE_URL: z.string().url().optional(),
  EMBEDDINGS_MODEL: z.string().default('text-embedding-3-small'),
  EMBEDDINGS_API_KEY: z.string().optional(),
  EMBEDDINGS_DIMENSIONS: z.coerce.number().int().positive().optional(),
  // Inputs per /v1/embeddings request (Hugging Face TEI allows 32 by default).
  EMBEDDINGS_BATCH_SIZE: z.coerce.number().int().min(1).max(2048).default(64),

  LLM_PROVIDER: z.enum(['offline', 'openai']).default('offline'),
  LLM_BASE_URL: z.string().url().optional(),
  LLM_MODEL: z.string().default('gpt-4o-mini'),
  LLM_API_KEY: z.string().optional(),
  LLM_TEMPERATURE: z.coerce.number().min(0).max(2).default(0.1),
  LLM_MAX_TOKENS: z.coerce.number().int().positive().default(512),
  // stream_options.include_usage: vLLM, OpenAI, Ollama and current TGI accept it; older servers may refuse it.
  LLM_STREAM_USAGE: z
    .enum(['true', 'false'])
    .default('true')
    .transform(v => v === 'true'),

  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  OTEL_SERVICE_NAME: z.string().default('llm-chatbot'),
});

export type ServiceConfig = z.infer<typeof schema>;

/** Thrown when the environment cannot configure the service. */
export class ConfigError extends Error {
  name = 'ConfigError';
}

export function readConfig(env: NodeJS.ProcessEnv): ServiceConfig {
  const nonBlank = Object.fromEntries(
    Object.entries(env).filter(
      ([, value]) => value !== undefined && value !== '',
    ),
  );
  const parsed = schema.safeParse(nonBlank);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      issue => `  - ${issue.path.join('.')}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  const requireFor = (
    when: boolean,
    keys: (keyof ServiceConfig)[],
    why: string,
  ) => {
    const missing = when ? keys.filter(key => config[key] === undefined) : [];
    if (missing.length > 0) {
      throw new ConfigError(
        `Invalid configuration: ${missing.join(', ')} required ${why}`,
      );
    }
  };
  requireFor(
    config.VECTOR_STORE === 'pinecone',
    ['PINECONE_API_KEY', 'PINECONE_INDEX'],
    'when VECTOR_STORE=pinecone',
  );
  requireFor(
    config.EMBEDDINGS_PROVIDER === 'openai',
    ['EMBEDDINGS_BASE_URL'],
    'when EMBEDDINGS_PROVIDER=openai',
  );
  requireFor(
    config.EMBEDDINGS_PROVIDER === 'pinecone',
    ['PINECONE_API_KEY'],
    'when EMBEDDINGS_PROVIDER=pinecone',
  );
  requireFor(
    config.LLM_PROVIDER === 'openai',
    ['LLM_BASE_URL'],
    'when LLM_PROVIDER=openai',
  );
  if (
    config.METADATA_STORE === 'postgres' &&
    config.VECTOR_STORE === 'embedded'
  ) {
    throw new ConfigError(
      "Invalid configuration: METADATA_STORE=postgres needs VECTOR_STORE=pinecone; the embedded vector store keeps chunks in this pod's SQLite file, which other replicas cannot read",
    );
  }
  if (config.CHUNK_OVERLAP >= config.CHUNK_SIZE) {
    throw new ConfigError(
      'Invalid configuration: CHUNK_OVERLAP must be smaller than CHUNK_SIZE',
    );
  }
  registerSecrets(
    config.CHATBOT_API_TOKEN,
    config.LLM_API_KEY,
    config.EMBEDDINGS_API_KEY,
    config.PINECONE_API_KEY,
  );
  return config;
}
