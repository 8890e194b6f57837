import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { readLlmChatbotConfig } from '../config';
import { ChatbotTargets } from './ChatbotTargets';

const entity = (name: string, collection: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: {
      'llm-chatbot.io/service': 'chatbots',
      'llm-chatbot.io/collection': collection,
    },
  },
});

const targets = (baseUrl: string) =>
  new ChatbotTargets(
    catalogServiceMock(),
    readLlmChatbotConfig(
      new ConfigReader({
        llmChatbot: { services: { chatbots: { baseUrl, token: 't' } } },
      }),
    ),
  );

describe('chatbot services with a {collection} host', () => {
  it("reaches each template-made chatbot on its own host under the administrator's domain", () => {
    const t = targets('https://{collection}.chat.example.com');
    const a = t.target(entity('support-bot', 'support-bot'));
    const b = t.target(entity('hr-bot', 'hr-bot'));
    expect((a.client as any).service.baseUrl).toBe(
      'https://support-bot.chat.example.com',
    );
    expect((b.client as any).service.baseUrl).toBe(
      'https://hr-bot.chat.example.com',
    );
    expect(t.target(entity('support-bot', 'support-bot')).client).toBe(
      a.client,
    );
  });

  it('never builds a host from a collection that is not a DNS label', () => {
    const t = targets('https://{collection}.chat.example.com');
    expect(() => t.target(entity('x', 'evil.com/#'))).toThrow(
      /is not a collection id/,
    );
  });

  it('accepts the placeholder only as the first label of the host', () => {
    expect(() => targets('https://chat.example.com/{collection}')).toThrow(
      /only as the first label of its host/,
    );
    expect(() => targets('https://{collection}')).toThrow(/first label/);
  });
});
