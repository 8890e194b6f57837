import type {
  ChatbotChatEvent,
  ChatbotConversation,
  ChatbotDocument,
  ChatbotJob,
  ChatbotPipelineBuild,
  ChatbotPipelineRun,
  ChatbotStoredMessage,
} from '@internal/plugin-llm-chatbot-common';
import type { LlmChatbotApi, UploadProgress } from '../api';

/** Resolves when the test calls release(): lets a test hold a stream mid-answer. */
export function gate() {
  let release!: () => void;
  const promise = new Promise<void>(resolve => (release = resolve));
  return { promise, release };
}

/** An in-memory gateway whose chat plays a script the test writes. */
export class FakeLlmChatbotApi implements LlmChatbotApi {
  conversations: ChatbotConversation[] = [];
  messages = new Map<string, ChatbotStoredMessage[]>();
  documents: ChatbotDocument[] = [];
  jobs = new Map<string, ChatbotJob[]>();
  deleted: string[] = [];
  chatScript: (
    emit: (e: ChatbotChatEvent) => void,
    signal: AbortSignal,
    message: string,
  ) => Promise<void> = async emit => {
    emit({
      event: 'start',
      data: { conversationId: 'c1', standaloneQuestion: 'q' },
    });
    emit({
      event: 'done',
      data: {
        conversationId: 'c1',
        answered: true,
        usage: { promptTokens: 0, completionTokens: 0 },
        timings: { retrievalMs: 0, firstTokenMs: 0, totalMs: 0 },
      },
    });
  };
  uploadScript: (
    files: File[],
    onProgress: (p: UploadProgress) => void,
  ) => Promise<string[]> = async files => files.map((_, i) => `job-${i}`);

  /** Holds the next listDocuments answer (what it lists is read when it is sent, as a slow server's is). */
  listHold?: Promise<void>;
  async listDocuments() {
    const documents = this.documents;
    const hold = this.listHold;
    this.listHold = undefined;
    await hold;
    return documents;
  }
  async uploadDocuments(
    _e: unknown,
    files: File[],
    onProgress: (p: UploadProgress) => void,
  ) {
    const jobIds = await this.uploadScript(files, onProgress);
    return {
      jobs: files.map((f, i) => ({
        id: jobIds[i],
        documentId: `doc-${i}`,
        filename: f.name,
        status: 'queued' as const,
        href: '',
      })),
    };
  }
  async getJob(_e: unknown, jobId: string) {
    const states = this.jobs.get(jobId) ?? [];
    return states.length > 1 ? states.shift()! : states[0];
  }
  async deleteDocument(_e: unknown, id: string) {
    this.deleted.push(id);
    this.documents = this.documents.filter(d => d.id !== id);
  }
  async listConversations() {
    return this.conversations;
  }
  async createConversation(_e: unknown, title?: string) {
    const c = {
      id: `conv-${this.conversations.length + 1}`,
      entityRef: 'component:default/demo-chatbot',
      title: title ?? 'New conversation',
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    };
    this.conversations = [c, ...this.conversations];
    return c;
  }
  async renameConversation(_e: unknown, id: string, title: string) {
    const c = this.conversations.find(x => x.id === id)!;
    c.title = title;
    return c;
  }
  async deleteConversation(_e: unknown, id: string) {
    this.conversations = this.conversations.filter(c => c.id !== id);
  }
  async getMessages(_e: unknown, id: string) {
    return this.messages.get(id) ?? [];
  }
  async chat(
    _e: unknown,
    request: { conversationId: string; message: string },
    onEvent: (e: ChatbotChatEvent) => void,
    signal: AbortSignal,
  ) {
    await this.chatScript(onEvent, signal, request.message);
    if (signal.aborted) throw new DOMException('aborted', 'AbortError');
  }
  builds: ChatbotPipelineBuild[] = [
    {
      number: 11,
      result: 'FAILURE',
      building: false,
      startedAt: '2026-11-28T09:00:00.000Z',
      durationMs: 61000,
      url: 'http://jenkins/11/',
    },
  ];
  async listBuilds() {
    return this.builds;
  }
  async runPipeline(): Promise<ChatbotPipelineRun> {
    this.builds = [
      {
        number: 12,
        building: true,
        startedAt: new Date().toISOString(),
        durationMs: 0,
        url: 'http://jenkins/12/',
      },
      ...this.builds,
    ];
    return {
      instance: 'default',
      job: 'chatbots/demo-chatbot',
      queueItemUrl: 'q',
      buildNumber: 12,
      buildUrl: 'http://jenkins/12/',
    };
  }
}
