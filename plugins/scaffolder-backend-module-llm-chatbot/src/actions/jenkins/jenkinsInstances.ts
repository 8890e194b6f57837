import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  JenkinsClient,
  readJenkinsInstances,
} from '@internal/plugin-llm-chatbot-node';

/** Builds a client for an instance named in a template, from the shared `jenkins` config block. */
export type JenkinsClientFactory = (
  instance: string,
  options?: { queueWaitMs?: number; pollMs?: number },
) => JenkinsClient;

export function jenkinsClientFactory(config: Config): JenkinsClientFactory {
  const instances = readJenkinsInstances(config);
  return (name, options = {}) => {
    const instance = instances.get(name);
    if (!instance) {
      const known = [...instances.keys()];
      throw new InputError(
        `No Jenkins instance "${name}" is configured: add it under jenkins.instances in app-config${
          known.length ? ` (configured: ${known.join(', ')})` : ''
        }`,
      );
    }
    return new JenkinsClient(instance, {
      queueWaitMs: options.queueWaitMs ?? 120_000,
      pollMs: options.pollMs,
    });
  };
}
