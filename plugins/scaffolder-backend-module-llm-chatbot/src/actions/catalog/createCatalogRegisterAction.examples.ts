import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Register the repository that publish:github just created',
    example: yaml.stringify({
      steps: [
        {
          id: 'register',
          action: 'llm-chatbot:catalog:register',
          name: 'Register the chatbot',
          input: {
            repoContentsUrl: 'https://github.com/acme/support-bot/blob/main',
          },
        },
      ],
    }),
  },
];
