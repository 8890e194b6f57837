import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  renderInTestApp,
  TestApiProvider,
  MockConfigApi,
} from '@backstage/test-utils';
import { configApiRef } from '@backstage/core-plugin-api';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  kubernetesApiRef,
  kubernetesAuthProvidersApiRef,
} from '@backstage/plugin-kubernetes-react';
import type { Entity } from '@backstage/catalog-model';
import type {
  KubernetesRequestBody,
  ObjectsByEntityResponse,
} from '@backstage/plugin-kubernetes-common';
import { SWRConfig } from 'swr';
import { gatewayError } from '../../api/gatewayError';
import { llmChatbotApiRef } from '../../api';
import { FakeLlmChatbotApi } from '../../__testUtils__/FakeLlmChatbotApi';
import { ChatbotOverviewCard } from './ChatbotOverviewCard';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'demo-chatbot',
    namespace: 'default',
    annotations: {
      'llm-chatbot.io/service': 'demo',
      'backstage.io/kubernetes-id': 'demo-chatbot',
      'backstage.io/kubernetes-namespace': 'chatbots',
      'jenkins.io/job-full-name': 'default:chatbots/demo-chatbot',
    },
  },
  spec: { owner: 'group:default/ml-platform' },
};

const container = {
  name: 'chatbot',
  image: 'registry.example/chatbots/demo-chatbot:3f78685',
};
const pod = (name: string, status: object) => ({
  metadata: {
    name,
    namespace: 'chatbots',
    uid: name,
    creationTimestamp: '2026-11-28T10:00:00Z',
  },
  spec: { containers: [container] },
  status,
});
const running = pod('demo-chatbot-a', {
  phase: 'Running',
  containerStatuses: [
    {
      name: 'chatbot',
      ready: true,
      restartCount: 0,
      image: container.image,
      state: { running: {} },
    },
  ],
});
const crashing = pod('demo-chatbot-b', {
  phase: 'Running',
  containerStatuses: [
    {
      name: 'chatbot',
      ready: false,
      restartCount: 7,
      image: container.image,
      state: {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: 'back-off 5m0s restarting failed container',
        },
      },
    },
  ],
});
const pending = pod('demo-chatbot-c', { phase: 'Pending' });
const replicaSet = {
  metadata: {
    name: 'demo-chatbot-7d9',
    namespace: 'chatbots',
    uid: 'rs',
    creationTimestamp: '2026-11-28T09:30:00Z',
  },
  status: { replicas: 3 },
};

function render(options: {
  items: object[];
  allowed?: boolean;
  grafana?: boolean;
  api?: FakeLlmChatbotApi;
}) {
  const api = options.api ?? new FakeLlmChatbotApi();
  const kubernetesApi = {
    getClusters: async () => [],
    getObjectsByEntity: async () =>
      ({ items: options.items } as ObjectsByEntityResponse),
  };
  return renderInTestApp(
    <SWRConfig value={{ provider: () => new Map() }}>
      <TestApiProvider
        apis={[
          [llmChatbotApiRef, api],
          [kubernetesApiRef, kubernetesApi],
          [
            kubernetesAuthProvidersApiRef,
            {
              decorateRequestBodyForAuth: async (
                _: string,
                b: KubernetesRequestBody,
              ) => b,
            },
          ],
          [
            permissionApiRef,
            {
              authorize: async () => ({
                result:
                  options.allowed === false
                    ? AuthorizeResult.DENY
                    : AuthorizeResult.ALLOW,
              }),
            },
          ],
          [
            configApiRef,
            new MockConfigApi(
              options.grafana
                ? {
                    llmChatbot: {
                      grafana: { baseUrl: 'https://grafana.example.com' },
                    },
                  }
                : {},
            ),
          ],
        ]}
      >
        <EntityProvider entity={entity}>
          <ChatbotOverviewCard />
        </EntityProvider>
      </TestApiProvider>
    </SWRConfig>,
  );
}

describe('ChatbotOverviewCard', () => {
  it('says no cluster reports the chatbot and which key to set', async () => {
    await render({ items: [] });
    expect(
      await screen.findByText(
        /list the cluster it runs in under kubernetes\.clusterLocatorMethods/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/add llmChatbot\.grafana\.baseUrl/),
    ).toBeInTheDocument();
  });

  it('counts ready pods and restarts, names each phase, flags a crash loop and shows the running image', async () => {
    await render({
      items: [
        {
          cluster: { name: 'gke-prod' },
          podMetrics: [],
          errors: [],
          resources: [
            { type: 'pods', resources: [running, crashing, pending] },
            { type: 'replicasets', resources: [replicaSet] },
          ],
        },
      ],
    });
    expect(
      await screen.findByText('gke-prod: 1/3 pods ready, 7 restarts'),
    ).toBeInTheDocument();
    expect(screen.getByText('Running: 1')).toBeInTheDocument();
    expect(screen.getByText('CrashLoopBackOff: 1')).toBeInTheDocument();
    expect(screen.getByText('Pending: 1')).toBeInTheDocument();
    expect(
      screen
        .getAllByRole('alert')
        .map(a => a.textContent)
        .join('\n'),
    ).toMatch(/Pod demo-chatbot-b: .*back-off 5m0s/);
    expect(screen.getByText('3f78685')).toBeInTheDocument();
  });

  it('links the dashboard, logs and traces when Grafana is configured', async () => {
    await render({ items: [], grafana: true });
    expect(
      await screen.findByRole('link', { name: /Dashboard/ }),
    ).toHaveAttribute(
      'href',
      'https://grafana.example.com/d/llm-chatbot?var-namespace=chatbots&var-service=demo-chatbot',
    );
    expect(screen.getByRole('link', { name: /Logs/ })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /Traces/ })).toBeInTheDocument();
  });

  it('lists the latest builds, runs the pipeline and shows the new build number', async () => {
    await render({ items: [] });
    const latest = await screen.findByRole('list', { name: 'Latest builds' });
    expect(latest).toHaveTextContent(/#11.* failure/);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Run pipeline' }),
    );
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Started build #12',
    );
    expect(await screen.findByText(/running/)).toBeInTheDocument();
  });

  it('disables Run pipeline, saying why, for users who may not run it', async () => {
    await render({ items: [], allowed: false });
    expect(
      await screen.findByText(/llm-chatbot\.pipeline\.run/),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Run pipeline' })).toBeDisabled();
  });

  it('says which Jenkins config to add when the builds cannot be listed', async () => {
    const api = new FakeLlmChatbotApi();
    api.listBuilds = async () => {
      throw await gatewayError(
        new Response(
          JSON.stringify({
            error: {
              name: 'NotFoundError',
              message:
                'no Jenkins instance "default" is configured: add it under jenkins.instances in app-config',
            },
            request: { method: 'GET', url: '/' },
            response: { statusCode: 404 },
          }),
          { status: 404, headers: { 'content-type': 'application/json' } },
        ),
      );
    };
    await render({ items: [], api });
    expect(
      await screen.findByText(/add it under jenkins\.instances/),
    ).toBeInTheDocument();
  });
});
