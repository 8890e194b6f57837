import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { catalogEntityDeletePermission } from '@backstage/plugin-catalog-common/alpha';
import {
  llmChatbotChatPermission,
  llmChatbotDocumentsManagePermission,
  llmChatbotDocumentsReadPermission,
  llmChatbotPipelineRunPermission,
} from '@internal/plugin-llm-chatbot-common';
import { LlmChatbotPermissionPolicy } from './LlmChatbotPermissionPolicy';

const policy = new LlmChatbotPermissionPolicy(
  mockServices.userInfo({
    userEntityRef: 'user:default/guest',
    ownershipEntityRefs: ['user:default/guest', 'group:default/ml-platform'],
  }),
);
const member = {
  credentials: mockCredentials.user('user:default/guest'),
} as PolicyQueryUser;

describe('LlmChatbotPermissionPolicy', () => {
  it('lets everyone signed in chat and read documents', async () => {
    for (const permission of [
      llmChatbotChatPermission,
      llmChatbotDocumentsReadPermission,
    ]) {
      expect(await policy.handle({ permission }, member)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it('lets only the entity owners manage documents and run the pipeline', async () => {
    for (const permission of [
      llmChatbotDocumentsManagePermission,
      llmChatbotPipelineRunPermission,
    ]) {
      expect(await policy.handle({ permission }, member)).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'catalog-entity',
          params: {
            claims: ['user:default/guest', 'group:default/ml-platform'],
          },
        },
      });
    }
  });

  it('denies owner-only actions to callers without a user identity', async () => {
    expect(
      await policy.handle({ permission: llmChatbotPipelineRunPermission }),
    ).toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it('keeps the default for every other permission', async () => {
    expect(
      await policy.handle(
        { permission: catalogEntityDeletePermission },
        member,
      ),
    ).toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });
});
