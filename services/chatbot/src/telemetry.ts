import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';

/**
 * Starts OpenTelemetry tracing over OTLP/HTTP when an endpoint is configured
 * (the collector in helm/monitoring). Without one, spans are no-ops.
 */
export function startTelemetry(
  endpoint: string | undefined,
  serviceName: string,
): NodeSDK | undefined {
  if (!endpoint) return undefined;
  const sdk = new NodeSDK({
    serviceName,
    traceExporter: new OTLPTraceExporter({
      url: `${endpoint.replace(/\/$/, '')}/v1/traces`,
    }),
  });
  sdk.start();
  return sdk;
}
