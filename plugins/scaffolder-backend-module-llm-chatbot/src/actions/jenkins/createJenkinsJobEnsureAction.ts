import { ConflictError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { z as zod } from 'zod/v3';
import { folderXml } from '@internal/plugin-llm-chatbot-node';
import type { JenkinsClientFactory } from './jenkinsInstances';
import { instanceField, jobFullNameField } from './jenkinsFields';
import {
  builtRepository,
  pipelineJobXml,
  sameRepository,
} from './pipelineJobXml';
import { examples } from './createJenkinsJobEnsureAction.examples';

const input = (z: typeof zod) =>
  z.object({
    instance: instanceField(z),
    jobFullName: jobFullNameField(z).describe(
      'Job name with its folders, e.g. chatbots/support-bot. Missing folders are created.',
    ),
    repoUrl: z
      .string()
      .url()
      .describe(
        'Git URL the job clones, e.g. https://github.com/acme/support-bot.git',
      ),
    branch: z
      .string()
      .regex(/^[A-Za-z0-9._\/-]+$/, 'branch must be a git branch name')
      .default('main')
      .describe('The one branch that builds and deploys. Default main.'),
    scriptPath: z
      .string()
      .default('Jenkinsfile')
      .describe(
        'Path of the Jenkinsfile in the repository. Default Jenkinsfile.',
      ),
    credentialsId: z
      .string()
      .optional()
      .describe(
        'Jenkins credentials id for cloning a private repository (a Kubernetes Secret through kubernetes-credentials-provider). Default none.',
      ),
    description: z
      .string()
      .default('')
      .describe('Job description shown in Jenkins. Default empty.'),
    pollSchedule: z
      .string()
      .regex(/^\S+( \S+){4}$/, 'pollSchedule must be a five-field cron spec')
      .default('H/5 * * * *')
      .describe(
        'How often Jenkins polls the branch for new commits (cron; H spreads the load). Default every 5 minutes.',
      ),
  });

const output = (z: typeof zod) =>
  z.object({
    jobUrl: z.string().describe("The job's page in Jenkins"),
    jobFullName: z.string().describe('The job name with its folders'),
    created: z
      .boolean()
      .describe('True when this run created the job, false when it updated it'),
  });

/**
 * jenkins:job:ensure. Not the community `jenkins:job:create`: that one fails
 * when the job exists (so a re-run fails), creates no folders and has no dry
 * run.
 */
export function createJenkinsJobEnsureAction(options: {
  jenkins: JenkinsClientFactory;
  /**
   * Usage-restricted Kubernetes clouds the folders this action creates may
   * use (the credentialed delivery pod templates live in one); jobs outside
   * those folders cannot name them.
   */
  permittedClouds?: string[];
}) {
  return createTemplateAction({
    id: 'jenkins:job:ensure',
    description:
      "Creates a pipeline job for the repository's Jenkinsfile, or updates the job already there (folders included), so a re-run leaves one job.",
    examples,
    supportsDryRun: true,
    schema: { input, output },
    async handler(ctx) {
      const args = input(zod).parse(ctx.input);
      const client = options.jenkins(args.instance);
      const jobUrl = client.jobUrl(args.jobFullName);
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would create or update ${args.jobFullName} on Jenkins "${args.instance}", building ${args.branch} of ${args.repoUrl}`,
        );
        ctx.output('jobUrl', jobUrl);
        ctx.output('jobFullName', args.jobFullName);
        ctx.output('created', false);
        return;
      }
      const configXml = pipelineJobXml(args);
      const result = await ctx.checkpoint({
        key: `jenkins.job.${args.instance}.${args.jobFullName}`,
        fn: async () => {
          const ensured = await client.ensureJob(
            args.jobFullName,
            configXml,
            ctx.signal,
            folderXml(options.permittedClouds),
            current => assertSameRepository(args, current),
          );
          return {
            created: ensured.outcome === 'created',
            createdFolders: ensured.createdFolders,
          };
        },
      });
      for (const folder of result.createdFolders) {
        ctx.logger.info(`Created folder ${folder}`);
      }
      ctx.logger.info(
        `${result.created ? 'Created' : 'Updated'} Jenkins job ${
          args.jobFullName
        }: ${jobUrl}`,
      );
      ctx.output('jobUrl', jobUrl);
      ctx.output('jobFullName', args.jobFullName);
      ctx.output('created', result.created);
    },
  });
}

/**
 * A re-run updates the job it made; it never re-points another chatbot's
 * job (same name, another repository) at the caller's repository, which
 * would run the caller's Jenkinsfile with that chatbot's deploy rights.
 */
function assertSameRepository(
  args: { jobFullName: string; repoUrl: string },
  currentConfigXml: string,
) {
  const built = builtRepository(currentConfigXml);
  if (built && sameRepository(built, args.repoUrl)) return;
  throw new ConflictError(
    `Jenkins job ${args.jobFullName} already exists and builds ${
      built ?? 'something other than a repository this action made it for'
    }, not ${
      args.repoUrl
    }: choose another chatbot name, or have a Jenkins administrator delete that job first`,
  );
}
