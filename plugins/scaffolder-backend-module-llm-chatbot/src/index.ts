/**
 * Scaffolder actions for the create-chatbot template: gke:cluster:ensure,
 * helm:release:upgrade, kubernetes:secret:ensure, jenkins:job:ensure,
 * jenkins:build:trigger, and llm-chatbot:source:fetch,
 * llm-chatbot:github:repo:find and llm-chatbot:catalog:register.
 *
 * @packageDocumentation
 */
export { scaffolderModuleLlmChatbot as default } from './module';
