import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { z as zod } from 'zod/v3';
import type { AccessTokenProvider } from '../../google/credentials';
import type { ClusterResolver } from '../../google/clusterAccess';
import { clusterFields } from '../clusterFields';
import { apiStatus, coreApiFor, explainKubernetesError } from './kubernetesApi';
import { type ClusterSecret, pickClusterSecret } from './clusterSecrets';
import { examples } from './createKubernetesSecretEnsureAction.examples';

const input = (z: typeof zod) =>
  z.object({
    ...clusterFields(z),
    name: z
      .string()
      .min(1)
      .describe(
        'Name of a Secret defined under llmChatbot.scaffolder.clusterSecrets in app-config',
      ),
  });

const output = (z: typeof zod) =>
  z.object({
    name: z.string().describe('The Secret name'),
    namespace: z.string().describe('Its namespace'),
    created: z.boolean().describe('True when this run created it'),
  });

/**
 * kubernetes:secret:ensure. Puts a Secret the administrator configured (the
 * Jenkins admin login, the chatbots' shared portal token) into the cluster,
 * so no one pastes tokens into values files. No community action does this
 * without taking the secret from the form.
 */
export function createKubernetesSecretEnsureAction(options: {
  accessToken: AccessTokenProvider;
  clusters: ClusterResolver;
  clusterSecrets: Map<string, ClusterSecret>;
}) {
  return createTemplateAction({
    id: 'kubernetes:secret:ensure',
    description:
      'Creates or updates a Secret, defined in app-config under llmChatbot.scaffolder.clusterSecrets, in its namespace on the cluster (the namespace too when absent).',
    examples,
    supportsDryRun: true,
    schema: { input, output },
    async handler(ctx) {
      const args = input(zod).parse(ctx.input);
      const secret = pickClusterSecret(options.clusterSecrets, args.name);
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would ensure Secret ${secret.namespace}/${
            secret.name
          } (keys ${Object.keys(secret.data).join(', ')})`,
        );
        ctx.output('name', secret.name);
        ctx.output('namespace', secret.namespace);
        ctx.output('created', false);
        return;
      }
      const result = await ctx.checkpoint({
        key: `kubernetes.secret.${args.project}.${args.location}.${args.cluster}.${secret.namespace}.${secret.name}`,
        fn: async () => {
          const api = coreApiFor({
            ...(await options.clusters(args)),
            token: await options.accessToken(),
          });
          try {
            await api.createNamespace({
              body: { metadata: { name: secret.namespace } },
            });
            ctx.logger.info(`Created namespace ${secret.namespace}`);
          } catch (error) {
            if (apiStatus(error) !== 409) {
              throw explainKubernetesError(
                error,
                `create namespace ${secret.namespace}`,
              );
            }
          }
          const where = `${secret.namespace}/${secret.name}`;
          const body = {
            metadata: {
              name: secret.name,
              namespace: secret.namespace,
              labels: {
                ...secret.labels,
                'app.kubernetes.io/managed-by': 'backstage',
              },
              annotations: secret.annotations,
            },
            type: secret.type,
            stringData: secret.data,
          };
          try {
            await api.createNamespacedSecret({
              namespace: secret.namespace,
              body,
            });
            return { created: true };
          } catch (error) {
            if (apiStatus(error) !== 409) {
              throw explainKubernetesError(error, `create Secret ${where}`);
            }
          }
          // Replaced, so a rotated value in config reaches the cluster.
          try {
            await api.replaceNamespacedSecret({
              name: secret.name,
              namespace: secret.namespace,
              body,
            });
          } catch (error) {
            throw explainKubernetesError(error, `update Secret ${where}`);
          }
          return { created: false };
        },
      });
      ctx.logger.info(
        `${result.created ? 'Created' : 'Updated'} Secret ${secret.namespace}/${
          secret.name
        }`,
      );
      ctx.output('name', secret.name);
      ctx.output('namespace', secret.namespace);
      ctx.output('created', result.created);
    },
  });
}
