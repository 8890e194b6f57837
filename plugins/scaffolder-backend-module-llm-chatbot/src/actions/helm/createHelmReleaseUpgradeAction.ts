import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { z as zod } from 'zod/v3';
import { clusterFields } from '../clusterFields';
import { HelmCli } from './HelmCli';
import { writeKubeconfig } from './kubeconfig';
import { readPlatformRelease } from './platformFile';
import { recoverPendingRelease } from './recoverPendingRelease';
import { unsafeFormValues } from './unsafeFormValues';
import { examples } from './createHelmReleaseUpgradeAction.examples';
import type { AccessTokenProvider } from '../../google/credentials';
import type { ClusterResolver } from '../../google/clusterAccess';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$/;

const input = (z: typeof zod) =>
  z
    .object({
      ...clusterFields(z),
      release: z
        .string()
        .regex(
          DNS_LABEL,
          'release must be a DNS label of at most 53 characters',
        )
        .describe('Helm release name'),
      namespace: z
        .string()
        .regex(DNS_LABEL, 'namespace must be a DNS label')
        .optional()
        .describe(
          "Namespace; created if absent. Default: the platform file's namespace for the release.",
        ),
      platformFile: z
        .string()
        .optional()
        .describe(
          "Workspace path of helm/platform.yaml: the release's pinned chart, repository, version and values files come from there. Default none (use chart).",
        ),
      chart: z
        .string()
        .optional()
        .describe(
          'Workspace path of a local chart, e.g. ./chart, when the release is not in the platform file. Default none.',
        ),
      valuesFiles: z
        .array(z.string())
        .default([])
        .describe(
          "Extra values files, workspace paths, applied after the platform file's. Default none.",
        ),
      values: z
        .record(z.unknown())
        .default({})
        .describe(
          'Values from the form, applied last. Never secrets: keys named like tokens, passwords or keys are refused. Default none.',
        ),
      timeoutMinutes: z
        .number()
        .int()
        .min(1)
        .max(45) // the access token in the kubeconfig lives 60 min
        .default(20)
        .describe(
          "helm's --timeout for --atomic --wait. Default 20: above the model server's 15-minute startup allowance.",
        ),
    })
    .refine(v => Boolean(v.platformFile) !== Boolean(v.chart), {
      message:
        'Set exactly one of platformFile (upstream charts) or chart (a local chart)',
    });

const output = (z: typeof zod) =>
  z.object({
    release: z.string().describe('The release name'),
    namespace: z.string().describe('The namespace it is in'),
    revision: z.number().describe('The revision helm deployed'),
    chartVersion: z.string().describe('The chart version installed'),
  });

/**
 * helm:release:upgrade: helm upgrade --install --atomic --wait against a GKE
 * cluster. No community action runs helm; this one also recovers a release
 * left pending by an interrupted run.
 */
export function createHelmReleaseUpgradeAction(options: {
  accessToken: AccessTokenProvider;
  clusters: ClusterResolver;
  helmBinary: string;
}) {
  return createTemplateAction({
    id: 'helm:release:upgrade',
    description:
      'Installs or upgrades a Helm release on the cluster (upgrade --install --atomic --wait), upstream charts pinned by helm/platform.yaml, and recovers a release stuck in pending-* first.',
    examples,
    supportsDryRun: true,
    schema: { input, output },
    async handler(ctx) {
      const args = input(zod).parse(ctx.input);
      const unsafe = unsafeFormValues(args.values);
      if (unsafe.length) {
        throw new InputError(
          `values from the form must not carry secrets, escalate pods or add RBAC objects (${unsafe.join(
            '; ',
          )}): put secrets in a Kubernetes Secret the chart references, and the rest in the chart's own values files`,
        );
      }
      if (ctx.isDryRun && args.platformFile) {
        // The editor's dry run has only the template's folder, not helm/.
        const exists = await readPlatformRelease(
          ctx.workspacePath,
          args.platformFile,
          args.release,
        ).catch(() => undefined);
        if (!exists) {
          ctx.logger.info(
            `Dry run: would install ${args.release} as ${args.platformFile} pins it (the file is not in this dry run's workspace)`,
          );
          ctx.output('release', args.release);
          ctx.output('namespace', args.namespace ?? args.release);
          ctx.output('revision', 1);
          ctx.output('chartVersion', 'pinned in platform.yaml');
          return;
        }
      }
      const upstream = args.platformFile
        ? await readPlatformRelease(
            ctx.workspacePath,
            args.platformFile,
            args.release,
          )
        : undefined;
      const namespace = args.namespace ?? upstream?.namespace;
      if (!namespace) {
        throw new InputError(`Set a namespace for release ${args.release}`);
      }
      const chart = upstream
        ? upstream.chart
        : resolveSafeChildPath(ctx.workspacePath, args.chart!);
      const valuesFiles = [
        ...(upstream?.valuesFiles ?? []),
        ...args.valuesFiles.map(f =>
          resolveSafeChildPath(ctx.workspacePath, f),
        ),
      ];
      const what = upstream
        ? `${upstream.chart} ${upstream.version} from ${upstream.repo}`
        : `chart ${args.chart}`;

      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would helm upgrade --install ${args.release} (${what}) in ${namespace}`,
        );
        ctx.output('release', args.release);
        ctx.output('namespace', namespace);
        ctx.output('revision', 1);
        ctx.output('chartVersion', upstream?.version ?? 'local');
        return;
      }

      const result = await ctx.checkpoint({
        key: `helm.upgrade.${args.project}.${args.location}.${args.cluster}.${namespace}.${args.release}`,
        fn: async () => {
          const dir = await ctx.createTemporaryDirectory();
          const kubeconfig = await writeKubeconfig({
            dir,
            ...(await options.clusters(args)),
            token: await options.accessToken(),
          });
          const formValues = join(dir, 'form-values.yaml');
          await writeFile(formValues, yaml.stringify(args.values), {
            mode: 0o600,
          });
          const helm = new HelmCli(
            options.helmBinary,
            {
              KUBECONFIG: kubeconfig,
              // Repository indexes and charts stay in this run's directory.
              HELM_CACHE_HOME: join(dir, 'cache'),
              HELM_CONFIG_HOME: join(dir, 'config'),
              HELM_DATA_HOME: join(dir, 'data'),
            },
            ctx.logger,
            ctx.signal,
          );
          await recoverPendingRelease(
            helm,
            args.release,
            namespace,
            ctx.logger,
          );
          ctx.logger.info(
            `helm upgrade --install ${args.release} (${what}) in ${namespace}, waiting up to ${args.timeoutMinutes} min`,
          );
          const stdout = await helm.run([
            'upgrade',
            '--install',
            args.release,
            chart,
            ...(upstream
              ? ['--repo', upstream.repo, '--version', upstream.version]
              : []),
            '--namespace',
            namespace,
            '--create-namespace',
            '--atomic',
            '--wait',
            '--timeout',
            `${args.timeoutMinutes}m`,
            ...valuesFiles.flatMap(f => ['--values', f]),
            '--values',
            formValues,
            '--output',
            'json',
          ]);
          const status = JSON.parse(stdout) as {
            version: number;
            chart?: { metadata?: { version?: string } };
          };
          return {
            revision: status.version,
            chartVersion:
              status.chart?.metadata?.version ?? upstream?.version ?? 'local',
          };
        },
      });
      ctx.logger.info(
        `Release ${args.release} in ${namespace} is at revision ${result.revision}`,
      );
      ctx.output('release', args.release);
      ctx.output('namespace', namespace);
      ctx.output('revision', result.revision);
      ctx.output('chartVersion', result.chartVersion);
    },
  });
}
