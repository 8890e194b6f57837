import type { components } from './generated/chatbotApi';

/*
 * The chatbot service's wire types the portal uses, generated from
 * services/chatbot/openapi.yaml (src/generated/chatbotApi.ts holds them all).
 */
type Schemas = components['schemas'];

/** @public */
export type ChatbotDocument = Schemas['Document'];
/** @public */
export type ChatbotDocumentList = Schemas['DocumentList'];
/** @public */
export type ChatbotJob = Schemas['Job'];
/** @public */
export type ChatbotUploadAccepted = Schemas['UploadAccepted'];
/** @public */
export type ChatbotChatRequest = Schemas['ChatRequest'];
/** @public */
export type ChatbotSource = Schemas['Source'];
/** One SSE frame of a chat answer: `event:` is `event`, `data:` the JSON of `data`. @public */
export type ChatbotChatEvent = Schemas['ChatEvent'];
