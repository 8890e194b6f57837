/**
 * Names the entry under `llmChatbot.services.<name>` in app-config that
 * holds the service's base URL and token. Never a URL: the portal only
 * calls services its config lists.
 * @public
 */
export const LLM_CHATBOT_SERVICE_ANNOTATION = 'llm-chatbot.io/service';

/**
 * The service's collection the entity chats with; defaults to the entity's name.
 * @public
 */
export const LLM_CHATBOT_COLLECTION_ANNOTATION = 'llm-chatbot.io/collection';
