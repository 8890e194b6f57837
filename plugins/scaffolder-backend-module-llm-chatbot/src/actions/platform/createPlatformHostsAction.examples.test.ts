import { ConfigReader } from '@backstage/config';
import yaml from 'yaml';
import { actionContext } from '../../__testUtils__/actionContext';
import { jenkinsConfig } from '../../__testUtils__/fakeJenkins';
import { jenkinsClientFactory } from '../jenkins/jenkinsInstances';
import { createPlatformHostsAction } from './createPlatformHostsAction';
import { examples } from './createPlatformHostsAction.examples';

describe('llm-chatbot:platform:hosts examples', () => {
  it.each(examples.map((e, i) => [i, e.description]))(
    'example %i runs: %s',
    async index => {
      const { input } = yaml.parse(examples[index as number].example).steps[0];
      const { ctx, outputs } = actionContext({ input });
      await createPlatformHostsAction({
        jenkins: jenkinsClientFactory(new ConfigReader(jenkinsConfig)),
        grafanaBaseUrl: 'https://grafana.example.com',
      }).handler(ctx);
      expect(outputs.grafanaHost).toBe(
        input.monitoring ? 'grafana.example.com' : undefined,
      );
      expect(Boolean(outputs.jenkinsHost)).toBe(Boolean(input.jenkinsInstance));
    },
  );
});
