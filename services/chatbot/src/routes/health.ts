import { Router } from 'express';
import type { Metrics } from '../metrics.js';
import type { MetadataStore } from '../store/MetadataStore.js';
import type { VectorStore } from '../vector/VectorStore.js';
import { redactSecrets } from '../util/secrets.js';
import type { ChatProvider } from '../llm/ChatProvider.js';

/**
 * /healthz: the process is alive. /readyz: the metadata store, the vector
 * store and the LLM answer; Kubernetes takes the pod out of the Service while they do not.
 * /metrics: Prometheus text format.
 */
export function healthRoutes(
  metadata: MetadataStore,
  vectors: VectorStore,
  provider: ChatProvider,
  metrics: Metrics,
  isShuttingDown: () => boolean,
) {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const check = async (fn: () => Promise<void>) => {
      try {
        await fn();
        return 'ok';
      } catch (error) {
        // Open to anyone: an upstream's words may quote a key.
        return `unavailable: ${redactSecrets((error as Error).message)}`;
      }
    };
    const [metadataStore, vectorStore, llm] = await Promise.all([
      check(() => metadata.ping()),
      check(() => vectors.ping()),
      check(() => provider.ping()),
    ]);
    const ready =
      metadataStore === 'ok' &&
      vectorStore === 'ok' &&
      llm === 'ok' &&
      !isShuttingDown();
    res.status(ready ? 200 : 503).json({
      status: isShuttingDown()
        ? 'shutting down'
        : ready
        ? 'ready'
        : 'not ready',
      checks: {
        metadataStore: `${metadata.kind}: ${metadataStore}`,
        vectorStore: `${vectors.name}: ${vectorStore}`,
        llm: `${provider.name}: ${llm}`,
      },
    });
  });
  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
  return router;
}
