import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

const cluster = {
  project: 'acme-chatbots',
  location: 'asia-southeast1-b',
  cluster: 'llm-chatbots',
};

export const examples: TemplateExample[] = [
  {
    description:
      'Install Traefik at the version helm/platform.yaml pins, with its values file and one value from the form',
    example: yaml.stringify({
      steps: [
        {
          id: 'ingress',
          action: 'helm:release:upgrade',
          name: 'Install Traefik',
          input: {
            ...cluster,
            platformFile: 'platform/platform.yaml',
            release: 'traefik',
            values: {
              metrics: { prometheus: { serviceMonitor: { enabled: true } } },
            },
          },
        },
      ],
    }),
  },
  {
    description: 'Install a local chart from the workspace into a namespace',
    example: yaml.stringify({
      steps: [
        {
          id: 'platform-objects',
          action: 'helm:release:upgrade',
          name: 'Install the deployer identity',
          input: {
            ...cluster,
            release: 'chatbot-platform',
            namespace: 'chatbots',
            chart: 'platform/chatbot-platform',
            values: { gcpProject: 'acme-chatbots' },
            timeoutMinutes: 5,
          },
        },
      ],
    }),
  },
];
