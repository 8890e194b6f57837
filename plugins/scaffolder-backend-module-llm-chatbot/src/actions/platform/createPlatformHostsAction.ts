import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { z as zod } from 'zod/v3';
import type { JenkinsClientFactory } from '../jenkins/jenkinsInstances';
import { examples } from './createPlatformHostsAction.examples';

const input = (z: typeof zod) =>
  z.object({
    jenkinsInstance: z
      .string()
      .optional()
      .describe(
        'The jenkins.instances entry of the Jenkins the template installs (named after the cluster); none when it uses an existing one',
      ),
    monitoring: z
      .boolean()
      .default(false)
      .describe('Whether the template installs Grafana. Default false.'),
  });

const output = (z: typeof zod) =>
  z.object({
    jenkinsHost: z
      .string()
      .optional()
      .describe(
        "The installed Jenkins' ingress host: its configured baseUrl's",
      ),
    grafanaHost: z
      .string()
      .optional()
      .describe("Grafana's ingress host: llmChatbot.grafana.baseUrl's"),
  });

/**
 * llm-chatbot:platform:hosts. The hosts of the shared platform a template
 * installs (Jenkins, Grafana) come from the portal's config, where the
 * portal itself reaches and links them, never from the form: a form host
 * re-installed a cluster's shared ingresses at whatever a user typed, before
 * any later check could refuse it.
 */
export function createPlatformHostsAction(options: {
  jenkins: JenkinsClientFactory;
  /** llmChatbot.grafana.baseUrl: where the entity pages link Grafana. */
  grafanaBaseUrl?: string;
}) {
  return createTemplateAction({
    id: 'llm-chatbot:platform:hosts',
    description:
      "The ingress hosts of the Jenkins and Grafana a template installs, from the portal's config (jenkins.instances, llmChatbot.grafana.baseUrl).",
    examples,
    supportsDryRun: true,
    schema: { input, output },
    async handler(ctx) {
      const args = input(zod).parse(ctx.input);
      if (args.jenkinsInstance) {
        const jenkinsHost = new URL(
          options.jenkins(args.jenkinsInstance).jobUrl('x'),
        ).hostname;
        ctx.logger.info(`Jenkins will serve at ${jenkinsHost}`);
        ctx.output('jenkinsHost', jenkinsHost);
      }
      if (args.monitoring) {
        if (!options.grafanaBaseUrl) {
          throw new InputError(
            'Grafana is to be installed, but llmChatbot.grafana.baseUrl is not set: an administrator sets it to the address Grafana will serve at (the entity pages link it there)',
          );
        }
        const grafanaHost = new URL(options.grafanaBaseUrl).hostname;
        ctx.logger.info(`Grafana will serve at ${grafanaHost}`);
        ctx.output('grafanaHost', grafanaHost);
      }
    },
  });
}
