import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Ensure the pipeline job of a new chatbot in the chatbots folder',
    example: yaml.stringify({
      steps: [
        {
          id: 'jenkins-job',
          action: 'jenkins:job:ensure',
          name: 'Ensure the Jenkins job',
          input: {
            jobFullName: 'chatbots/support-bot',
            repoUrl: 'https://github.com/acme/support-bot.git',
          },
        },
      ],
    }),
  },
  {
    description:
      'Ensure a job on a named instance, building a private repository with stored credentials',
    example: yaml.stringify({
      steps: [
        {
          id: 'jenkins-job',
          action: 'jenkins:job:ensure',
          name: 'Ensure the Jenkins job',
          input: {
            instance: 'cluster',
            jobFullName: 'support-bot',
            repoUrl: 'https://github.com/acme/support-bot.git',
            branch: 'release',
            credentialsId: 'github-clone',
            description: 'Support chatbot: test, build, deploy',
          },
        },
      ],
    }),
  },
];
