import type { UrlReaderService } from '@backstage/backend-plugin-api';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { ScmIntegrations } from '@backstage/integration';
import {
  createTemplateAction,
  fetchContents,
} from '@backstage/plugin-scaffolder-node';
import { z as zod } from 'zod/v3';
import { copyTrackedFiles, findRepositoryRoot } from './localRepository';
import { examples } from './createSourceFetchAction.examples';

const input = (z: typeof zod) =>
  z.object({
    path: z
      .string()
      .regex(
        /^(?!\/)(?!.*(^|\/)\.\.(\/|$)).+$/,
        'path must be relative to the repository root, without ..',
      )
      .describe(
        "A folder of the template's own repository, from its root, e.g. services/chatbot",
      ),
    targetPath: z
      .string()
      .default('.')
      .describe(
        'Where in the workspace to put it. Default the workspace root.',
      ),
  });

const output = (z: typeof zod) =>
  z.object({
    targetPath: z.string().describe('The workspace folder it was copied to'),
  });

/**
 * llm-chatbot:source:fetch. fetch:plain resolves a path against the
 * template's folder and, for a template loaded from a local file, refuses
 * anything outside it, and copies node_modules and build output with the
 * sources. The chatbot service lives once, in services/chatbot, so the
 * template reads it from the repository root instead: through the SCM
 * integration when the template came from a URL, or from the local work tree
 * (without git-ignored files) when it came from a file.
 */
export function createSourceFetchAction(options: {
  reader: UrlReaderService;
  integrations: ScmIntegrations;
}) {
  return createTemplateAction({
    id: 'llm-chatbot:source:fetch',
    description:
      "Copies a folder of the template's own repository (e.g. services/chatbot) into the workspace, as a clone would have it.",
    examples,
    supportsDryRun: true,
    schema: { input, output },
    async handler(ctx) {
      const args = input(zod).parse(ctx.input);
      const baseUrl = ctx.templateInfo?.baseUrl;
      if (!baseUrl) {
        throw new InputError(
          'llm-chatbot:source:fetch needs the template location (templateInfo.baseUrl)',
        );
      }
      const outputPath = resolveSafeChildPath(
        ctx.workspacePath,
        args.targetPath,
      );
      // Reading the template's own repository has no side effect, so a dry
      // run copies too: the editor then shows the real files.
      if (baseUrl.startsWith('file://')) {
        let root: string;
        try {
          root = findRepositoryRoot(baseUrl.slice('file://'.length));
        } catch (error) {
          // The editor's dry run copies the template into a temporary folder,
          // outside any repository: say so and go on.
          if (!ctx.isDryRun) throw error;
          ctx.logger.info(
            `Dry run: the template is not inside a repository here, so ${args.path} is not copied`,
          );
          ctx.output('targetPath', args.targetPath);
          return;
        }
        const count = await copyTrackedFiles({
          root,
          path: args.path,
          outputPath,
        });
        ctx.logger.info(`Copied ${count} files of ${args.path}`);
      } else {
        // fetchContents resolves it against the template's location through
        // its integration; a leading slash means the repository root.
        await fetchContents({
          reader: options.reader,
          integrations: options.integrations,
          baseUrl,
          fetchUrl: `/${args.path}`,
          outputPath,
        });
        ctx.logger.info(`Fetched ${args.path} of the template's repository`);
      }
      ctx.output('targetPath', args.targetPath);
    },
  });
}
