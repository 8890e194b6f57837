import { setupServer } from 'msw/node';
import { ConfigReader } from '@backstage/config';
import yaml from 'yaml';
import { actionContext } from '../../__testUtils__/actionContext';
import {
  FakeJenkins,
  jenkinsConfigWithDefault,
} from '../../__testUtils__/fakeJenkins';
import { createJenkinsJobEnsureAction } from './createJenkinsJobEnsureAction';
import { examples } from './createJenkinsJobEnsureAction.examples';
import { jenkinsClientFactory } from './jenkinsInstances';

const jenkins = new FakeJenkins();
const server = setupServer(...jenkins.handlers());
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const config = new ConfigReader(jenkinsConfigWithDefault);

describe('jenkins:job:ensure examples', () => {
  it.each(examples.map((e, i) => [i, e.description]))(
    'example %i runs: %s',
    async index => {
      jenkins.reset();
      const { input } = yaml.parse(examples[index as number].example).steps[0];
      const { ctx, outputs } = actionContext({ input });
      await createJenkinsJobEnsureAction({
        jenkins: jenkinsClientFactory(config),
      }).handler(ctx);
      expect(outputs.created).toBe(true);
      expect(jenkins.items.get(input.jobFullName)?.kind).toBe('job');
    },
  );
});
