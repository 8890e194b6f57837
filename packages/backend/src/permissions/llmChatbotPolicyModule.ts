import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { LlmChatbotPermissionPolicy } from './LlmChatbotPermissionPolicy';

/** Installs LlmChatbotPermissionPolicy as the permission backend's policy. */
export const llmChatbotPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'llm-chatbot-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, userInfo: coreServices.userInfo },
      async init({ policy, userInfo }) {
        policy.setPolicy(new LlmChatbotPermissionPolicy(userInfo));
      },
    });
  },
});
