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
            endpoint: '34.87.10.20',
            caCertificate: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t',
            name: 'jenkins-admin',
          },
        },
      ],
    }),
  },
];
