import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Copy the chatbot service from the portal repository into the new repository',
    example: yaml.stringify({
      steps: [
        {
          id: 'service',
          action: 'llm-chatbot:source:fetch',
          name: 'Fetch the chatbot service',
          input: { path: 'services/chatbot', targetPath: 'repo' },
        },
      ],
    }),
  },
];
