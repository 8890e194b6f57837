import { createPermission } from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

/*
 * Resource permissions on catalog-entity, as the Jenkins plugin's
 * jenkins.execute is, so a policy can condition them on ownership.
 */

/** Ask the entity's chatbot questions. @public */
export const llmChatbotChatPermission = createPermission({
  name: 'llm-chatbot.chat',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** List the entity's documents and their ingestion jobs. @public */
export const llmChatbotDocumentsReadPermission = createPermission({
  name: 'llm-chatbot.documents.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Upload and delete the entity's documents. @public */
export const llmChatbotDocumentsManagePermission = createPermission({
  name: 'llm-chatbot.documents.manage',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** See the latest builds of the entity's Jenkins job. @public */
export const llmChatbotPipelineReadPermission = createPermission({
  name: 'llm-chatbot.pipeline.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Trigger a new build of the entity's Jenkins job. @public */
export const llmChatbotPipelineRunPermission = createPermission({
  name: 'llm-chatbot.pipeline.run',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Every permission this plugin family defines. @public */
export const llmChatbotPermissions = [
  llmChatbotChatPermission,
  llmChatbotDocumentsReadPermission,
  llmChatbotDocumentsManagePermission,
  llmChatbotPipelineReadPermission,
  llmChatbotPipelineRunPermission,
];
