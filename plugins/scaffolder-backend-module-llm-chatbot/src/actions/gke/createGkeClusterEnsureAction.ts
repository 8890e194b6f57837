import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { z as zod } from 'zod/v3';
import {
  GkeClusters,
  GrpcCode,
  grpcCode,
  type Cluster,
} from '../../google/GkeClusters';
import { NodeServiceAccount } from '../../google/NodeServiceAccount';
import type { AllowedProjects } from '../../google/allowedProjects';
import { ClusterError, DeadlineExceededError } from '../../errors';
import { sleep } from '@internal/plugin-llm-chatbot-node';
import {
  GPU_POOL,
  compareCluster,
  desiredCluster,
  gpuNodePool,
  nodeServiceAccountEmail,
  nodeServiceAccountId,
  type ClusterRequest,
} from './clusterSpec';
import { explainGkeError, explainIamError } from './gkeErrors';
import { operationName, waitForOperation } from './waitForOperation';
import { examples } from './createGkeClusterEnsureAction.examples';
import { clusterFields } from '../clusterFields';

const input = (z: typeof zod) =>
  z
    .object({
      project: clusterFields(z).project,
      location: clusterFields(z).location.describe(
        'Zone (zonal cluster) or region',
      ),
      name: clusterFields(z).cluster.describe('Cluster name'),
      mode: z
        .enum(['create', 'adopt'])
        .default('create')
        .describe(
          'create: create the cluster when absent and adopt it when present; adopt: it must exist. Default create.',
        ),
      machineType: z
        .string()
        .optional()
        .describe(
          'Node machine type; required to create (the template passes its default)',
        ),
      minNodes: z
        .number()
        .int()
        .min(1)
        .max(100)
        .optional()
        .describe('Autoscaling minimum; required to create'),
      maxNodes: z
        .number()
        .int()
        .min(1)
        .max(100)
        .optional()
        .describe('Autoscaling maximum; required to create'),
      releaseChannel: z
        .enum(['RAPID', 'REGULAR', 'STABLE'])
        .default('REGULAR')
        .describe('GKE release channel. Default REGULAR.'),
      gpu: z
        .boolean()
        .default(false)
        .describe(
          'Add a GPU node pool (scales from zero) for an in-cluster model server. Default false.',
        ),
      gpuMachineType: z
        .string()
        .default('g2-standard-8')
        .describe('GPU pool machine type. Default g2-standard-8.'),
      gpuAccelerator: z
        .string()
        .default('nvidia-l4')
        .describe('GPU type. Default nvidia-l4.'),
      timeoutMinutes: z
        .number()
        .int()
        .min(1)
        .max(120)
        .default(45)
        .describe('How long to wait for GKE operations. Default 45.'),
    })
    .refine(
      v => v.mode === 'adopt' || (v.machineType && v.minNodes && v.maxNodes),
      {
        message:
          'machineType, minNodes and maxNodes are required to create a cluster',
      },
    )
    .refine(v => !v.minNodes || !v.maxNodes || v.minNodes <= v.maxNodes, {
      message: 'minNodes must not exceed maxNodes',
    });

const output = (z: typeof zod) =>
  z.object({
    endpoint: z.string().describe("The control plane's address"),
    caCertificate: z
      .string()
      .describe("The cluster's CA certificate, base64 PEM"),
    location: z.string().describe('The location'),
    name: z.string().describe('The cluster name'),
    created: z.boolean().describe('True when this run created the cluster'),
  });

/**
 * gke:cluster:ensure. There is no community GKE action; this one creates a
 * Standard cluster with the security settings terraform/ uses, or adopts an
 * existing one after checking it, refusing when matching would be destructive.
 */
export function createGkeClusterEnsureAction(options: {
  gke: () => GkeClusters;
  projects: AllowedProjects;
  serviceAccounts: NodeServiceAccount;
  pollMs?: number;
}) {
  return createTemplateAction({
    id: 'gke:cluster:ensure',
    description:
      'Creates a GKE Standard cluster with Workload Identity, shielded nodes and a least-privilege node service account, or adopts the existing one after checking that it matches.',
    examples,
    supportsDryRun: true,
    schema: { input, output },
    async handler(ctx) {
      const args = input(zod).parse(ctx.input);
      options.projects.assert(args.project); // a dry run says so too
      const where = `${args.project}/${args.location}/${args.name}`;
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would ${
            args.mode === 'create' ? 'create or adopt' : 'adopt'
          } GKE cluster ${where}`,
        );
        ctx.output('endpoint', '203.0.113.10');
        // Placeholders the later steps accept (base64 of "dry run").
        ctx.output('caCertificate', 'ZHJ5IHJ1bg==');
        ctx.output('location', args.location);
        ctx.output('name', args.name);
        ctx.output('created', false);
        return;
      }
      const req: ClusterRequest = {
        project: args.project,
        location: args.location,
        name: args.name,
        machineType: args.machineType ?? '',
        minNodes: args.minNodes ?? 1,
        maxNodes: args.maxNodes ?? 1,
        releaseChannel: args.releaseChannel,
        ...(args.gpu
          ? {
              gpu: {
                machineType: args.gpuMachineType,
                accelerator: args.gpuAccelerator,
              },
            }
          : {}),
      };
      const wait = {
        deadline: Date.now() + args.timeoutMinutes * 60_000,
        pollMs: options.pollMs ?? 10_000,
        logger: ctx.logger,
        signal: ctx.signal,
      };
      const gke = options.gke();
      try {
        const result = await ctx.checkpoint({
          key: `gke.ensure.${args.project}.${args.location}.${args.name}`,
          fn: async () => {
            let created = false;
            for (;;) {
              ctx.signal?.throwIfAborted();
              if (Date.now() >= wait.deadline) {
                throw new DeadlineExceededError(
                  `GKE cluster ${where} was not ready within ${args.timeoutMinutes} min; whatever GKE is doing continues, and running the template again adopts the result`,
                );
              }
              const cluster = await gke.get(
                args.project,
                args.location,
                args.name,
                ctx.signal,
              );
              if (!cluster) {
                if (args.mode === 'adopt') {
                  throw new ClusterError(
                    `GKE cluster ${where} does not exist: check its name and location, or choose to create it`,
                  );
                }
                await ensureNodeIdentity();
                created = (await createCluster()) || created;
                continue;
              }
              const status = String(cluster.status);
              if (status === 'PROVISIONING' || status === 'RECONCILING') {
                ctx.logger.info(
                  `Cluster ${where} is ${status}: waiting for its operations`,
                );
                await waitForRunning();
                continue;
              }
              if (status !== 'RUNNING') {
                throw new ClusterError(
                  `GKE cluster ${where} is ${status}${
                    cluster.statusMessage ? `: ${cluster.statusMessage}` : ''
                  }; fix it in the console, then run the template again`,
                );
              }
              checkAdoptable(cluster);
              if (
                req.gpu &&
                !(cluster.nodePools ?? []).some(p => p.name === GPU_POOL)
              ) {
                await addGpuPool();
                continue;
              }
              ctx.logger.info(
                `${
                  created ? 'Created' : 'Adopted'
                } GKE cluster ${where} (endpoint ${cluster.endpoint})`,
              );
              return {
                endpoint: cluster.endpoint ?? '',
                caCertificate: cluster.masterAuth?.clusterCaCertificate ?? '',
                created,
              };
            }
          },
        });
        ctx.output('endpoint', result.endpoint);
        ctx.output('caCertificate', result.caCertificate);
        ctx.output('location', args.location);
        ctx.output('name', args.name);
        ctx.output('created', result.created);
      } finally {
        await gke.close();
      }

      async function ensureNodeIdentity() {
        const email = nodeServiceAccountEmail(args.project, args.name);
        try {
          if (
            await options.serviceAccounts.ensureAccount(
              args.project,
              nodeServiceAccountId(args.name),
              args.name,
            )
          ) {
            ctx.logger.info(`Created node service account ${email}`);
          }
          if (
            await options.serviceAccounts.grantRoles(
              args.project,
              email,
              ctx.signal,
            )
          ) {
            ctx.logger.info(`Granted ${email} the node roles`);
          }
        } catch (error) {
          throw explainIamError(error, email);
        }
      }

      /** True when this call's operation created the cluster. */
      async function createCluster(): Promise<boolean> {
        ctx.logger.info(`Creating GKE cluster ${where}`);
        let operation;
        try {
          operation = await gke.create(
            args.project,
            args.location,
            desiredCluster(req),
          );
        } catch (error) {
          const code = grpcCode(error);
          if (code === GrpcCode.ALREADY_EXISTS) {
            // Another run won the race; its cluster appears shortly.
            await sleep(wait.pollMs, ctx.signal);
            return false;
          }
          if (
            code === GrpcCode.FAILED_PRECONDITION &&
            (await operationsRunning())
          ) {
            ctx.logger.info(
              `Another operation is running on ${where}: waiting for it`,
            );
            await waitForRunning();
            return false;
          }
          throw explainGkeError(error, `create cluster ${where}`);
        }
        await waitForOperation(
          gke,
          operationName(args.project, args.location, operation.name ?? ''),
          wait,
        );
        return true;
      }

      async function addGpuPool() {
        ctx.logger.info(`Adding the GPU node pool to ${where}`);
        try {
          const operation = await gke.createNodePool(
            args.project,
            args.location,
            args.name,
            gpuNodePool(req, nodeServiceAccountEmail(args.project, args.name)),
          );
          await waitForOperation(
            gke,
            operationName(args.project, args.location, operation.name ?? ''),
            wait,
          );
        } catch (error) {
          if (
            grpcCode(error) === GrpcCode.FAILED_PRECONDITION &&
            (await operationsRunning())
          ) {
            await waitForRunning();
            return;
          }
          throw explainGkeError(error, `add a GPU node pool to ${where}`);
        }
      }

      async function operationsRunning() {
        const running = await gke.runningOperations(
          args.project,
          args.location,
          args.name,
        );
        return running.length > 0;
      }

      /** Waits out every operation running on the cluster, or polls once when none is listed. */
      async function waitForRunning() {
        const running = await gke.runningOperations(
          args.project,
          args.location,
          args.name,
        );
        for (const op of running) {
          await waitForOperation(
            gke,
            operationName(args.project, args.location, op.name ?? ''),
            wait,
          );
        }
        if (running.length === 0) await sleep(wait.pollMs, ctx.signal);
      }

      function checkAdoptable(cluster: Cluster) {
        const diffs = compareCluster(cluster, req, {
          checkSizing: args.mode === 'create',
        });
        const destructive = diffs.filter(d => d.destructive);
        if (destructive.length) {
          throw new ClusterError(
            `GKE cluster ${where} exists but cannot be adopted without recreating it or its nodes: ${destructive
              .map(d => `${d.field} is ${d.have}, needs ${d.want}`)
              .join(
                '; ',
              )}. Use another cluster name, or change the cluster yourself.`,
          );
        }
        for (const d of diffs) {
          ctx.logger.warn(
            `Adopting ${where} as it is: ${d.field} is ${d.have} (the form asked ${d.want})`,
          );
        }
      }
    },
  });
}
