import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** A Secret the administrator defined in config, to be placed in a new cluster. */
export interface ClusterSecret {
  name: string;
  namespace: string;
  /** Opaque unless said, e.g. kubernetes.io/tls for a certificate. */
  type: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  data: Record<string, string>;
}

/**
 * Label and annotation keys hold dots and slashes, which config keys may
 * not, so these maps are read whole.
 */
function stringMap(entry: Config, key: string, required = false) {
  const value = required ? entry.get(key) : entry.getOptional(key);
  if (value === undefined) return {};
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    Object.values(value).some(v => typeof v !== 'string')
  ) {
    throw new InputError(
      `llmChatbot.scaffolder.clusterSecrets: ${key} must map names to strings`,
    );
  }
  return value as Record<string, string>;
}

/**
 * llmChatbot.scaffolder.clusterSecrets: the only Secrets a template can put
 * in a cluster. A template names one; it can never read other backend config,
 * and the values never pass through the form, the task log or a checkpoint.
 */
export function readClusterSecrets(config: Config): Map<string, ClusterSecret> {
  const secrets = new Map<string, ClusterSecret>();
  const block = config.getOptionalConfig(
    'llmChatbot.scaffolder.clusterSecrets',
  );
  for (const name of block?.keys() ?? []) {
    const entry = block!.getConfig(name);
    secrets.set(name, {
      name,
      namespace: entry.getString('namespace'),
      type: entry.getOptionalString('type') ?? 'Opaque',
      labels: stringMap(entry, 'labels'),
      annotations: stringMap(entry, 'annotations'),
      data: stringMap(entry, 'data', true),
    });
  }
  return secrets;
}

export function pickClusterSecret(
  secrets: Map<string, ClusterSecret>,
  name: string,
): ClusterSecret {
  const secret = secrets.get(name);
  if (!secret) {
    throw new InputError(
      `No cluster Secret "${name}" is configured: add it under llmChatbot.scaffolder.clusterSecrets in app-config${
        secrets.size ? ` (configured: ${[...secrets.keys()].join(', ')})` : ''
      }`,
    );
  }
  return secret;
}
