import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Put the Jenkins admin login from the portal's config into the new cluster",
    example: yaml.stringify({
      steps: [
        {
          id: 'jenkins-admin',
          action: 'kubernetes:secret:ensure',
          name: 'Jenkins admin Secret',
          input: {
            project: 'acme-chatbots',
            location: 'asia-southeast1-b',
            cluster: 'llm-chatbots',
            name: 'jenkins-admin',
          },
        },
      ],
    }),
  },
];
