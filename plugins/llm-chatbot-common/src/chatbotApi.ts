import type { components, operations, paths } from './generated/chatbotApi';

/** The chatbot service's OpenAPI paths and operations, generated. @public */
export type ChatbotApiPaths = paths;
/** @public */
export type ChatbotApiOperations = operations;

type Schemas = components['schemas'];

/** @public */
export type ChatbotErrorBody = Schemas['Error'];
/** @public */
export type ChatbotCollection = Schemas['Collection'];
/** @public */
export type ChatbotDocument = Schemas['Document'];
/** @public */
export type ChatbotDocumentList = Schemas['DocumentList'];
/** @public */
export type ChatbotJob = Schemas['Job'];
/** @public */
export type ChatbotJobStatus = Schemas['JobStatus'];
/** @public */
export type ChatbotUploadAccepted = Schemas['UploadAccepted'];
/** @public */
export type ChatbotChatRequest = Schemas['ChatRequest'];
/** @public */
export type ChatbotSource = Schemas['Source'];
/** One SSE frame of a chat answer: `event:` is `event`, `data:` the JSON of `data`. @public */
export type ChatbotChatEvent = Schemas['ChatEvent'];
/** @public */
export type ChatbotChatEventName = ChatbotChatEvent['event'];
/** @public */
export type ChatbotReadiness = Schemas['Readiness'];

/** The SSE event names, in the order an answer emits them (`error` ends a failed one). @public */
export const CHATBOT_CHAT_EVENT_NAMES: readonly ChatbotChatEventName[] = [
  'start',
  'sources',
  'token',
  'done',
  'error',
];
