/**
 * Shared by the llm-chatbot plugins: the chatbot service's wire types
 * (generated from services/chatbot/openapi.yaml), the catalog-entity
 * permissions and the annotation names.
 *
 * @packageDocumentation
 */
export * from './chatbotApi';
export * from './permissions';
export * from './annotations';
export * from './gateway';
