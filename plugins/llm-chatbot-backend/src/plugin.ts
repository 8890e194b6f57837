import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { llmChatbotPermissions } from '@internal/plugin-llm-chatbot-common';
import { readLlmChatbotConfig } from './config';
import { ConversationStore } from './conversations/ConversationStore';
import { readJenkinsInstances } from '@internal/plugin-llm-chatbot-node';
import { ChatbotTargets } from './service/ChatbotTargets';
import { createRouter } from './service/router';

/**
 * The gateway from the portal to each entity's chatbot service.
 *
 * @public
 */
export const llmChatbotPlugin = createBackendPlugin({
  pluginId: 'llm-chatbot',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        database: coreServices.database,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
      },
      async init(deps) {
        const config = readLlmChatbotConfig(deps.config);
        deps.permissionsRegistry.addPermissions(llmChatbotPermissions);
        const conversations = await ConversationStore.create({
          database: deps.database,
          logger: deps.logger,
        });
        deps.httpRouter.use(
          await createRouter({
            config,
            targets: new ChatbotTargets(deps.catalog, config, deps.auth),
            conversations,
            jenkins: readJenkinsInstances(deps.config),
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            auditor: deps.auditor,
            logger: deps.logger,
          }),
        );
        deps.logger.info(
          `chatbot services configured: ${
            [...config.services.keys()].join(', ') || 'none'
          }`,
        );
      },
    });
  },
});
