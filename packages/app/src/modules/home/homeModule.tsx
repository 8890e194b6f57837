import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { MarkdownContent } from '@backstage/core-components';

const content = `
This portal takes a RAG chatbot from one form to a running service on
Google Kubernetes Engine, and shows it on one page: its pods, dashboards,
pipeline, and a chat with the documents it answers from.

- Open a chatbot from the list above, or from the [catalog](/catalog).
- On its page, the **Chatbot** tab holds the conversations, the chat and
  the PDFs it answers from.
- New chatbots come from the [Create](/create) page: the "Create a
  chatbot" template provisions the cluster, the pipeline and the service.
`;

const aboutWidget = HomePageWidgetBlueprint.make({
  name: 'about',
  params: {
    name: 'About',
    title: 'LLM chatbots in production',
    description: 'What this portal does',
    components: async () => ({
      Content: () => <MarkdownContent content={content} />,
    }),
  },
});

const chatbotsWidget = HomePageWidgetBlueprint.make({
  name: 'llm-chatbots',
  params: {
    name: 'LlmChatbots',
    title: 'Chatbots',
    description: 'The chatbots in the catalog, with the health of their pods',
    components: () =>
      import('@internal/plugin-llm-chatbot').then(m => ({
        Content: m.ChatbotsOverview,
      })),
  },
});

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [aboutWidget, chatbotsWidget],
});
