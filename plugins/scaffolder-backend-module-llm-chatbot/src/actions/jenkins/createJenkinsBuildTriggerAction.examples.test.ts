import { setupServer } from 'msw/node';
import { ConfigReader } from '@backstage/config';
import yaml from 'yaml';
import { actionContext } from '../../__testUtils__/actionContext';
import {
  FakeJenkins,
  jenkinsConfigWithDefault,
} from '../../__testUtils__/fakeJenkins';
import { createJenkinsBuildTriggerAction } from './createJenkinsBuildTriggerAction';
import { examples } from './createJenkinsBuildTriggerAction.examples';
import { jenkinsClientFactory } from './jenkinsInstances';

const jenkins = new FakeJenkins();
const server = setupServer(...jenkins.handlers());
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const config = new ConfigReader(jenkinsConfigWithDefault);

describe('jenkins:build:trigger examples', () => {
  it.each(examples.map((e, i) => [i, e.description]))(
    'example %i runs: %s',
    async index => {
      jenkins.reset();
      jenkins.items.set('chatbots', { kind: 'folder', config: '' });
      jenkins.items.set('chatbots/support-bot', { kind: 'job', config: '' });
      const { input } = yaml.parse(examples[index as number].example).steps[0];
      const { ctx, outputs } = actionContext({ input });
      await createJenkinsBuildTriggerAction({
        jenkins: jenkinsClientFactory(config),
        pollMs: 1,
      }).handler(ctx);
      expect(outputs.buildNumber).toBe(1);
      expect(jenkins.builds[0].parameters).toEqual(input.parameters ?? {});
    },
  );
});
