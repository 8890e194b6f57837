import type { ChatbotSource } from './chatbotApi';

/*
 * The portal gateway's own shapes (plugins/llm-chatbot-backend), beside the
 * chatbot service's generated ones.
 */

/** One conversation of a user with an entity's chatbot. @public */
export interface ChatbotConversation {
  id: string;
  entityRef: string;
  title: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * complete; truncated (complete, but the model stopped at its token limit);
 * stopped (the user stopped it); or failed. @public
 */
export type ChatbotMessageStatus =
  | 'complete'
  | 'truncated'
  | 'stopped'
  | 'failed';

/** One stored turn; answers keep the sources they cited. @public */
export interface ChatbotStoredMessage {
  seq: number;
  role: 'user' | 'assistant';
  content: string;
  sources?: ChatbotSource[];
  status: ChatbotMessageStatus;
  error?: string;
  /** The answer's OpenTelemetry trace, when the service reported one. */
  traceId?: string;
  createdAt: string;
}

/** One build of the entity's Jenkins job. @public */
export interface ChatbotPipelineBuild {
  number: number;
  /** SUCCESS, FAILURE, UNSTABLE, ABORTED; absent while it runs. */
  result?: string;
  building: boolean;
  /** Start, ISO 8601. */
  startedAt: string;
  durationMs: number;
  url: string;
}

/** The answer to "run pipeline". @public */
export interface ChatbotPipelineRun {
  instance: string;
  job: string;
  queueItemUrl: string;
  /** Known once Jenkins started the build within the wait. */
  buildNumber?: number;
  buildUrl?: string;
}
