export { llmChatbotApiRef } from './LlmChatbotApi';
export type { LlmChatbotApi, UploadProgress } from './LlmChatbotApi';
export { LlmChatbotClient } from './LlmChatbotClient';
