import { setupServer } from 'msw/node';
import { ConfigReader } from '@backstage/config';
import yaml from 'yaml';
import { actionContext } from '../../__testUtils__/actionContext';
import {
  FakeKubernetes,
  fakeResolver,
} from '../../__testUtils__/fakeKubernetes';
import { readClusterSecrets } from './clusterSecrets';
import { createKubernetesSecretEnsureAction } from './createKubernetesSecretEnsureAction';
import { examples } from './createKubernetesSecretEnsureAction.examples';

const kube = new FakeKubernetes();
const server = setupServer(...kube.handlers());
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

describe('kubernetes:secret:ensure examples', () => {
  it('places the Jenkins admin Secret of the example', async () => {
    const { input } = yaml.parse(examples[0].example).steps[0];
    const { ctx } = actionContext({ input });
    await createKubernetesSecretEnsureAction({
      accessToken: async () => 'test-access-token',
      clusters: fakeResolver(),
      clusterSecrets: readClusterSecrets(
        new ConfigReader({
          llmChatbot: {
            scaffolder: {
              clusterSecrets: {
                'jenkins-admin': {
                  namespace: 'jenkins',
                  data: { 'jenkins-admin-password': 'p' },
                },
              },
            },
          },
        }),
      ),
    }).handler(ctx);
    expect(kube.secrets.has('jenkins/jenkins-admin')).toBe(true);
  });
});
