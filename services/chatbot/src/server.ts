import { once } from 'node:events';
import { readConfig, ConfigError } from './config.js';
import { createLogger } from './logger.js';
import { startTelemetry } from './telemetry.js';
import { createChatbotApp } from './app.js';

async function main() {
  let config;
  try {
    config = readConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(
        `${error.message}\nSee services/chatbot/README.md for every variable.\n`,
      );
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const telemetry = startTelemetry(
    config.OTEL_EXPORTER_OTLP_ENDPOINT,
    config.OTEL_SERVICE_NAME,
  );
  const service = await createChatbotApp(config, logger);
  const server = service.app.listen(config.PORT, config.HOST);
  await once(server, 'listening');
  const address = server.address();
  logger.info(
    {
      port: typeof address === 'object' && address ? address.port : config.PORT,
      vectorStore: config.VECTOR_STORE,
      embeddings: config.EMBEDDINGS_PROVIDER,
      llm: config.LLM_PROVIDER,
    },
    'chatbot service listening',
  );

  // SIGTERM: stop accepting work, let streams and ingestion finish up to the
  // grace period, then cut what is left and exit.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    service.beginShutdown();
    logger.info({ signal, openStreams: service.streams.size }, 'shutting down');
    server.close();
    const deadline = setTimeout(() => {
      service.streams.abortAll(
        'the service is shutting down; ask again in a moment',
      );
      server.closeAllConnections();
    }, config.SHUTDOWN_GRACE_MS);
    deadline.unref();
    await Promise.all([once(server, 'close'), service.queue.drain()]);
    clearTimeout(deadline);
    await service.close();
    await telemetry?.shutdown().catch(() => undefined);
    logger.info('shut down cleanly');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch(error => {
  process.stderr.write(
    `chatbot service failed to start: ${(error as Error).message}\n`,
  );
  process.exit(1);
});
