import { setupServer } from 'msw/node';
import { ConfigReader } from '@backstage/config';
import type { JsonValue } from '@backstage/types';
import { actionContext } from '../../__testUtils__/actionContext';
import {
  FakeJenkins,
  JENKINS_URL,
  jenkinsConfig,
} from '../../__testUtils__/fakeJenkins';
import { createJenkinsJobEnsureAction } from './createJenkinsJobEnsureAction';
import { jenkinsClientFactory } from './jenkinsInstances';

const jenkins = new FakeJenkins();
const server = setupServer(...jenkins.handlers());
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => jenkins.reset());
afterAll(() => server.close());

const action = () =>
  createJenkinsJobEnsureAction({
    jenkins: jenkinsClientFactory(new ConfigReader(jenkinsConfig)),
    permittedClouds: ['chatbots-delivery'],
  });
const input = {
  instance: 'cluster',
  jobFullName: 'chatbots/support-bot',
  repoUrl: 'https://github.com/acme/support-bot.git',
  credentialsId: 'github-clone',
};

describe('jenkins:job:ensure', () => {
  it('creates the folder and a pipeline job for the Jenkinsfile, with a crumb on its session', async () => {
    const { ctx, outputs } = actionContext({ input });
    await action().handler(ctx);
    expect(jenkins.items.get('chatbots')?.kind).toBe('folder');
    const job = jenkins.items.get('chatbots/support-bot')!;
    expect(job.kind).toBe('job');
    expect(job.config).toContain(
      '<url>https://github.com/acme/support-bot.git</url>',
    );
    expect(job.config).toContain('<credentialsId>github-clone</credentialsId>');
    expect(job.config).toContain('<name>*/main</name>');
    expect(job.config).toContain('<scriptPath>Jenkinsfile</scriptPath>');
    // New commits on main build without a webhook: Jenkins polls.
    expect(job.config).toMatch(
      /<hudson.triggers.SCMTrigger>\s*<spec>H\/5 \* \* \* \*<\/spec>/,
    );
    expect(outputs).toEqual({
      jobUrl: `${JENKINS_URL}/job/chatbots/job/support-bot/`,
      jobFullName: 'chatbots/support-bot',
      created: true,
    });
  });

  it('lets only the folder it creates use the restricted delivery cloud', async () => {
    await action().handler(actionContext({ input }).ctx);
    expect(jenkins.items.get('chatbots')!.config).toContain(
      '<org.csanchez.jenkins.plugins.kubernetes.KubernetesFolderProperty><permittedClouds><string>chatbots-delivery</string></permittedClouds></org.csanchez.jenkins.plugins.kubernetes.KubernetesFolderProperty>',
    );
    // A folder someone already made is left as it is: permitting a cloud is
    // an administrator's decision, not something a re-run should widen.
    jenkins.reset();
    jenkins.items.set('other', { kind: 'folder', config: '<folder/>' });
    await action().handler(
      actionContext({ input: { ...input, jobFullName: 'other/bot' } }).ctx,
    );
    expect(jenkins.items.get('other')!.config).toBe('<folder/>');
  });

  it('updates the job instead of failing when it already exists', async () => {
    await action().handler(actionContext({ input }).ctx);
    const { ctx, outputs } = actionContext({
      input: { ...input, branch: 'release' },
    });
    await action().handler(ctx);
    expect(outputs.created).toBe(false);
    expect(jenkins.count('POST /createItem')).toBe(1); // the folder, once
    expect(jenkins.count('POST /job/chatbots/createItem')).toBe(1); // the job, once
    expect(jenkins.items.get('chatbots/support-bot')!.config).toContain(
      '<name>*/release</name>',
    );
  });

  it("refuses to re-point another chatbot's job at a different repository", async () => {
    await action().handler(actionContext({ input }).ctx);
    // The same repository written another way is the same job's re-run.
    await action().handler(
      actionContext({
        input: { ...input, repoUrl: 'https://GitHub.com/acme/support-bot/' },
      }).ctx,
    );
    const { ctx } = actionContext({
      input: { ...input, repoUrl: 'https://github.com/evil/evil-bot.git' },
    });
    await expect(action().handler(ctx)).rejects.toThrow(
      'Jenkins job chatbots/support-bot already exists and builds https://GitHub.com/acme/support-bot/, not https://github.com/evil/evil-bot.git: choose another chatbot name, or have a Jenkins administrator delete that job first',
    );
    expect(jenkins.items.get('chatbots/support-bot')!.config).toContain(
      '<url>https://GitHub.com/acme/support-bot/</url>',
    );

    // A job made by hand, of another shape, is not taken over either.
    jenkins.items.set('chatbots/hand-made', {
      kind: 'job',
      config: '<project><builders/></project>',
    });
    await expect(
      action().handler(
        actionContext({
          input: { ...input, jobFullName: 'chatbots/hand-made' },
        }).ctx,
      ),
    ).rejects.toThrow(
      /builds something other than a repository this action made it for/,
    );
  });

  it('escapes what it puts in the config XML', async () => {
    const { ctx } = actionContext({
      input: { ...input, description: 'Q&A <bot>' },
    });
    await action().handler(ctx);
    expect(jenkins.items.get('chatbots/support-bot')!.config).toContain(
      '<description>Q&amp;A &lt;bot&gt;</description>',
    );
  });

  it('makes no second job when a retried task replays the step', async () => {
    const checkpoints = new Map<string, JsonValue>();
    await action().handler(actionContext({ input, checkpoints }).ctx);
    const before = jenkins.requests.length;
    const { ctx, outputs } = actionContext({ input, checkpoints });
    await action().handler(ctx);
    expect(jenkins.requests.length).toBe(before);
    expect(outputs.created).toBe(true);
  });

  it('makes no call in a dry run', async () => {
    const { ctx, outputs } = actionContext({ input, isDryRun: true });
    await action().handler(ctx);
    expect(jenkins.requests).toEqual([]);
    expect(outputs.jobUrl).toBe(`${JENKINS_URL}/job/chatbots/job/support-bot/`);
  });

  it('names the configured instances when the template names another', async () => {
    const { ctx } = actionContext({ input: { ...input, instance: 'ci' } });
    await expect(action().handler(ctx)).rejects.toThrow(
      /No Jenkins instance "ci" is configured.*\(configured: cluster\)/,
    );
  });

  it('rejects a job name that could climb out of its folder', async () => {
    const { ctx } = actionContext({
      input: { ...input, jobFullName: 'chatbots/../admin' },
    });
    await expect(action().handler(ctx)).rejects.toThrow(
      /jobFullName must be folder\/job names/,
    );
  });
});
