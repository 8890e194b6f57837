import { InputError } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  type ScmIntegrations,
} from '@backstage/integration';
import {
  createTemplateAction,
  parseRepoUrl,
} from '@backstage/plugin-scaffolder-node';
import { Octokit } from 'octokit';
import yaml from 'yaml';
import { z as zod } from 'zod/v3';
import { examples } from './createGithubRepoFindAction.examples';

const input = (z: typeof zod) =>
  z.object({
    repoUrl: z
      .string()
      .min(1)
      .describe(
        "RepoUrlPicker's value: github.com?owner=acme&repo=support-bot",
      ),
    entityName: z
      .string()
      .optional()
      .describe(
        "The chatbot's entity name: an existing repository is adopted only when its catalog-info.yaml declares it (another team's repository is refused). Default: no check.",
      ),
    defaultBranch: z
      .string()
      .default('main')
      .describe(
        'The branch publish:github will create, for the URLs of a repository not there yet. Default main.',
      ),
  });

const output = (z: typeof zod) =>
  z.object({
    exists: z.boolean().describe('Whether the repository exists'),
    remoteUrl: z
      .string()
      .describe('Its clone URL (the one it will have, when absent)'),
    htmlUrl: z.string().describe('Its page (the one it will have)'),
    repoContentsUrl: z
      .string()
      .describe(
        'Its default branch contents, as publish:github reports it (the one it will have)',
      ),
  });

/**
 * llm-chatbot:github:repo:find. publish:github fails when the repository
 * exists, so a second run of the template would stop there; the template
 * publishes only when this finds nothing, and adopts the repository otherwise.
 */
export function createGithubRepoFindAction(options: {
  integrations: ScmIntegrations;
}) {
  const credentials = DefaultGithubCredentialsProvider.fromIntegrations(
    options.integrations,
  );
  return createTemplateAction({
    id: 'llm-chatbot:github:repo:find',
    description:
      'Looks up a GitHub repository, so a re-run of a template adopts the repository an earlier run published.',
    examples,
    supportsDryRun: true,
    schema: { input, output },
    async handler(ctx) {
      const args = input(zod).parse(ctx.input);
      const { host, owner, repo } = parseRepoUrl(
        args.repoUrl,
        options.integrations,
      );
      if (!owner || !repo) {
        throw new InputError(`${args.repoUrl} names no owner and repository`);
      }
      const integration = options.integrations.github.byHost(host);
      if (!integration) {
        throw new InputError(
          `No GitHub integration for ${host}: add it under integrations.github in app-config`,
        );
      }
      // What publish:github will report for a repository it creates.
      const absent = () => {
        const htmlUrl = `https://${host}/${owner}/${repo}`;
        ctx.output('exists', false);
        ctx.output('remoteUrl', `${htmlUrl}.git`);
        ctx.output('htmlUrl', htmlUrl);
        ctx.output('repoContentsUrl', `${htmlUrl}/blob/${args.defaultBranch}`);
      };
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would look up ${owner}/${repo} on ${host}`);
        absent();
        return;
      }
      const { token } = await credentials.getCredentials({
        url: `https://${host}/${owner}/${repo}`,
      });
      if (!token) {
        // Anonymously a private repository looks absent.
        throw new InputError(
          `No GitHub credentials for ${host}/${owner}: add a token or app under integrations.github in app-config`,
        );
      }
      const octokit = new Octokit({
        auth: token,
        baseUrl: integration.config.apiBaseUrl,
      });
      try {
        const { data } = await octokit.rest.repos.get({ owner, repo });
        if (args.entityName) {
          await assertMadeFor(octokit, owner, repo, args.entityName);
        }
        ctx.logger.info(
          `${owner}/${repo} exists (published by an earlier run): adopting it`,
        );
        ctx.output('exists', true);
        ctx.output('remoteUrl', data.clone_url);
        ctx.output('htmlUrl', data.html_url);
        ctx.output(
          'repoContentsUrl',
          `${data.html_url}/blob/${data.default_branch}`,
        );
      } catch (error) {
        if ((error as { status?: number }).status !== 404) throw error;
        ctx.logger.info(`${owner}/${repo} does not exist yet`);
        absent();
      }
    },
  });
}

/** The repository's catalog-info.yaml names this chatbot, or it is not ours to adopt. */
async function assertMadeFor(
  octokit: Octokit,
  owner: string,
  repo: string,
  entityName: string,
) {
  let text = '';
  try {
    const { data } = await octokit.rest.repos.getContent({
      owner,
      repo,
      path: 'catalog-info.yaml',
    });
    if ('content' in data && typeof data.content === 'string') {
      text = Buffer.from(data.content, 'base64').toString('utf8');
    }
  } catch (error) {
    if ((error as { status?: number }).status !== 404) throw error;
  }
  const entity = text ? yaml.parse(text) : undefined;
  if (
    entity?.metadata?.name !== entityName ||
    entity?.metadata?.annotations?.['llm-chatbot.io/collection'] !== entityName
  ) {
    throw new InputError(
      `${owner}/${repo} already exists and is not the repository of chatbot ${entityName}: choose another repository name`,
    );
  }
}
