import type {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  type CompoundEntityRef,
  type Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CHATBOT_COLLECTION_ID,
  LLM_CHATBOT_COLLECTION_ANNOTATION,
  LLM_CHATBOT_SERVICE_ANNOTATION,
} from '@internal/plugin-llm-chatbot-common';
import type { ChatbotServiceConfig, LlmChatbotConfig } from '../config';
import { ChatbotServiceClient } from './ChatbotServiceClient';

/** An entity the caller can see, and the chatbot service it talks to. */
export interface ChatbotTarget {
  entity: Entity;
  entityRef: string;
  serviceName: string;
  collection: string;
  client: ChatbotServiceClient;
}

const COLLECTION_PLACEHOLDER = '{collection}';
const SOLE_CLAIM_MS = 30_000;

/**
 * Finds an entity with the caller's own credentials (so catalog permissions
 * apply) and the service its annotation names from the allowlist in config.
 */
export class ChatbotTargets {
  private readonly clients = new Map<string, ChatbotServiceClient>();
  private readonly services: Map<string, ChatbotServiceConfig>;

  constructor(
    private readonly catalog: CatalogService,
    private readonly config: LlmChatbotConfig,
    private readonly auth: AuthService,
  ) {
    this.services = config.services;
  }

  /**
   * One client per service, or per collection when the service's base URL
   * has a `{collection}` placeholder (the template's chatbots, each on its
   * own host under one domain the administrator chose). The collection is a
   * DNS label by then, so the host stays under that domain.
   */
  private client(service: ChatbotServiceConfig, collection: string) {
    const perCollection = service.baseUrl.includes(COLLECTION_PLACEHOLDER);
    const key = perCollection ? `${service.name}/${collection}` : service.name;
    let client = this.clients.get(key);
    if (!client) {
      client = new ChatbotServiceClient(
        perCollection
          ? {
              ...service,
              baseUrl: service.baseUrl.replace(
                COLLECTION_PLACEHOLDER,
                collection,
              ),
            }
          : service,
        this.config.requestTimeoutMs,
      );
      this.clients.set(key, client);
    }
    return client;
  }

  async entity(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const entity = await this.catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(`entity ${stringifyEntityRef(ref)} not found`);
    }
    return entity;
  }

  /**
   * The service for an entity; a name missing from config is a 404 that says
   * what to add, and a collection another entity also names is a 409.
   */
  async target(entity: Entity): Promise<ChatbotTarget> {
    const entityRef = stringifyEntityRef(entity);
    const annotations = entity.metadata.annotations ?? {};
    const serviceName = annotations[LLM_CHATBOT_SERVICE_ANNOTATION];
    if (!serviceName) {
      throw new NotFoundError(
        `${entityRef} has no ${LLM_CHATBOT_SERVICE_ANNOTATION} annotation: set it to the name of an entry under llmChatbot.services in app-config`,
      );
    }
    const service = this.services.get(serviceName);
    if (!service) {
      const looksLikeUrl = /[:/]/.test(serviceName);
      throw new NotFoundError(
        looksLikeUrl
          ? `${entityRef}'s ${LLM_CHATBOT_SERVICE_ANNOTATION} holds a URL; it must name an entry under llmChatbot.services in app-config, and the portal never calls URLs from the catalog`
          : `no chatbot service "${serviceName}" is configured: add llmChatbot.services.${serviceName}.baseUrl and .token to app-config`,
      );
    }
    if (
      service.entities &&
      !service.entities.has(entityRef.toLocaleLowerCase('en-US'))
    ) {
      // An entity anyone could register must not reach another team's collection.
      throw new NotFoundError(
        `chatbot service "${serviceName}" is not configured for ${entityRef}: add it to llmChatbot.services.${serviceName}.entities`,
      );
    }
    const collection = collectionOf(entity);
    if (!CHATBOT_COLLECTION_ID.test(collection)) {
      throw new InputError(
        `${entityRef}'s ${LLM_CHATBOT_COLLECTION_ANNOTATION} "${collection.slice(
          0,
          80,
        )}" is not a collection id: use 1-63 lowercase letters, digits and dashes`,
      );
    }
    await this.assertSole(
      entityRef,
      `collection "${collection}" of chatbot service "${serviceName}"`,
      `${LLM_CHATBOT_SERVICE_ANNOTATION}: ${serviceName} and ${LLM_CHATBOT_COLLECTION_ANNOTATION}: ${collection}`,
      async () =>
        (
          await this.claimants(LLM_CHATBOT_SERVICE_ANNOTATION, [serviceName])
        ).filter(
          other =>
            collectionOf(other) === collection &&
            (!service.entities ||
              service.entities.has(
                stringifyEntityRef(other).toLocaleLowerCase('en-US'),
              )),
        ),
    );
    return {
      entity,
      entityRef,
      serviceName,
      collection,
      client: this.client(service, collection),
    };
  }

  /**
   * A Jenkins job the entity's annotation names (`value`, and the same job
   * written another way), unless another entity names it too: an
   * annotation anyone can write must not run another team's pipeline.
   */
  async assertSoleJob(
    entityRef: string,
    annotation: string,
    values: string[],
  ): Promise<void> {
    await this.assertSole(
      entityRef,
      `Jenkins job ${values[0]}`,
      `${annotation}: ${values[0]}`,
      () => this.claimants(annotation, values),
    );
  }

  /** When each entity's claim was last found sole, by entity and claim. */
  private readonly soleSince = new Map<string, number>();

  /**
   * Throws unless `entityRef` is the only claimant `find` returns. A claim
   * found sole is trusted for SOLE_CLAIM_MS, sparing a catalog query per
   * request; a rival registered since is still refused at once, since its
   * own claim was never found sole.
   */
  private async assertSole(
    entityRef: string,
    what: string,
    annotations: string,
    find: () => Promise<Entity[]>,
  ) {
    const key = `${entityRef.toLocaleLowerCase('en-US')} ${what}`;
    const since = this.soleSince.get(key);
    if (since !== undefined && Date.now() - since < SOLE_CLAIM_MS) return;
    assertSole(entityRef, await find(), what, annotations);
    if (this.soleSince.size > 10_000) this.soleSince.clear();
    this.soleSince.set(key, Date.now());
  }

  /**
   * Every entity whose `annotation` holds one of `values`, read with the
   * plugin's own credentials: an entity the caller may not see still
   * counts as a claim.
   */
  private async claimants(annotation: string, values: string[]) {
    const { items } = await this.catalog.getEntities(
      {
        filter: { [`metadata.annotations.${annotation}`]: values },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.annotations',
        ],
      },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    return items;
  }
}

/**
 * Annotations are written by whoever registers an entity: a collection or a
 * job named by two entities belongs to neither until one claim is removed.
 * The other entities are not named (the caller may not be allowed to see
 * them); an administrator finds them by the annotation.
 */
function assertSole(
  entityRef: string,
  claimants: Entity[],
  what: string,
  annotations: string,
) {
  const self = entityRef.toLocaleLowerCase('en-US');
  const others = claimants.filter(
    e => stringifyEntityRef(e).toLocaleLowerCase('en-US') !== self,
  );
  if (others.length > 0) {
    throw new ConflictError(
      `${what} is claimed by ${others.length} other ${
        others.length === 1 ? 'entity' : 'entities'
      } as well as ${entityRef}; it belongs to one entity only: ask a catalog administrator to remove the other claims (entities annotated ${annotations})`,
    );
  }
}

function collectionOf(entity: Entity): string {
  return (
    entity.metadata.annotations?.[LLM_CHATBOT_COLLECTION_ANNOTATION] ??
    defaultCollection(entity)
  );
}

/**
 * Without the annotation, the collection is named after the whole entity ref,
 * so entities of the same name in two namespaces never share one.
 */
function defaultCollection(entity: Entity): string {
  const namespace = entity.metadata.namespace ?? 'default';
  return `${namespace}-${entity.metadata.name}`
    .toLocaleLowerCase('en-US')
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}
