import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import { chatbotLinks, readGrafanaConfig, traceLink } from './links';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'demo-chatbot',
    annotations: {
      'backstage.io/kubernetes-id': 'demo-chatbot',
      'backstage.io/kubernetes-namespace': 'chatbots',
    },
  },
};

describe('chatbot links', () => {
  it('is undefined until llmChatbot.grafana.baseUrl is set', () => {
    expect(readGrafanaConfig(new ConfigReader({}))).toBeUndefined();
  });

  it('links the dashboard, Loki logs and Tempo traces for the entity', () => {
    const grafana = readGrafanaConfig(
      new ConfigReader({
        llmChatbot: { grafana: { baseUrl: 'https://grafana.example.com/' } },
      }),
    )!;
    const links = chatbotLinks(entity, grafana);
    expect(links.dashboard).toBe(
      'https://grafana.example.com/d/llm-chatbot?var-namespace=chatbots&var-service=demo-chatbot',
    );
    const logs = JSON.parse(decodeURIComponent(links.logs.split('left=')[1]));
    expect(logs.datasource).toBe('loki');
    expect(logs.queries[0].expr).toBe(
      '{namespace="chatbots", instance="demo-chatbot"}',
    );
    const traces = JSON.parse(
      decodeURIComponent(links.traces.split('left=')[1]),
    );
    expect(traces.datasource).toBe('tempo');
    expect(traces.queries[0].query).toBe(
      '{ resource.service.name = "llm-chatbot" }',
    );
  });

  it("prefers the Grafana plugin's overview-dashboard annotation when it is a URL", () => {
    const grafana = readGrafanaConfig(
      new ConfigReader({
        llmChatbot: { grafana: { baseUrl: 'https://g.example.com' } },
      }),
    )!;
    const withOverview = {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: {
          'grafana/overview-dashboard': 'https://g.example.com/d/custom',
        },
      },
    };
    expect(chatbotLinks(withOverview, grafana).dashboard).toBe(
      'https://g.example.com/d/custom',
    );
  });
});

describe('trace link', () => {
  it("opens the answer's trace in Tempo", () => {
    const grafana = readGrafanaConfig(
      new ConfigReader({
        llmChatbot: { grafana: { baseUrl: 'https://g.example.com' } },
      }),
    )!;
    const left = JSON.parse(
      decodeURIComponent(traceLink(grafana, 'ab'.repeat(16)).split('left=')[1]),
    );
    expect(left.datasource).toBe('tempo');
    expect(left.queries[0].query).toBe('ab'.repeat(16));
  });
});
