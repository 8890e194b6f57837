import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  type CompoundEntityRef,
  type Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  LLM_CHATBOT_COLLECTION_ANNOTATION,
  LLM_CHATBOT_SERVICE_ANNOTATION,
} from '@internal/plugin-llm-chatbot-common';
import type { LlmChatbotConfig } from '../config';
import { ChatbotServiceClient } from './ChatbotServiceClient';

/** An entity the caller can see, and the chatbot service it talks to. */
export interface ChatbotTarget {
  entity: Entity;
  entityRef: string;
  serviceName: string;
  collection: string;
  client: ChatbotServiceClient;
}

/**
 * Finds an entity with the caller's own credentials (so catalog permissions
 * apply) and the service its annotation names from the allowlist in config.
 */
export class ChatbotTargets {
  private readonly clients = new Map<string, ChatbotServiceClient>();

  constructor(
    private readonly catalog: CatalogService,
    config: LlmChatbotConfig,
  ) {
    for (const service of config.services.values()) {
      this.clients.set(
        service.name,
        new ChatbotServiceClient(service, config.requestTimeoutMs),
      );
    }
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
    const client = this.clients.get(serviceName);
    if (!client) {
      const looksLikeUrl = /[:/]/.test(serviceName);
      throw new NotFoundError(
        looksLikeUrl
          ? `${entityRef}'s ${LLM_CHATBOT_SERVICE_ANNOTATION} holds a URL; it must name an entry under llmChatbot.services in app-config, and the portal never calls URLs from the catalog`
          : `no chatbot service "${serviceName}" is configured: add llmChatbot.services.${serviceName}.baseUrl and .token to app-config`,
      );
    }
    return {
      entity,
      entityRef,
      serviceName,
      collection:
        annotations[LLM_CHATBOT_COLLECTION_ANNOTATION] ?? entity.metadata.name,
      client,
    };
  }
}
