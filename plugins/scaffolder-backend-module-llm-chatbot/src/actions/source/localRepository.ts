import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import fs from 'fs-extra';
import ignore from 'ignore';

/**
 * The repository holding a local template file: the nearest folder up with
 * a .git, or with backstage.json (the portal's root, as its container image
 * has it: the image carries the sources but not .git).
 */
export function findRepositoryRoot(templateFile: string): string {
  let dir = dirname(templateFile);
  for (;;) {
    if (
      existsSync(join(dir, '.git')) ||
      existsSync(join(dir, 'backstage.json'))
    )
      return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new NotFoundError(
        `The template at ${templateFile} is not inside a git repository or the portal's folder (backstage.json), so no source path can be resolved from it`,
      );
    }
    dir = parent;
  }
}

async function gitignoreRules(dir: string): Promise<string> {
  try {
    return await readFile(join(dir, '.gitignore'), 'utf8');
  } catch {
    return '';
  }
}

/**
 * Copies a folder of the template's own repository into the workspace,
 * leaving out what git ignores (node_modules, build output, local data): the
 * scaffolded repository gets the sources a clone would have.
 */
export async function copyTrackedFiles(options: {
  root: string;
  path: string;
  outputPath: string;
}): Promise<number> {
  const source = resolveSafeChildPath(options.root, options.path);
  if (!existsSync(source)) {
    throw new NotFoundError(
      `${options.path} does not exist in ${options.root}`,
    );
  }
  // .gitignore files at the root and in the copied folder; patterns in the
  // folder's file are relative to it.
  const rootRules = ignore()
    .add(await gitignoreRules(options.root))
    .add('.git');
  const localRules = ignore().add(await gitignoreRules(source));
  let copied = 0;
  await fs.copy(source, options.outputPath, {
    filter: (src: string) => {
      if (src === source) return true;
      const fromRoot = relative(options.root, src);
      const fromSource = relative(source, src);
      const isDir = fs.statSync(src).isDirectory();
      const asPath = (p: string) => (isDir ? `${p}/` : p);
      if (
        rootRules.ignores(asPath(fromRoot)) ||
        localRules.ignores(asPath(fromSource))
      ) {
        return false;
      }
      if (!isDir) copied++;
      return true;
    },
  });
  return copied;
}
