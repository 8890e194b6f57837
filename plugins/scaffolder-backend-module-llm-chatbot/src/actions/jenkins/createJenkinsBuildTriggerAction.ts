import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { z as zod } from 'zod/v3';
import type { JenkinsClientFactory } from './jenkinsInstances';
import { instanceField, jobFullNameField } from './jenkinsFields';
import { examples } from './createJenkinsBuildTriggerAction.examples';
import { BuildFailedError } from '../../errors';

const input = (z: typeof zod) =>
  z.object({
    instance: instanceField(z),
    jobFullName: jobFullNameField(z).describe(
      'Job name with its folders, e.g. chatbots/support-bot',
    ),
    parameters: z
      .record(z.string())
      .default({})
      .describe(
        'Build parameters (buildWithParameters). Default none. Never put secrets here: Jenkins shows them on the build page.',
      ),
    queueWaitSeconds: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .default(300)
      .describe(
        'How long to wait for the queued build to get a number (an agent pod must start). Default 300.',
      ),
    wait: z
      .boolean()
      .default(false)
      .describe(
        'Wait for the build to finish, streaming its console into the task log, and fail the step when it does not succeed. Default false.',
      ),
    timeoutMinutes: z
      .number()
      .int()
      .min(1)
      .max(240)
      .default(45)
      .describe('With wait, how long to follow the build. Default 45.'),
  });

const output = (z: typeof zod) =>
  z.object({
    buildNumber: z.number().describe('The build number Jenkins gave'),
    buildUrl: z.string().describe("The build's page in Jenkins"),
    result: z
      .string()
      .optional()
      .describe('SUCCESS, FAILURE, …: set only with wait'),
  });

/**
 * jenkins:build:trigger. The community module has no trigger that follows
 * the queue to a build number, so a template could not link the build.
 */
export function createJenkinsBuildTriggerAction(options: {
  jenkins: JenkinsClientFactory;
  /** Console poll interval; tests shorten it. */
  pollMs?: number;
}) {
  return createTemplateAction({
    id: 'jenkins:build:trigger',
    description:
      'Queues a build of a Jenkins job, follows the queue item to the build number and can wait for the result, streaming the console into the task log.',
    examples,
    supportsDryRun: true,
    schema: { input, output },
    async handler(ctx) {
      const args = input(zod).parse(ctx.input);
      const client = options.jenkins(args.instance, {
        queueWaitMs: args.queueWaitSeconds * 1000,
        pollMs: options.pollMs,
      });
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would trigger a build of ${args.jobFullName} on Jenkins "${args.instance}"`,
        );
        ctx.output('buildNumber', 1);
        ctx.output('buildUrl', `${client.jobUrl(args.jobFullName)}1/`);
        return;
      }
      // Two checkpoints: a retried task follows the build it already queued
      // (even when following it failed) instead of queueing a second one.
      const { queueItemUrl } = await ctx.checkpoint({
        key: `jenkins.build.queue.${args.instance}.${args.jobFullName}`,
        fn: () =>
          client.queueBuild(args.jobFullName, ctx.signal, args.parameters),
      });
      const build = await ctx.checkpoint({
        key: `jenkins.build.number.${args.instance}.${args.jobFullName}`,
        fn: async () => {
          const followed = await client.followQueue(queueItemUrl, ctx.signal);
          if (followed.buildNumber === undefined) {
            throw new BuildFailedError(
              `The build of ${args.jobFullName} is still queued after ${args.queueWaitSeconds} s (${queueItemUrl}): check that Jenkins can start an agent pod`,
            );
          }
          return {
            buildNumber: followed.buildNumber,
            buildUrl: followed.buildUrl!,
          };
        },
      });
      ctx.logger.info(
        `Build #${build.buildNumber} of ${args.jobFullName}: ${build.buildUrl}`,
      );
      ctx.output('buildNumber', build.buildNumber);
      ctx.output('buildUrl', build.buildUrl);
      if (!args.wait) return;

      const timeout = AbortSignal.timeout(args.timeoutMinutes * 60_000);
      const signal = ctx.signal
        ? AbortSignal.any([ctx.signal, timeout])
        : timeout;
      let state;
      try {
        state = await client.followConsole(
          args.jobFullName,
          build.buildNumber,
          text => {
            for (const line of text.split('\n')) {
              if (line.trim()) ctx.logger.info(line);
            }
          },
          { signal },
        );
      } catch (error) {
        if (timeout.aborted) {
          throw new BuildFailedError(
            `Build #${build.buildNumber} of ${args.jobFullName} did not finish within ${args.timeoutMinutes} minutes: ${build.buildUrl}`,
          );
        }
        throw error;
      }
      ctx.output('result', state.result ?? 'UNKNOWN');
      if (state.result !== 'SUCCESS') {
        throw new BuildFailedError(
          `Build #${build.buildNumber} of ${args.jobFullName} finished ${
            state.result ?? 'without a result'
          }: see ${build.buildUrl}console`,
        );
      }
    },
  });
}
