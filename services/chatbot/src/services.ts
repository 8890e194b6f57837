import { wordNet } from './retrieval/englishWords.js';
import fs from 'node:fs';
import path from 'node:path';
import type { ServiceConfig } from './config.js';
import type { Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import type { MetadataStore } from './store/MetadataStore.js';
import { openStorage } from './storage.js';
import type { VectorStore } from './vector/VectorStore.js';
import { createEmbeddings } from './embeddings/index.js';
import { Retriever } from './retrieval/Retriever.js';
import { createChatProvider } from './llm/index.js';
import type { ChatProvider } from './llm/ChatProvider.js';
import { IngestionQueue } from './ingest/IngestionQueue.js';
import { PdfParser } from './ingest/PdfParser.js';
import { startJobReaper } from './ingest/jobReaper.js';
import { ChatService } from './rag/ChatService.js';
import { StreamRegistry } from './routes/chat.js';

/** Everything the HTTP layer serves, built from config; no express here. */
export interface ChatbotServices {
  config: ServiceConfig;
  metadata: MetadataStore;
  vectors: VectorStore;
  provider: ChatProvider;
  queue: IngestionQueue;
  chat: ChatService;
  streams: StreamRegistry;
  metrics: Metrics;
  /** Stops background work and releases the stores; call after the queue has drained. */
  close(): Promise<void>;
}

export const uploadDirFor = (dataDir: string) => path.join(dataDir, 'uploads');

/** Upload spool files belong to jobs of a previous process: remove them. */
function sweepUploads(dir: string) {
  if (!fs.existsSync(dir)) return;
  for (const name of fs.readdirSync(dir))
    fs.rmSync(path.join(dir, name), { force: true });
}

export async function createServices(
  config: ServiceConfig,
  logger: Logger,
): Promise<ChatbotServices> {
  const { metadata, vectors, documents, lexical } = await openStorage(
    config,
    logger,
  );
  const metrics = createMetrics();
  const embeddings = createEmbeddings(config);
  const provider = createChatProvider(config);

  const stopReaper = startJobReaper(metadata, vectors, logger);
  sweepUploads(uploadDirFor(config.DATA_DIR));

  const pdf = new PdfParser(
    config.PDF_PARSE_THREADS,
    config.PDF_PARSE_TIMEOUT_MS,
  );
  const queue = new IngestionQueue(
    metadata,
    vectors,
    documents,
    embeddings,
    pdf,
    metrics,
    logger,
    {
      concurrency: config.INGEST_CONCURRENCY,
      queueLimit: config.INGEST_QUEUE_LIMIT,
      maxPages: config.MAX_PAGES,
      chunkSize: config.CHUNK_SIZE,
      chunkOverlap: config.CHUNK_OVERLAP,
    },
  );
  const retriever = new Retriever(
    vectors,
    embeddings,
    lexical,
    {
      mode:
        config.RETRIEVAL !== 'auto'
          ? config.RETRIEVAL
          : config.EMBEDDINGS_PROVIDER === 'offline'
          ? 'lexical'
          : 'hybrid',
      topK: config.RETRIEVAL_TOP_K,
      minScore: config.RETRIEVAL_MIN_SCORE,
      minCoverage: config.RETRIEVAL_MIN_COVERAGE,
      denseWeight: config.RETRIEVAL_DENSE_WEIGHT,
    },
    metadata,
  );
  // WordNet is read once (~0.2 s); at start-up, not on a user's question.
  if (retriever.mode !== 'dense') wordNet();
  const chat = new ChatService(metadata, retriever, provider, metrics, logger, {
    memoryTurns: config.MEMORY_TURNS,
    storeName: vectors.name,
  });

  const close = async () => {
    stopReaper();
    await pdf.close();
    await metadata.close();
  };
  return {
    config,
    metadata,
    vectors,
    provider,
    queue,
    chat,
    streams: new StreamRegistry(),
    metrics,
    close,
  };
}
