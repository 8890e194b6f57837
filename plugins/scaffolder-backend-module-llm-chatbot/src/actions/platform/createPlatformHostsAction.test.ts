import { ConfigReader } from '@backstage/config';
import { actionContext } from '../../__testUtils__/actionContext';
import { jenkinsConfig } from '../../__testUtils__/fakeJenkins';
import { jenkinsClientFactory } from '../jenkins/jenkinsInstances';
import { createPlatformHostsAction } from './createPlatformHostsAction';

const action = (grafanaBaseUrl?: string) =>
  createPlatformHostsAction({
    jenkins: jenkinsClientFactory(new ConfigReader(jenkinsConfig)),
    grafanaBaseUrl,
  });

describe('llm-chatbot:platform:hosts', () => {
  it('takes the hosts from the config the portal reaches them by, in a dry run too', async () => {
    for (const isDryRun of [false, true]) {
      const { ctx, outputs } = actionContext({
        input: { jenkinsInstance: 'cluster', monitoring: true },
        isDryRun,
      });
      await action('https://grafana.acme.example:3000/').handler(ctx);
      expect(outputs).toEqual({
        jenkinsHost: 'jenkins.example.com',
        grafanaHost: 'grafana.acme.example',
      });
    }
  });

  it('names what an administrator must configure before anything is installed', async () => {
    await expect(
      action().handler(
        actionContext({ input: { jenkinsInstance: 'prod-1' } }).ctx,
      ),
    ).rejects.toThrow(
      'No Jenkins instance "prod-1" is configured: add it under jenkins.instances in app-config (configured: cluster)',
    );
    await expect(
      action().handler(actionContext({ input: { monitoring: true } }).ctx),
    ).rejects.toThrow(/llmChatbot\.grafana\.baseUrl is not set/);
  });
});
