import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { actionContext } from '../../__testUtils__/actionContext';
import { createSourceFetchAction } from './createSourceFetchAction';

function repository() {
  const root = mkdtempSync(join(tmpdir(), 'portal-repo-'));
  const put = (path: string, text = 'x') => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  put('.git/HEAD', 'ref: refs/heads/main');
  put('.gitignore', 'node_modules/\n.env\n');
  put('templates/create-chatbot/template.yaml', 'kind: Template');
  put('services/chatbot/.gitignore', 'dist/\ndata/\n');
  put('services/chatbot/package.json', '{"name":"chatbot"}');
  put('services/chatbot/src/server.ts', 'export {};');
  put('services/chatbot/node_modules/left-pad/index.js');
  put('services/chatbot/dist/server.js');
  put('services/chatbot/data/chatbot.sqlite');
  put('services/chatbot/.env', 'LLM_API_KEY=secret');
  put('services/other/x.ts');
  return root;
}

const action = () =>
  createSourceFetchAction({
    reader: {
      readTree: jest.fn(),
      readUrl: jest.fn(),
      search: jest.fn(),
    } as any,
    integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
  });

/** Runs the action on services/chatbot of a local repository; `out` names what it copied. */
async function fetchChatbotFrom(root: string) {
  const workspacePath = mkdtempSync(join(tmpdir(), 'ws-'));
  const { ctx, logs } = actionContext({
    input: { path: 'services/chatbot', targetPath: 'repo' },
    workspacePath,
    templateInfo: {
      entityRef: 'template:default/create-chatbot',
      baseUrl: `file://${root}/templates/create-chatbot/template.yaml`,
    },
  });
  await action().handler(ctx);
  return { out: (p: string) => join(workspacePath, 'repo', p), logs };
}

describe('llm-chatbot:source:fetch', () => {
  it("copies a folder of the template's own repository as a clone has it, without git-ignored files", async () => {
    const { out, logs } = await fetchChatbotFrom(repository());
    expect(readFileSync(out('package.json'), 'utf8')).toBe(
      '{"name":"chatbot"}',
    );
    expect(existsSync(out('src/server.ts'))).toBe(true);
    expect(existsSync(out('.gitignore'))).toBe(true);
    for (const ignored of ['node_modules', 'dist', 'data', '.env']) {
      expect(existsSync(out(ignored))).toBe(false);
    }
    expect(logs.join('\n')).toMatch(/Copied 3 files of services\/chatbot/);
  });

  it('refuses paths that leave the repository', async () => {
    const root = repository();
    const { ctx } = actionContext({
      input: { path: '../etc' },
      templateInfo: {
        entityRef: 'template:default/create-chatbot',
        baseUrl: `file://${root}/templates/create-chatbot/template.yaml`,
      },
    });
    await expect(action().handler(ctx)).rejects.toThrow(/without \.\./);
  });

  it('names a folder that does not exist', async () => {
    const root = repository();
    const { ctx } = actionContext({
      input: { path: 'services/missing' },
      templateInfo: {
        entityRef: 'template:default/create-chatbot',
        baseUrl: `file://${root}/templates/create-chatbot/template.yaml`,
      },
    });
    await expect(action().handler(ctx)).rejects.toThrow(
      /services\/missing does not exist/,
    );
  });

  it("goes on in the editor's dry run, where the template sits outside any repository", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dry-run-content-'));
    const { ctx, logs } = actionContext({
      input: { path: 'services/chatbot' },
      isDryRun: true,
      templateInfo: {
        entityRef: 'template:default/x',
        baseUrl: `file://${dir}/template.yaml`,
      },
    });
    await action().handler(ctx);
    expect(logs.join('\n')).toMatch(/not inside a repository here/);
  });

  it("copies from the portal's folder in its container image, which has backstage.json but no .git", async () => {
    const root = repository();
    rmSync(join(root, '.git'), { recursive: true });
    writeFileSync(join(root, 'backstage.json'), '{"version":"1.0.0"}');
    const { out } = await fetchChatbotFrom(root);
    expect(existsSync(out('src/server.ts'))).toBe(true);
    expect(existsSync(out('node_modules'))).toBe(false);
    expect(existsSync(out('.env'))).toBe(false);
  });

  it('fails a real run whose template is outside any repository', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loose-'));
    const { ctx } = actionContext({
      input: { path: 'services/chatbot' },
      templateInfo: {
        entityRef: 'template:default/x',
        baseUrl: `file://${dir}/template.yaml`,
      },
    });
    await expect(action().handler(ctx)).rejects.toThrow(
      /not inside a git repository/,
    );
  });

  it('reads through the SCM integration, from the repository root, when the template came from a URL', async () => {
    const readTree = jest
      .fn()
      .mockResolvedValue({ dir: jest.fn().mockResolvedValue(undefined) });
    const workspacePath = mkdtempSync(join(tmpdir(), 'ws-'));
    const { ctx } = actionContext({
      input: { path: 'services/chatbot', targetPath: 'repo' },
      workspacePath,
      templateInfo: {
        entityRef: 'template:default/create-chatbot',
        baseUrl:
          'https://github.com/acme/portal/blob/main/templates/create-chatbot/template.yaml',
      },
    });
    await createSourceFetchAction({
      reader: { readTree, readUrl: jest.fn(), search: jest.fn() } as any,
      integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
    }).handler(ctx);
    expect(readTree).toHaveBeenCalledWith(
      'https://github.com/acme/portal/tree/main/services/chatbot',
      expect.anything(),
    );
  });
});
