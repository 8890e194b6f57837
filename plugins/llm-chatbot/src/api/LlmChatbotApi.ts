import { createApiRef } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  ChatbotChatEvent,
  ChatbotConversation,
  ChatbotDocument,
  ChatbotJob,
  ChatbotPipelineBuild,
  ChatbotPipelineRun,
  ChatbotStoredMessage,
  ChatbotUploadAccepted,
} from '@internal/plugin-llm-chatbot-common';

/** Bytes sent of an upload, for its progress bar. @public */
export interface UploadProgress {
  loaded: number;
  total: number;
}

/** The portal gateway (plugins/llm-chatbot-backend) as the entity page uses it. @public */
export interface LlmChatbotApi {
  listDocuments(entity: CompoundEntityRef): Promise<ChatbotDocument[]>;
  uploadDocuments(
    entity: CompoundEntityRef,
    files: File[],
    onProgress: (progress: UploadProgress) => void,
  ): Promise<ChatbotUploadAccepted>;
  getJob(entity: CompoundEntityRef, jobId: string): Promise<ChatbotJob>;
  deleteDocument(entity: CompoundEntityRef, documentId: string): Promise<void>;

  listConversations(entity: CompoundEntityRef): Promise<ChatbotConversation[]>;
  createConversation(
    entity: CompoundEntityRef,
    title?: string,
  ): Promise<ChatbotConversation>;
  renameConversation(
    entity: CompoundEntityRef,
    id: string,
    title: string,
  ): Promise<ChatbotConversation>;
  deleteConversation(entity: CompoundEntityRef, id: string): Promise<void>;
  getMessages(
    entity: CompoundEntityRef,
    id: string,
  ): Promise<ChatbotStoredMessage[]>;

  /**
   * Asks a question; each SSE event reaches onEvent as it arrives. Resolves
   * when the answer ends (with `done` or `error`); rejects with the gateway's
   * error before the stream starts, or with an AbortError when stopped.
   */
  chat(
    entity: CompoundEntityRef,
    request: { conversationId: string; message: string },
    onEvent: (event: ChatbotChatEvent) => void,
    signal: AbortSignal,
  ): Promise<void>;

  runPipeline(entity: CompoundEntityRef): Promise<ChatbotPipelineRun>;
  /** The latest builds of the entity's Jenkins job, newest first. */
  listBuilds(entity: CompoundEntityRef): Promise<ChatbotPipelineBuild[]>;
}

/** @public */
export const llmChatbotApiRef = createApiRef<LlmChatbotApi>({
  id: 'plugin.llm-chatbot.api',
});
