import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** A Secret the administrator defined in config, to be placed in a new cluster. */
export interface ClusterSecret {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  data: Record<string, string>;
}

const stringMap = (config?: Config) =>
  Object.fromEntries(
    (config?.keys() ?? []).map(k => [k, config!.getString(k)]),
  );

/**
 * llmChatbot.scaffolder.clusterSecrets: the only Secrets a template can put
 * in a cluster. A template names one; it can never read other backend config,
 * and the values never pass through the form, the task log or a checkpoint.
 */
export function readClusterSecrets(config: Config): Map<string, ClusterSecret> {
  const secrets = new Map<string, ClusterSecret>();
  const block = config.getOptionalConfig('llmChatbot.scaffolder.clusterSecrets');
  for (const name of block?.keys() ?? []) {
    const entry = block!.getConfig(name);
    secrets.set(name, {
      name,
      namespace: entry.getString('namespace'),
      labels: stringMap(entry.getOptionalConfig('labels')),
      annotations: stringMap(entry.getOptionalConfig('annotations')),
      data: stringMap(entry.getConfig('data')),
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
