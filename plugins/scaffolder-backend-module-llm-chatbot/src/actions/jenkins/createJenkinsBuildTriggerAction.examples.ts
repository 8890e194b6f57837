import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Trigger the first build of a new chatbot and link it',
    example: yaml.stringify({
      steps: [
        {
          id: 'first-build',
          action: 'jenkins:build:trigger',
          name: 'Trigger the first build',
          input: { jobFullName: 'chatbots/support-bot' },
        },
      ],
    }),
  },
  {
    description:
      'Trigger a parameterised build and wait for it, streaming the console into the task log',
    example: yaml.stringify({
      steps: [
        {
          id: 'first-build',
          action: 'jenkins:build:trigger',
          name: 'Build and deploy',
          input: {
            instance: 'cluster',
            jobFullName: 'chatbots/support-bot',
            parameters: { RELEASE: 'support-bot', NAMESPACE: 'chatbots' },
            wait: true,
            timeoutMinutes: 30,
          },
        },
      ],
    }),
  },
];
