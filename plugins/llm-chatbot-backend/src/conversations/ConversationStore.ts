import { randomUUID } from 'node:crypto';
import type {
  DatabaseService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import type {
  ChatbotConversation,
  ChatbotMessageStatus,
  ChatbotStoredMessage,
} from '@internal/plugin-llm-chatbot-common';
import type { Knex } from 'knex';

export type Conversation = ChatbotConversation;
export type MessageStatus = ChatbotMessageStatus;
export type StoredMessage = ChatbotStoredMessage;

/** Who asks about what: every query is scoped to both. */
export interface ConversationScope {
  userRef: string;
  entityRef: string;
}

const iso = (value: string | Date) =>
  value instanceof Date ? value.toISOString() : new Date(value).toISOString();

/**
 * Conversations per user and entity, in the plugin's own database (SQLite
 * locally, PostgreSQL in production). A user never reads another's: every
 * lookup carries the caller's user ref, and a miss is a plain 404.
 */
export class ConversationStore {
  private constructor(private readonly db: Knex) {}

  static async create(options: {
    database: DatabaseService;
    logger: LoggerService;
  }): Promise<ConversationStore> {
    const db = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await db.migrate.latest({
        directory: resolvePackagePath(
          '@internal/plugin-llm-chatbot-backend',
          'migrations',
        ),
      });
    }
    return new ConversationStore(db);
  }

  async list(scope: ConversationScope): Promise<Conversation[]> {
    const rows = await this.db('llm_chatbot_conversations')
      .where({ user_ref: scope.userRef, entity_ref: scope.entityRef })
      .orderBy('updated_at', 'desc')
      .limit(200);
    return rows.map(toConversation);
  }

  async create(scope: ConversationScope, title: string): Promise<Conversation> {
    const now = new Date();
    const row = {
      id: randomUUID(),
      user_ref: scope.userRef,
      entity_ref: scope.entityRef,
      title,
      service_conversation_id: null,
      created_at: now,
      updated_at: now,
    };
    await this.db('llm_chatbot_conversations').insert(row);
    return toConversation(row);
  }

  private async row(scope: ConversationScope, id: string) {
    const row = await this.db('llm_chatbot_conversations')
      .where({ id, user_ref: scope.userRef, entity_ref: scope.entityRef })
      .first();
    if (!row) throw new NotFoundError(`conversation ${id} not found`);
    return row;
  }

  async get(scope: ConversationScope, id: string) {
    const row = await this.row(scope, id);
    return {
      ...toConversation(row),
      serviceConversationId: (row.service_conversation_id ?? undefined) as
        | string
        | undefined,
    };
  }

  async rename(scope: ConversationScope, id: string, title: string) {
    await this.row(scope, id);
    await this.db('llm_chatbot_conversations')
      .where({ id })
      .update({ title, updated_at: new Date() });
    return this.get(scope, id);
  }

  async delete(scope: ConversationScope, id: string): Promise<void> {
    await this.row(scope, id);
    // Messages go with it (foreign key, cascade), and explicitly for SQLite
    // connections opened without foreign keys.
    await this.db.transaction(async tx => {
      await tx('llm_chatbot_messages').where({ conversation_id: id }).delete();
      await tx('llm_chatbot_conversations').where({ id }).delete();
    });
  }

  async messages(
    scope: ConversationScope,
    id: string,
  ): Promise<StoredMessage[]> {
    await this.row(scope, id);
    const rows = await this.db('llm_chatbot_messages')
      .where({ conversation_id: id })
      .orderBy('seq');
    return rows.map(r => ({
      seq: Number(r.seq),
      role: r.role,
      content: r.content,
      ...(r.sources ? { sources: JSON.parse(r.sources) } : {}),
      status: r.status,
      ...(r.error ? { error: r.error } : {}),
      ...(r.trace_id ? { traceId: r.trace_id } : {}),
      createdAt: iso(r.created_at),
    }));
  }

  /** Appends a message; the first answer links the service's conversation. */
  async append(
    id: string,
    message: Omit<StoredMessage, 'seq' | 'createdAt'>,
    serviceConversationId?: string,
  ): Promise<void> {
    const now = new Date();
    await this.db.transaction(async tx => {
      await tx('llm_chatbot_messages').insert({
        conversation_id: id,
        role: message.role,
        content: storable(message.content),
        // JSON writes U+0000 as the escape \u0000, which text holds.
        sources: message.sources ? JSON.stringify(message.sources) : null,
        status: message.status,
        error: message.error ? storable(message.error).slice(0, 1000) : null,
        trace_id: message.traceId ?? null,
        created_at: now,
      });
      await tx('llm_chatbot_conversations')
        .where({ id })
        .update({
          updated_at: now,
          ...(serviceConversationId
            ? { service_conversation_id: serviceConversationId }
            : {}),
        });
    });
  }
}

/**
 * An answer from a chatbot service (quoting a PDF) can hold U+0000, which
 * PostgreSQL's text refuses: the whole answer would be lost for one
 * invisible character.
 */
function storable(text: string): string {
  return text.replaceAll('\u0000', '');
}

function toConversation(row: Record<string, any>): Conversation {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    title: row.title,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
