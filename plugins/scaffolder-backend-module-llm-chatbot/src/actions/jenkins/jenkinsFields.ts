import type { z as zod } from 'zod/v3';

/** Which Jenkins: shared by the Jenkins actions. */
export const instanceField = (z: typeof zod) =>
  z
    .string()
    .default('default')
    .describe(
      'Jenkins instance from the `jenkins` config block the community plugin reads. Default "default" (jenkins.baseUrl).',
    );

const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

/** A job with its folders; no segment can be empty, "." or "..". */
export const jobFullNameField = (z: typeof zod) =>
  z
    .string()
    .regex(
      JOB_NAME,
      'jobFullName must be folder/job names of letters, digits, dot, dash and underscore, e.g. chatbots/support-bot',
    );
