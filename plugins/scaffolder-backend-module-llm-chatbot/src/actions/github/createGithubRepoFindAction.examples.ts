import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Publish only when an earlier run has not',
    example: yaml.stringify({
      steps: [
        {
          id: 'existing-repo',
          action: 'llm-chatbot:github:repo:find',
          name: 'Look for the repository',
          input: { repoUrl: 'github.com?owner=acme&repo=support-bot' },
        },
      ],
    }),
  },
];
