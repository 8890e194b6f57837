import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { actionContext } from '../../__testUtils__/actionContext';
import { createGithubRepoFindAction } from './createGithubRepoFindAction';

const seen: string[] = [];
const server = setupServer(
  http.get('https://api.github.com/repos/acme/:repo', ({ params, request }) => {
    seen.push(`${params.repo} ${request.headers.get('authorization')}`);
    if (params.repo !== 'support-bot') {
      return HttpResponse.json({ message: 'Not Found' }, { status: 404 });
    }
    return HttpResponse.json({
      name: 'support-bot',
      clone_url: 'https://github.com/acme/support-bot.git',
      html_url: 'https://github.com/acme/support-bot',
      default_branch: 'main',
    });
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => (seen.length = 0));
afterAll(() => server.close());

const action = () =>
  createGithubRepoFindAction({
    integrations: ScmIntegrations.fromConfig(
      new ConfigReader({
        integrations: { github: [{ host: 'github.com', token: 'ghp-test' }] },
      }),
    ),
  });

describe('llm-chatbot:github:repo:find', () => {
  it('finds a repository an earlier run published, with the URLs publish:github reports', async () => {
    const { ctx, outputs } = actionContext({
      input: { repoUrl: 'github.com?owner=acme&repo=support-bot' },
    });
    await action().handler(ctx);
    expect(outputs).toEqual({
      exists: true,
      remoteUrl: 'https://github.com/acme/support-bot.git',
      htmlUrl: 'https://github.com/acme/support-bot',
      repoContentsUrl: 'https://github.com/acme/support-bot/blob/main',
    });
    expect(seen).toEqual(['support-bot token ghp-test']);
  });

  it('reports a repository that does not exist yet', async () => {
    const { ctx, outputs } = actionContext({
      input: { repoUrl: 'github.com?owner=acme&repo=new-bot' },
    });
    await action().handler(ctx);
    expect(outputs).toEqual({
      exists: false,
      remoteUrl: 'https://github.com/acme/new-bot.git',
      htmlUrl: 'https://github.com/acme/new-bot',
      repoContentsUrl: 'https://github.com/acme/new-bot/blob/main',
    });
  });

  it("refuses to adopt another team's repository: its catalog-info names another chatbot", async () => {
    server.use(
      http.get(
        'https://api.github.com/repos/acme/support-bot/contents/catalog-info.yaml',
        () =>
          HttpResponse.json({
            type: 'file',
            encoding: 'base64',
            content: Buffer.from('metadata:\n  name: payroll\n').toString(
              'base64',
            ),
          }),
      ),
    );
    const { ctx } = actionContext({
      input: {
        repoUrl: 'github.com?owner=acme&repo=support-bot',
        entityName: 'support-bot',
      },
    });
    await expect(action().handler(ctx)).rejects.toThrow(
      /acme\/support-bot already exists and is not the repository of chatbot support-bot/,
    );
  });

  it('needs GitHub credentials: anonymously a private repository looks absent', async () => {
    const { ctx } = actionContext({
      input: { repoUrl: 'github.com?owner=acme&repo=support-bot' },
    });
    await expect(
      createGithubRepoFindAction({
        integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
      }).handler(ctx),
    ).rejects.toThrow(/No GitHub credentials for github.com\/acme/);
  });

  it('makes no call in a dry run', async () => {
    const { ctx } = actionContext({
      input: { repoUrl: 'github.com?owner=acme&repo=support-bot' },
      isDryRun: true,
    });
    await action().handler(ctx);
    expect(seen).toEqual([]);
  });
});
