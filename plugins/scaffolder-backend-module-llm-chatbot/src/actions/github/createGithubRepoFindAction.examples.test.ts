import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import yaml from 'yaml';
import { actionContext } from '../../__testUtils__/actionContext';
import { createGithubRepoFindAction } from './createGithubRepoFindAction';
import { examples } from './createGithubRepoFindAction.examples';

const server = setupServer(
  http.get('https://api.github.com/repos/acme/support-bot', () =>
    HttpResponse.json({ message: 'Not Found' }, { status: 404 }),
  ),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

describe('llm-chatbot:github:repo:find examples', () => {
  it('looks up the repository of the example', async () => {
    const { input } = yaml.parse(examples[0].example).steps[0];
    const { ctx, outputs } = actionContext({ input });
    await createGithubRepoFindAction({
      integrations: ScmIntegrations.fromConfig(
        new ConfigReader({
          integrations: { github: [{ host: 'github.com', token: 'ghp-test' }] },
        }),
      ),
    }).handler(ctx);
    expect(outputs.exists).toBe(false);
  });
});
