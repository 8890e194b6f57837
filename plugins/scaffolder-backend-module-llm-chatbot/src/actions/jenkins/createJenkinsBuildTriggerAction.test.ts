import { setupServer } from 'msw/node';
import { ConfigReader } from '@backstage/config';
import type { JsonValue } from '@backstage/types';
import { actionContext } from '../../__testUtils__/actionContext';
import {
  FakeJenkins,
  JENKINS_URL,
  jenkinsConfig,
} from '../../__testUtils__/fakeJenkins';
import { createJenkinsBuildTriggerAction } from './createJenkinsBuildTriggerAction';
import { jenkinsClientFactory } from './jenkinsInstances';

const jenkins = new FakeJenkins();
const server = setupServer(...jenkins.handlers());
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  jenkins.reset();
  jenkins.items.set('chatbots', { kind: 'folder', config: '' });
  jenkins.items.set('chatbots/support-bot', { kind: 'job', config: '' });
});
afterAll(() => server.close());

const action = () =>
  createJenkinsBuildTriggerAction({
    jenkins: jenkinsClientFactory(new ConfigReader(jenkinsConfig)),
    pollMs: 1,
  });
const input = { instance: 'cluster', jobFullName: 'chatbots/support-bot' };

describe('jenkins:build:trigger', () => {
  it('follows the queue item to the build number', async () => {
    jenkins.queueWaits = 2;
    const { ctx, outputs } = actionContext({ input });
    await action().handler(ctx);
    expect(outputs).toEqual({
      buildNumber: 1,
      buildUrl: `${JENKINS_URL}/job/chatbots/job/support-bot/1/`,
    });
    expect(jenkins.count('GET /queue/item/1/api/json')).toBe(3);
  });

  it('passes parameters to buildWithParameters', async () => {
    const { ctx } = actionContext({
      input: { ...input, parameters: { RELEASE: 'support-bot' } },
    });
    await action().handler(ctx);
    expect(jenkins.builds[0].parameters).toEqual({ RELEASE: 'support-bot' });
    expect(
      jenkins.count('POST /job/chatbots/job/support-bot/buildWithParameters'),
    ).toBe(1);
  });

  it('waits for the build, streaming its console into the task log', async () => {
    const { ctx, outputs, logs } = actionContext({
      input: { ...input, wait: true },
    });
    await action().handler(ctx);
    expect(logs).toEqual(
      expect.arrayContaining([
        'info: [Pipeline] stage (Test)',
        'info: [Pipeline] stage (Deploy)',
        'info: Finished: SUCCESS',
      ]),
    );
    expect(outputs.result).toBe('SUCCESS');
  });

  it('fails the step, linking the console, when the build fails', async () => {
    jenkins.buildResult = 'FAILURE';
    const { ctx } = actionContext({ input: { ...input, wait: true } });
    await expect(action().handler(ctx)).rejects.toThrow(
      /Build #1 of chatbots\/support-bot finished FAILURE: see .*\/1\/console/,
    );
  });

  it('queues no second build when a retried task replays the step', async () => {
    const checkpoints = new Map<string, JsonValue>();
    await action().handler(actionContext({ input, checkpoints }).ctx);
    const { ctx, outputs } = actionContext({ input, checkpoints });
    await action().handler(ctx);
    expect(jenkins.builds).toHaveLength(1);
    expect(outputs.buildNumber).toBe(1);
  });

  it('follows the build it already queued when a retry comes after the queue wait ran out', async () => {
    const checkpoints = new Map<string, JsonValue>();
    jenkins.queueWaits = 1_000_000;
    await expect(
      action().handler(
        actionContext({ input: { ...input, queueWaitSeconds: 1 }, checkpoints })
          .ctx,
      ),
    ).rejects.toThrow(/still queued/);
    jenkins.releaseQueue(); // the queued item now names its build
    const { ctx, outputs } = actionContext({ input, checkpoints });
    await action().handler(ctx);
    expect(jenkins.builds).toHaveLength(1);
    expect(jenkins.count('POST /job/chatbots/job/support-bot/build')).toBe(1);
    expect(outputs.buildNumber).toBe(1);
  });

  it('says the build is still queued when no agent starts in time', async () => {
    jenkins.queueWaits = 1_000_000;
    const { ctx } = actionContext({ input: { ...input, queueWaitSeconds: 1 } });
    await expect(action().handler(ctx)).rejects.toThrow(
      /still queued after 1 s .*check that Jenkins can start an agent pod/,
    );
  });

  it('stops following the queue when the task is cancelled', async () => {
    jenkins.queueWaits = 1_000_000;
    const controller = new AbortController();
    const { ctx } = actionContext({ input, signal: controller.signal });
    const run = action().handler(ctx);
    setTimeout(() => controller.abort(new Error('cancelled')), 50);
    await expect(run).rejects.toThrow(/cancelled/);
  });

  it('makes no call in a dry run', async () => {
    const { ctx, outputs } = actionContext({ input, isDryRun: true });
    await action().handler(ctx);
    expect(jenkins.requests).toEqual([]);
    expect(outputs.buildNumber).toBe(1);
  });

  it('names the job when it does not exist', async () => {
    const { ctx } = actionContext({
      input: { ...input, jobFullName: 'chatbots/missing' },
    });
    await expect(action().handler(ctx)).rejects.toThrow(
      /Jenkins job chatbots\/missing not found/,
    );
  });
});
