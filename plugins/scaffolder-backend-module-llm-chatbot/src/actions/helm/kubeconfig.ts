import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import yaml from 'yaml';

/**
 * A kubeconfig for one run: the cluster's endpoint and CA, and a short-lived
 * access token fetched for this run. Mode 0600 in the task's temporary
 * directory, which the scaffolder removes when the step ends.
 */
export async function writeKubeconfig(options: {
  dir: string;
  endpoint: string;
  caCertificate: string;
  token: string;
}): Promise<string> {
  const server = options.endpoint.startsWith('https://')
    ? options.endpoint
    : `https://${options.endpoint}`;
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'target',
        cluster: {
          server,
          'certificate-authority-data': options.caCertificate,
        },
      },
    ],
    users: [{ name: 'portal', user: { token: options.token } }],
    contexts: [
      { name: 'target', context: { cluster: 'target', user: 'portal' } },
    ],
    'current-context': 'target',
  };
  const path = join(options.dir, 'kubeconfig');
  await writeFile(path, yaml.stringify(config), { mode: 0o600 });
  return path;
}
