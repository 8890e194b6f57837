import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  identityApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { LLM_CHATBOT_SERVICE_ANNOTATION } from '@internal/plugin-llm-chatbot-common';
import { LlmChatbotClient, llmChatbotApiRef } from './api';

/** Component entities that name a chatbot service. */
const isChatbot = {
  kind: 'component',
  [`metadata.annotations.${LLM_CHATBOT_SERVICE_ANNOTATION}`]: { $exists: true },
};

const llmChatbotApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: llmChatbotApiRef,
      deps: {
        discoveryApi: discoveryApiRef,
        fetchApi: fetchApiRef,
        identityApi: identityApiRef,
      },
      factory: deps => new LlmChatbotClient(deps),
    }),
});

const chatbotOverviewCard = EntityCardBlueprint.make({
  name: 'overview',
  params: {
    filter: isChatbot,
    loader: () =>
      import('./components/ChatbotOverviewCard').then(m => (
        <m.ChatbotOverviewCard />
      )),
  },
});

const chatbotContent = EntityContentBlueprint.make({
  name: 'chat',
  params: {
    path: '/chatbot',
    title: 'Chatbot',
    filter: isChatbot,
    loader: () =>
      import('./components/ChatbotContent').then(m => <m.ChatbotContent />),
  },
});

/**
 * The chatbot's entity page: an overview card (pods, links, pipeline) and a
 * "Chatbot" tab (conversations, chat, documents).
 *
 * @public
 */
export const llmChatbotPlugin = createFrontendPlugin({
  pluginId: 'llm-chatbot',
  info: { packageJson: () => import('../package.json') },
  extensions: [llmChatbotApi, chatbotOverviewCard, chatbotContent],
});
