import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import yaml from 'yaml';
import { z } from 'zod/v3';

/** One upstream release in helm/platform.yaml: where its chart comes from, pinned. */
const platformRelease = z.object({
  namespace: z.string(),
  repo: z.string().url(),
  chart: z.string(),
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'an exact chart version'),
  valuesFiles: z.array(z.string()).default([]),
});

export type PlatformRelease = z.infer<typeof platformRelease>;

const platformFile = z.object({
  releases: z.record(platformRelease),
});

/**
 * Reads one release from the platform file (helm/platform.yaml, fetched into
 * the workspace). Its values files are relative to the platform file.
 */
export async function readPlatformRelease(
  workspacePath: string,
  file: string,
  release: string,
): Promise<PlatformRelease & { valuesFiles: string[] }> {
  const path = resolveSafeChildPath(workspacePath, file);
  let parsed;
  try {
    parsed = platformFile.parse(yaml.parse(await readFile(path, 'utf8')));
  } catch (error) {
    throw new InputError(
      `${file} is not a platform file (releases.<name>.{namespace, repo, chart, version}): ${
        (error as Error).message
      }`,
    );
  }
  const entry = parsed.releases[release];
  if (!entry) {
    throw new InputError(
      `${file} has no release "${release}" (it lists ${Object.keys(
        parsed.releases,
      ).join(', ')})`,
    );
  }
  const base = dirname(path);
  return {
    ...entry,
    valuesFiles: entry.valuesFiles.map(f => resolveSafeChildPath(base, f)),
  };
}
