import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  type CompoundEntityRef,
  type Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
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

  /** The service for an entity; a name missing from config is a 404 that says what to add. */
  target(entity: Entity): ChatbotTarget {
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
    const collection =
      annotations[LLM_CHATBOT_COLLECTION_ANNOTATION] ??
      defaultCollection(entity);
    if (!CHATBOT_COLLECTION_ID.test(collection)) {
      throw new InputError(
        `${entityRef}'s ${LLM_CHATBOT_COLLECTION_ANNOTATION} "${collection.slice(
          0,
          80,
        )}" is not a collection id: use 1-63 lowercase letters, digits and dashes`,
      );
    }
    return {
      entity,
      entityRef,
      serviceName,
      collection,
      client: this.client(service, collection),
    };
  }
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
