import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
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

const targets = (
  baseUrl: string,
  entities: Entity[] = [],
  allowed?: string[],
) =>
  new ChatbotTargets(
    catalogServiceMock({ entities }),
    readLlmChatbotConfig(
      new ConfigReader({
        llmChatbot: {
          services: {
            chatbots: {
              baseUrl,
              token: 't',
              ...(allowed && { entities: allowed }),
            },
          },
        },
      }),
    ),
    mockServices.auth(),
  );

describe('chatbot services with a {collection} host', () => {
  it("reaches each template-made chatbot on its own host under the administrator's domain", async () => {
    const t = targets('https://{collection}.chat.example.com');
    const a = await t.target(entity('support-bot', 'support-bot'));
    const b = await t.target(entity('hr-bot', 'hr-bot'));
    expect((a.client as any).service.baseUrl).toBe(
      'https://support-bot.chat.example.com',
    );
    expect((b.client as any).service.baseUrl).toBe(
      'https://hr-bot.chat.example.com',
    );
    expect((await t.target(entity('support-bot', 'support-bot'))).client).toBe(
      a.client,
    );
  });

  it('never builds a host from a collection that is not a DNS label', async () => {
    const t = targets('https://{collection}.chat.example.com');
    await expect(t.target(entity('x', 'evil.com/#'))).rejects.toThrow(
      /is not a collection id/,
    );
  });

  it("refuses a collection another entity's annotation, or its default name, also claims", async () => {
    const victim = entity('support-bot', 'support-bot');
    const thief = entity('thief', 'support-bot');
    const t = targets('https://{collection}.chat.example.com', [victim, thief]);
    await expect(t.target(thief)).rejects.toThrow(
      /collection "support-bot" of chatbot service "chatbots" is claimed by 1 other entity as well as component:default\/thief/,
    );
    await expect(t.target(victim)).rejects.toThrow(/claimed by 1 other entity/);
    // Without the annotation the collection is the ref's default name.
    const plain: Entity = {
      ...victim,
      metadata: {
        name: 'hr-bot',
        namespace: 'default',
        annotations: { 'llm-chatbot.io/service': 'chatbots' },
      },
    };
    const squatter = entity('squatter', 'default-hr-bot');
    await expect(
      targets('https://{collection}.chat.example.com', [
        plain,
        squatter,
      ]).target(squatter),
    ).rejects.toThrow(
      /collection "default-hr-bot" .* claimed by 1 other entity/,
    );
    // With an allowlist only its entities' claims count.
    const listed = targets(
      'https://{collection}.chat.example.com',
      [victim, thief],
      ['component:default/support-bot'],
    );
    expect((await listed.target(victim)).collection).toBe('support-bot');
  });

  it('asks the catalog again for a claim not yet found sole, not for one that was', async () => {
    const victim = entity('support-bot', 'support-bot');
    const catalog = catalogServiceMock({ entities: [victim] });
    const getEntities = jest.spyOn(catalog, 'getEntities');
    const t = new ChatbotTargets(
      catalog,
      readLlmChatbotConfig(
        new ConfigReader({
          llmChatbot: {
            services: {
              chatbots: {
                baseUrl: 'https://{collection}.chat.example.com',
                token: 't',
              },
            },
          },
        }),
      ),
      mockServices.auth(),
    );
    await t.target(victim);
    await t.target(victim);
    expect(getEntities).toHaveBeenCalledTimes(1);
    // A rival registered since is refused at once: its claim was never found sole.
    const thief = entity('thief', 'support-bot');
    getEntities.mockResolvedValueOnce({ items: [victim, thief] });
    await expect(t.target(thief)).rejects.toThrow(/claimed by 1 other entity/);
    expect(getEntities).toHaveBeenCalledTimes(2);
  });

  it('refuses a Jenkins job another entity names, however it is written', async () => {
    const job = (name: string, value: string): Entity => ({
      ...entity(name, name),
      metadata: {
        ...entity(name, name).metadata,
        annotations: { 'jenkins.io/job-full-name': value },
      },
    });
    const t = targets('https://{collection}.chat.example.com', [
      job('team-bot', 'default:chatbots/team-bot'),
      job('thief', 'chatbots/team-bot'),
      job('other', 'ci:chatbots/team-bot'),
    ]);
    await expect(
      t.assertSoleJob('component:default/thief', 'jenkins.io/job-full-name', [
        'default:chatbots/team-bot',
        'chatbots/team-bot',
      ]),
    ).rejects.toThrow(
      /Jenkins job default:chatbots\/team-bot is claimed by 1 other entity/,
    );
    await expect(
      t.assertSoleJob('component:default/other', 'jenkins.io/job-full-name', [
        'ci:chatbots/team-bot',
      ]),
    ).resolves.toBeUndefined();
  });

  it('accepts the placeholder only as the first label of the host', () => {
    expect(() => targets('https://chat.example.com/{collection}')).toThrow(
      /only as the first label of its host/,
    );
    expect(() => targets('https://{collection}')).toThrow(/first label/);
  });
});
