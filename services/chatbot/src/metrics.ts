import client from 'prom-client';

/**
 * Prometheus metrics. The names here are the contract with the Grafana
 * dashboard and the alert rules in helm/monitoring.
 */
export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'chatbot_' });

  const latencyBuckets = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
  ];
  const metrics = {
    registry,
    httpDuration: new client.Histogram({
      name: 'chatbot_http_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: latencyBuckets,
      registers: [registry],
    }),
    timeToFirstToken: new client.Histogram({
      name: 'chatbot_time_to_first_token_seconds',
      help: 'Time from chat request to the first streamed token',
      labelNames: ['provider'] as const,
      buckets: latencyBuckets,
      registers: [registry],
    }),
    tokensStreamed: new client.Counter({
      name: 'chatbot_tokens_streamed_total',
      help: 'Answer tokens streamed to clients',
      labelNames: ['provider'] as const,
      registers: [registry],
    }),
    chatsInFlight: new client.Gauge({
      name: 'chatbot_chats_in_flight',
      help: 'Chat streams currently open',
      registers: [registry],
    }),
    ingestionPages: new client.Counter({
      name: 'chatbot_ingestion_pages_total',
      help: 'PDF pages parsed',
      registers: [registry],
    }),
    ingestionChunks: new client.Counter({
      name: 'chatbot_ingestion_chunks_total',
      help: 'Chunks embedded and stored',
      registers: [registry],
    }),
    ingestionFailures: new client.Counter({
      name: 'chatbot_ingestion_failures_total',
      help: 'Ingestion jobs that failed, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    retrievalDuration: new client.Histogram({
      name: 'chatbot_retrieval_duration_seconds',
      help: 'Vector retrieval latency',
      labelNames: ['store'] as const,
      buckets: [
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
      ],
      registers: [registry],
    }),
    upstreamErrors: new client.Counter({
      name: 'chatbot_upstream_errors_total',
      help: 'Errors from upstream providers',
      labelNames: ['provider', 'kind'] as const,
      registers: [registry],
    }),
  };
  // A labelled counter appears on its first inc(), at 1, and increase() reads
  // a new series as 0: the first upstream failure would never alert. Start at 0.
  metrics.ingestionFailures.inc({ reason: 'upstream' }, 0);
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;
