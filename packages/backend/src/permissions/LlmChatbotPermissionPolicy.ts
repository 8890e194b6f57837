import type { UserInfoService } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  llmChatbotDocumentsManagePermission,
  llmChatbotPipelineRunPermission,
} from '@internal/plugin-llm-chatbot-common';

/** Changes what a chatbot runs on: only its owners may. */
const OWNER_ONLY = [
  llmChatbotDocumentsManagePermission,
  llmChatbotPipelineRunPermission,
];

/**
 * The portal's policy. Anyone signed in may chat with any chatbot entity and
 * read its documents; only members of the entity's owner group (or its
 * owner user) may upload or delete documents and run its pipeline. Every
 * other permission keeps Backstage's default for a portal without rules:
 * allowed.
 */
export class LlmChatbotPermissionPolicy implements PermissionPolicy {
  constructor(private readonly userInfo: UserInfoService) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const ownerOnly = OWNER_ONLY.find(p => isPermission(request.permission, p));
    if (ownerOnly) {
      if (!user) return { result: AuthorizeResult.DENY };
      // The user and the groups the catalog lists them in, from their token.
      const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
        user.credentials,
      );
      return createCatalogConditionalDecision(
        ownerOnly,
        catalogConditions.isEntityOwner({ claims: ownershipEntityRefs }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  }
}
