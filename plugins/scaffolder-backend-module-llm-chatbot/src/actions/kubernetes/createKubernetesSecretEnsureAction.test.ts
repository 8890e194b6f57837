import { setupServer } from 'msw/node';
import { ConfigReader } from '@backstage/config';
import type { JsonValue } from '@backstage/types';
import { actionContext } from '../../__testUtils__/actionContext';
import {
  CLUSTER,
  FakeKubernetes,
  fakeResolver,
} from '../../__testUtils__/fakeKubernetes';
import { readClusterSecrets } from './clusterSecrets';
import { createKubernetesSecretEnsureAction } from './createKubernetesSecretEnsureAction';

const kube = new FakeKubernetes();
const server = setupServer(...kube.handlers());
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => kube.reset());
afterAll(() => server.close());

const config = (password: string) =>
  new ConfigReader({
    llmChatbot: {
      scaffolder: {
        clusterSecrets: {
          'jenkins-admin': {
            namespace: 'jenkins',
            data: {
              'jenkins-admin-user': 'admin',
              'jenkins-admin-password': password,
            },
          },
          'github-clone': {
            namespace: 'jenkins',
            labels: { 'jenkins.io/credentials-type': 'usernamePassword' },
            annotations: { 'jenkins.io/credentials-description': 'clone' },
            data: { username: 'portal-bot', password: 'gh-token' },
          },
        },
      },
    },
  });
const action = (password = 'first-password') =>
  createKubernetesSecretEnsureAction({
    accessToken: async () => 'test-access-token',
    clusters: fakeResolver(),
    clusterSecrets: readClusterSecrets(config(password)),
  });

describe('kubernetes:secret:ensure', () => {
  it('creates the namespace and the Secret from config, keeping the values out of outputs and checkpoints', async () => {
    const checkpoints = new Map<string, JsonValue>();
    const { ctx, outputs, logs } = actionContext({
      input: { ...CLUSTER, name: 'jenkins-admin' },
      checkpoints,
    });
    await action().handler(ctx);
    expect(kube.namespaces.has('jenkins')).toBe(true);
    const secret = kube.secrets.get('jenkins/jenkins-admin')!;
    expect(secret.stringData).toEqual({
      'jenkins-admin-user': 'admin',
      'jenkins-admin-password': 'first-password',
    });
    expect(secret.metadata.labels['app.kubernetes.io/managed-by']).toBe(
      'backstage',
    );
    expect(outputs).toEqual({
      name: 'jenkins-admin',
      namespace: 'jenkins',
      created: true,
    });
    const stored = JSON.stringify([...checkpoints.entries(), outputs, logs]);
    expect(stored).not.toContain('first-password');
  });

  it('replaces an existing Secret, so a rotated value reaches the cluster', async () => {
    await action('first-password').handler(
      actionContext({ input: { ...CLUSTER, name: 'jenkins-admin' } }).ctx,
    );
    const { ctx, outputs } = actionContext({
      input: { ...CLUSTER, name: 'jenkins-admin' },
    });
    await action('rotated').handler(ctx);
    expect(outputs.created).toBe(false);
    expect(
      kube.secrets.get('jenkins/jenkins-admin')!.stringData[
        'jenkins-admin-password'
      ],
    ).toBe('rotated');
  });

  it('carries the labels the Jenkins credentials provider reads', async () => {
    const { ctx } = actionContext({
      input: { ...CLUSTER, name: 'github-clone' },
    });
    await action().handler(ctx);
    const secret = kube.secrets.get('jenkins/github-clone')!;
    expect(secret.metadata.labels['jenkins.io/credentials-type']).toBe(
      'usernamePassword',
    );
    expect(
      secret.metadata.annotations['jenkins.io/credentials-description'],
    ).toBe('clone');
  });

  it('only places Secrets the administrator configured', async () => {
    const { ctx } = actionContext({
      input: { ...CLUSTER, name: 'backend-github-token' },
    });
    await expect(action().handler(ctx)).rejects.toThrow(
      /No cluster Secret "backend-github-token" is configured.*\(configured: jenkins-admin, github-clone\)/,
    );
    expect(kube.requests).toEqual([]);
  });

  it("says what Kubernetes refused, and which role it takes, when the portal's identity may not write Secrets", async () => {
    const { ctx } = actionContext({
      input: { ...CLUSTER, name: 'jenkins-admin' },
    });
    await expect(
      createKubernetesSecretEnsureAction({
        accessToken: async () => 'a-token-the-cluster-refuses',
        clusters: fakeResolver(),
        clusterSecrets: readClusterSecrets(config('p')),
      }).handler(ctx),
    ).rejects.toThrow(
      /Kubernetes refused to create namespace jenkins \(401\): Unauthorized: the portal's Google service account needs/,
    );
  });

  it('makes no call in a dry run', async () => {
    const { ctx } = actionContext({
      input: { ...CLUSTER, name: 'jenkins-admin' },
      isDryRun: true,
    });
    await action().handler(ctx);
    expect(kube.requests).toEqual([]);
  });
});
