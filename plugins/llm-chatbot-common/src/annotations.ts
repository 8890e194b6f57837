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

/**
 * The community Jenkins plugin's annotation: `<instance>:<folder/job>`.
 * @public
 */
export const JENKINS_JOB_ANNOTATION = 'jenkins.io/job-full-name';

/**
 * What the chatbot service accepts as a collection id: the `CollectionId`
 * pattern of services/chatbot/openapi.yaml (a test checks they agree).
 * @public
 */
export const CHATBOT_COLLECTION_ID = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
