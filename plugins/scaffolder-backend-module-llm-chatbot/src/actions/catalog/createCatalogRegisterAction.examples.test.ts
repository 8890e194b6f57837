import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import yaml from 'yaml';
import { actionContext } from '../../__testUtils__/actionContext';
import { createCatalogRegisterAction } from './createCatalogRegisterAction';
import { examples } from './createCatalogRegisterAction.examples';

describe('llm-chatbot:catalog:register examples', () => {
  it('registers the repository of the example', async () => {
    const addLocation = jest.fn(async () => ({
      location: { id: '1' },
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'support-bot' },
        },
      ],
    }));
    const { input } = yaml.parse(examples[0].example).steps[0];
    const { ctx, outputs } = actionContext({ input });
    await createCatalogRegisterAction({
      catalog: catalogServiceMock.mock({ addLocation } as any),
      integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
    }).handler(ctx);
    expect(outputs.entityRef).toBe('component:default/support-bot');
  });
});
