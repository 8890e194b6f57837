/**
 * The same card and tab for apps still on the old frontend system
 * (`@backstage/core-plugin-api`): add `EntityChatbotOverviewCard` to the
 * entity overview and `EntityChatbotContent` as an entity route.
 *
 * @packageDocumentation
 */
import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
  identityApiRef,
} from '@backstage/core-plugin-api';
import { LlmChatbotClient, llmChatbotApiRef } from './api';

/** @public */
export const llmChatbotLegacyPlugin = createPlugin({
  id: 'llm-chatbot',
  apis: [
    createApiFactory({
      api: llmChatbotApiRef,
      deps: {
        discoveryApi: discoveryApiRef,
        fetchApi: fetchApiRef,
        identityApi: identityApiRef,
      },
      factory: deps => new LlmChatbotClient(deps),
    }),
  ],
});

/** @public */
export const EntityChatbotOverviewCard = llmChatbotLegacyPlugin.provide(
  createComponentExtension({
    name: 'EntityChatbotOverviewCard',
    component: {
      lazy: () =>
        import('./components/ChatbotOverviewCard').then(
          m => m.ChatbotOverviewCard,
        ),
    },
  }),
);

/** @public */
export const EntityChatbotContent = llmChatbotLegacyPlugin.provide(
  createComponentExtension({
    name: 'EntityChatbotContent',
    component: {
      lazy: () =>
        import('./components/ChatbotContent').then(m => m.ChatbotContent),
    },
  }),
);

export { llmChatbotApiRef, LlmChatbotClient } from './api';
