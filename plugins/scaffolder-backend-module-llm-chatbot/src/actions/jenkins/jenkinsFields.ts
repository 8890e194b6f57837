import type { z as zod } from 'zod/v3';

/** Which Jenkins: shared by the Jenkins actions. */
export const instanceField = (z: typeof zod) =>
  z
    .string()
    .default('default')
    .describe(
      'Jenkins instance from the `jenkins` config block the community plugin reads. Default "default" (jenkins.baseUrl).',
    );
