import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "The hosts of the Jenkins and Grafana installed in a new cluster, from the portal's config",
    example: yaml.stringify({
      steps: [
        {
          id: 'hosts',
          action: 'llm-chatbot:platform:hosts',
          name: 'Read the platform hosts',
          input: { jenkinsInstance: 'cluster', monitoring: true },
        },
      ],
    }),
  },
  {
    description: 'No Jenkins installed (an existing one is used), no Grafana',
    example: yaml.stringify({
      steps: [
        {
          id: 'hosts',
          action: 'llm-chatbot:platform:hosts',
          name: 'Read the platform hosts',
          input: { monitoring: false },
        },
      ],
    }),
  },
];
