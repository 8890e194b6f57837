/**
 * The entity page for LLM chatbots, on the new frontend system: an overview
 * card and a "Chatbot" tab for Component entities with the
 * `llm-chatbot.io/service` annotation. Apps on the old system use
 * `@internal/plugin-llm-chatbot/legacy`.
 *
 * @packageDocumentation
 */
export { llmChatbotPlugin as default } from './plugin';
export { llmChatbotApiRef, LlmChatbotClient } from './api';
export type { LlmChatbotApi, UploadProgress } from './api';
export { ChatbotsOverview } from './components/ChatbotsOverview';
