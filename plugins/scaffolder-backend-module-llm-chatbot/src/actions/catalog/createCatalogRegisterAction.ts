import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { ConflictError, InputError, isError } from '@backstage/errors';
import type { ScmIntegrations } from '@backstage/integration';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { z as zod } from 'zod/v3';
import { sleep } from '@internal/plugin-llm-chatbot-node';
import { backoffDelay } from '../../util/backoff';
import { DeadlineExceededError } from '../../errors';
import { examples } from './createCatalogRegisterAction.examples';

const input = (z: typeof zod) =>
  z.object({
    repoContentsUrl: z
      .string()
      .min(1)
      .describe(
        "The new repository's contents URL (publish:github's repoContentsUrl output)",
      ),
    catalogInfoPath: z
      .string()
      .default('/catalog-info.yaml')
      .describe('Path of the entity file in it. Default /catalog-info.yaml.'),
    waitSeconds: z
      .number()
      .int()
      .min(1)
      .max(600)
      .default(120)
      .describe(
        'How long to keep retrying while a freshly created repository still answers 404. Default 120.',
      ),
  });

const output = (z: typeof zod) =>
  z.object({
    entityRef: z
      .string()
      .describe('The registered Component, kind:namespace/name'),
    catalogInfoUrl: z.string().describe('The URL the catalog reads'),
  });

/**
 * The catalog client throws a ResponseError carrying the remote error's name
 * in its cause; in-process it throws the error itself.
 */
const remoteName = (error: Error) =>
  (error as { cause?: { name?: string } }).cause?.name ?? error.name;

const isConflict = (error: Error) =>
  remoteName(error) === ConflictError.name ||
  (error as { response?: { status?: number } }).response?.status === 409;

/** The remote error's own message: the client's says only "Request failed with 400". */
const remoteMessage = (error: Error) =>
  (error as { cause?: { message?: string } }).cause?.message ?? error.message;

/** A location the SCM cannot serve yet: a 404 or NotFoundError from the reader. */
const isNotYetReadable = (error: Error) =>
  remoteName(error) === 'NotFoundError' ||
  /\b404\b|not ?found/i.test(`${error.message} ${remoteMessage(error)}`);

const pickEntity = (entities: Entity[]) =>
  entities.find(e => e.kind === 'Component') ?? entities[0];

/**
 * llm-chatbot:catalog:register. The built-in catalog:register reads the new
 * repository once, and GitHub can answer 404 for a moment after a push; it
 * also fails on a second run because the location exists. This one retries
 * with back-off until the file is readable, and adopts an existing location.
 */
export function createCatalogRegisterAction(options: {
  catalog: CatalogService;
  integrations: ScmIntegrations;
  baseDelayMs?: number;
}) {
  return createTemplateAction({
    id: 'llm-chatbot:catalog:register',
    description:
      "Registers the new repository's catalog-info.yaml, retrying with back-off while the repository is not yet readable, and adopting the location when it is already registered.",
    examples,
    supportsDryRun: true,
    schema: { input, output },
    async handler(ctx) {
      const args = input(zod).parse(ctx.input);
      if (ctx.isDryRun) {
        // publish:github has no dry run, so its URL is only an example here.
        ctx.logger.info(
          `Dry run: would register ${args.catalogInfoPath} of ${args.repoContentsUrl}`,
        );
        ctx.output(
          'catalogInfoUrl',
          `${args.repoContentsUrl}${args.catalogInfoPath}`,
        );
        ctx.output('entityRef', 'component:default/example');
        return;
      }
      const integration = options.integrations.byUrl(args.repoContentsUrl);
      if (!integration) {
        throw new InputError(
          `No integration found for ${args.repoContentsUrl}: add it under integrations in app-config`,
        );
      }
      const catalogInfoUrl = integration.resolveUrl({
        base: args.repoContentsUrl,
        url: args.catalogInfoPath,
      });
      ctx.output('catalogInfoUrl', catalogInfoUrl);
      const credentials = await ctx.getInitiatorCredentials();
      const location = { type: 'url', target: catalogInfoUrl };

      // Read first, with retries: the catalog's dry run fetches the file.
      const deadline = Date.now() + args.waitSeconds * 1000;
      let entity: Entity | undefined;
      for (let attempt = 0; ; attempt++) {
        try {
          const result = await options.catalog.addLocation(
            { ...location, dryRun: true },
            { credentials },
          );
          entity = pickEntity(result.entities);
          break;
        } catch (error) {
          if (!isError(error)) throw error;
          if (!isNotYetReadable(error)) {
            throw new InputError(
              `The catalog refused ${catalogInfoUrl}: ${remoteMessage(error)}`,
              error,
            );
          }
          if (Date.now() >= deadline) {
            throw new DeadlineExceededError(
              `${catalogInfoUrl} was still not readable after ${
                args.waitSeconds
              } s: ${remoteMessage(error)}`,
            );
          }
          const delay = backoffDelay(
            attempt,
            options.baseDelayMs ?? 1000,
            15_000,
          );
          ctx.logger.info(
            `${catalogInfoUrl} is not readable yet (${
              error.message
            }); retrying in ${Math.round(delay / 1000)} s`,
          );
          await sleep(delay, ctx.signal);
        }
      }
      if (!entity) {
        throw new InputError(`${catalogInfoUrl} holds no entity`);
      }
      const entityRef = stringifyEntityRef(entity);

      await ctx.checkpoint({
        key: `catalog.register.${catalogInfoUrl}`,
        fn: async () => {
          try {
            await options.catalog.addLocation(location, { credentials });
            ctx.logger.info(`Registered ${catalogInfoUrl}: ${entityRef}`);
          } catch (error) {
            if (!(isError(error) && isConflict(error))) throw error;
            ctx.logger.info(`${catalogInfoUrl} was already registered`);
          }
        },
      });
      ctx.output('entityRef', entityRef);
    },
  });
}
