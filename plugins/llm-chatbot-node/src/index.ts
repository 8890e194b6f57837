/**
 * Node code shared by the llm-chatbot backend plugin (run pipeline) and the
 * scaffolder module (ensure the job, trigger the first build): one Jenkins
 * REST client, so both speak to Jenkins the same way.
 *
 * @packageDocumentation
 */
export * from './errors';
export * from './jenkins/JenkinsClient';
export * from './util/sleep';
export * from './util/xml';
