/**
 * The portal's gateway to each catalog entity's chatbot service: streamed
 * chat, documents, stored conversations and "run pipeline", each checked
 * against a catalog-entity permission.
 *
 * @packageDocumentation
 */
export { llmChatbotPlugin as default } from './plugin';
