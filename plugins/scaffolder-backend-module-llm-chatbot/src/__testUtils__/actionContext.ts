import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { JsonValue } from '@backstage/types';

/**
 * createMockActionContext, plus what it leaves out: isDryRun, signal, a
 * checkpoint that replays from a Map (as the task runner does on a retry),
 * outputs collected in an object, and the log lines as text.
 */
export function actionContext<I>(options: {
  input: I;
  isDryRun?: boolean;
  signal?: AbortSignal;
  checkpoints?: Map<string, JsonValue>;
  workspacePath?: string;
  templateInfo?: { baseUrl?: string; entityRef: string };
}) {
  const base = createMockActionContext({
    input: options.input as any,
    workspacePath: options.workspacePath,
    templateInfo: options.templateInfo as any,
  });
  const outputs: Record<string, unknown> = {};
  const logs: string[] = [];
  const checkpoints = options.checkpoints ?? new Map<string, JsonValue>();
  const record =
    (level: string) =>
    (message: string): void => {
      logs.push(`${level}: ${message}`);
    };
  const logger = {
    ...base.logger,
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    debug: record('debug'),
    child: () => logger,
  } as unknown as typeof base.logger;
  const ctx = {
    ...base,
    logger,
    isDryRun: options.isDryRun,
    signal: options.signal,
    output: (name: string, value: unknown) => {
      outputs[name] = value;
    },
    async checkpoint<T extends JsonValue | void>(opts: {
      key: string;
      fn: () => Promise<T> | T;
    }): Promise<T> {
      if (checkpoints.has(opts.key)) return checkpoints.get(opts.key) as T;
      const value = await opts.fn();
      // Stored as JSON, as the task store does: what cannot serialise fails here.
      checkpoints.set(opts.key, JSON.parse(JSON.stringify(value ?? {})));
      return value;
    },
  };
  return { ctx: ctx as any, outputs, logs, checkpoints };
}
