import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Create (or adopt) a Standard cluster with the portal defaults',
    example: yaml.stringify({
      steps: [
        {
          id: 'cluster',
          action: 'gke:cluster:ensure',
          name: 'Ensure the GKE cluster',
          input: {
            project: 'acme-chatbots',
            location: 'asia-southeast1-b',
            name: 'llm-chatbots',
            machineType: 'e2-standard-4',
            minNodes: 1,
            maxNodes: 2,
          },
        },
      ],
    }),
  },
  {
    description:
      'Adopt an existing cluster, adding a GPU pool for an in-cluster model server',
    example: yaml.stringify({
      steps: [
        {
          id: 'cluster',
          action: 'gke:cluster:ensure',
          name: 'Use the shared cluster',
          input: {
            project: 'acme-chatbots',
            location: 'asia-southeast1',
            name: 'shared',
            mode: 'adopt',
            gpu: true,
          },
        },
      ],
    }),
  },
];
