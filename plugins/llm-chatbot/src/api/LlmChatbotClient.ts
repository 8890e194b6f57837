import type {
  DiscoveryApi,
  FetchApi,
  IdentityApi,
} from '@backstage/core-plugin-api';
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
import { createParser } from 'eventsource-parser';
import type { LlmChatbotApi, UploadProgress } from './LlmChatbotApi';
import { gatewayError } from './gatewayError';

const path = (entity: CompoundEntityRef) =>
  `/entities/${encodeURIComponent(entity.kind)}/${encodeURIComponent(
    entity.namespace,
  )}/${encodeURIComponent(entity.name)}`;

/** Talks to the gateway with the signed-in user's token (fetchApi adds it). @public */
export class LlmChatbotClient implements LlmChatbotApi {
  constructor(
    private readonly deps: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
      identityApi: IdentityApi;
    },
  ) {}

  private async url(entity: CompoundEntityRef, route: string) {
    const base = await this.deps.discoveryApi.getBaseUrl('llm-chatbot');
    return `${base}${path(entity)}${route}`;
  }

  private async request(
    entity: CompoundEntityRef,
    route: string,
    init?: RequestInit,
  ): Promise<Response> {
    const res = await this.deps.fetchApi.fetch(
      await this.url(entity, route),
      init,
    );
    if (!res.ok) throw await gatewayError(res);
    return res;
  }

  private async json<T>(
    entity: CompoundEntityRef,
    route: string,
    init?: RequestInit,
  ) {
    return (await (await this.request(entity, route, init)).json()) as T;
  }

  private send(method: string, body: unknown): RequestInit {
    return {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    };
  }

  async listDocuments(entity: CompoundEntityRef): Promise<ChatbotDocument[]> {
    return (
      await this.json<{ documents: ChatbotDocument[] }>(entity, '/documents')
    ).documents;
  }

  /**
   * XMLHttpRequest, because fetch reports no upload progress; it carries the
   * same Backstage token fetchApi would add.
   */
  async uploadDocuments(
    entity: CompoundEntityRef,
    files: File[],
    onProgress: (progress: UploadProgress) => void,
  ): Promise<ChatbotUploadAccepted> {
    const url = await this.url(entity, '/documents');
    const { token } = await this.deps.identityApi.getCredentials();
    const form = new FormData();
    for (const file of files) form.append('files', file, file.name);
    const response = await new Promise<Response>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', url);
      if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      xhr.upload.onprogress = e =>
        onProgress({
          loaded: e.loaded,
          total: e.lengthComputable ? e.total : 0,
        });
      xhr.onload = () =>
        resolve(
          new Response(xhr.responseText, {
            status: xhr.status,
            statusText: xhr.statusText,
            headers: {
              'content-type': xhr.getResponseHeader('content-type') ?? '',
            },
          }),
        );
      xhr.onerror = () =>
        reject(new Error('the upload failed: the portal could not be reached'));
      xhr.send(form);
    });
    if (!response.ok) throw await gatewayError(response);
    return response.json();
  }

  getJob(entity: CompoundEntityRef, jobId: string): Promise<ChatbotJob> {
    return this.json(entity, `/jobs/${encodeURIComponent(jobId)}`);
  }

  async deleteDocument(entity: CompoundEntityRef, documentId: string) {
    await this.request(entity, `/documents/${encodeURIComponent(documentId)}`, {
      method: 'DELETE',
    });
  }

  async listConversations(entity: CompoundEntityRef) {
    return (
      await this.json<{ conversations: ChatbotConversation[] }>(
        entity,
        '/conversations',
      )
    ).conversations;
  }

  createConversation(entity: CompoundEntityRef, title?: string) {
    return this.json<ChatbotConversation>(
      entity,
      '/conversations',
      this.send('POST', title ? { title } : {}),
    );
  }

  renameConversation(entity: CompoundEntityRef, id: string, title: string) {
    return this.json<ChatbotConversation>(
      entity,
      `/conversations/${encodeURIComponent(id)}`,
      this.send('PATCH', { title }),
    );
  }

  async deleteConversation(entity: CompoundEntityRef, id: string) {
    await this.request(entity, `/conversations/${encodeURIComponent(id)}`, {
      method: 'DELETE',
    });
  }

  async getMessages(entity: CompoundEntityRef, id: string) {
    return (
      await this.json<{ messages: ChatbotStoredMessage[] }>(
        entity,
        `/conversations/${encodeURIComponent(id)}/messages`,
      )
    ).messages;
  }

  async chat(
    entity: CompoundEntityRef,
    request: { conversationId: string; message: string },
    onEvent: (event: ChatbotChatEvent) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const res = await this.request(entity, '/chat', {
      ...this.send('POST', request),
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
      },
      signal,
    });
    const parser = createParser({
      onEvent(message) {
        let data: unknown;
        try {
          data = JSON.parse(message.data);
        } catch {
          return; // not one of the contract's events
        }
        // Outside the try: a failing consumer is not hidden.
        onEvent({ event: message.event, data } as ChatbotChatEvent);
      },
    });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
  }

  async listBuilds(entity: CompoundEntityRef): Promise<ChatbotPipelineBuild[]> {
    return (
      await this.json<{ builds: ChatbotPipelineBuild[] }>(
        entity,
        '/pipeline/builds',
      )
    ).builds;
  }

  runPipeline(entity: CompoundEntityRef): Promise<ChatbotPipelineRun> {
    return this.json(entity, '/pipeline/runs', { method: 'POST' });
  }
}
