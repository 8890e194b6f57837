import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import yaml from 'yaml';
import { actionContext } from '../../__testUtils__/actionContext';
import { createSourceFetchAction } from './createSourceFetchAction';
import { examples } from './createSourceFetchAction.examples';

const ROOT = resolve(__dirname, '../../../../..');

describe('llm-chatbot:source:fetch examples', () => {
  it("copies this repository's chatbot service, as the example says, without its node_modules", async () => {
    const { input } = yaml.parse(examples[0].example).steps[0];
    const workspacePath = mkdtempSync(join(tmpdir(), 'ws-'));
    const { ctx } = actionContext({
      input,
      workspacePath,
      templateInfo: {
        entityRef: 'template:default/create-chatbot',
        baseUrl: `file://${ROOT}/templates/create-chatbot/template.yaml`,
      },
    });
    await createSourceFetchAction({
      reader: {} as any,
      integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
    }).handler(ctx);
    const repo = join(workspacePath, 'repo');
    expect(existsSync(join(repo, 'openapi.yaml'))).toBe(true);
    expect(existsSync(join(repo, 'package-lock.json'))).toBe(true);
    expect(existsSync(join(repo, 'node_modules'))).toBe(false);
  });
});
