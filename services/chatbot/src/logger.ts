import { pino, type Logger } from 'pino';
import { trace } from '@opentelemetry/api';
import { redactSecrets } from './util/secrets.js';

export type { Logger };

/**
 * JSON logs. Authorization headers and anything named like a secret are
 * redacted; document text and chat messages are never passed to the logger.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'llm-chatbot' },
    redact: {
      paths: [
        'req.headers.authorization',
        '*.apiKey',
        '*.token',
        '*.password',
        'headers.authorization',
      ],
      censor: '[redacted]',
    },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Upstream errors can quote the key they were sent (see util/secrets).
    hooks: { streamWrite: redactSecrets },
    // Grafana links a log line to its trace in Tempo by this field.
    mixin() {
      const span = trace.getActiveSpan();
      return span ? { traceId: span.spanContext().traceId } : {};
    },
  });
}
