import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { ConfigReader } from '@backstage/config';
import {
  JenkinsClient,
  jobPath,
  parseJobFullName,
  readJenkinsInstances,
} from './JenkinsClient';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const instance = {
  name: 'ci',
  baseUrl: 'http://ci.test/jenkins',
  username: 'u',
  apiKey: 'k',
};

describe('job names', () => {
  it('reads <instance>:<folder/job> and defaults the instance', () => {
    expect(parseJobFullName('ci:a/b/c')).toEqual({
      instance: 'ci',
      jobFullName: 'a/b/c',
    });
    expect(parseJobFullName('a/b')).toEqual({
      instance: 'default',
      jobFullName: 'a/b',
    });
  });

  it('refuses names that would climb out of the job tree', () => {
    expect(() => parseJobFullName('ci:a/../b')).toThrow(
      /is not <instance>:<folder\/job>/,
    );
    expect(() => parseJobFullName('ci:')).toThrow();
  });

  it('addresses folder jobs as /job/a/job/b, encoding each segment', () => {
    expect(jobPath('team a/chat bot/main')).toBe(
      '/job/team%20a/job/chat%20bot/job/main',
    );
  });

  it("reads the community plugin's config: the default instance and named ones", () => {
    const instances = readJenkinsInstances(
      new ConfigReader({
        jenkins: {
          baseUrl: 'http://d.test',
          username: 'a',
          apiKey: 'b',
          instances: [
            {
              name: 'ci',
              baseUrl: 'http://ci.test',
              username: 'c',
              apiKey: 'd',
            },
          ],
        },
      }),
    );
    expect([...instances.keys()]).toEqual(['default', 'ci']);
  });
});

describe('triggerBuild', () => {
  it('works without a crumb when CSRF protection is off, under a context path', async () => {
    const seen: string[] = [];
    server.use(
      http.get(
        'http://ci.test/jenkins/crumbIssuer/api/json',
        () => new HttpResponse(null, { status: 404 }),
      ),
      http.post('http://ci.test/jenkins/job/a/job/b/build', ({ request }) => {
        seen.push(request.headers.get('authorization')!);
        return new HttpResponse(null, {
          status: 201,
          headers: { location: 'http://ci.test/jenkins/queue/item/9/' },
        });
      }),
      http.get('http://ci.test/jenkins/queue/item/9/api/json', () =>
        HttpResponse.json({
          executable: {
            number: 3,
            url: 'http://ci.test/jenkins/job/a/job/b/3/',
          },
        }),
      ),
    );
    const build = await new JenkinsClient(instance, {
      queueWaitMs: 1000,
    }).triggerBuild('a/b');
    expect(build.buildNumber).toBe(3);
    expect(seen).toEqual([`Basic ${Buffer.from('u:k').toString('base64')}`]);
  });

  it('answers with the queue item alone when the build has not started within the wait', async () => {
    server.use(
      http.get(
        'http://ci.test/jenkins/crumbIssuer/api/json',
        () => new HttpResponse(null, { status: 404 }),
      ),
      http.post(
        'http://ci.test/jenkins/job/a/build',
        () =>
          new HttpResponse(null, {
            status: 201,
            headers: { location: '/jenkins/queue/item/5/' },
          }),
      ),
      http.get('http://ci.test/jenkins/queue/item/5/api/json', () =>
        HttpResponse.json({ why: 'Waiting' }),
      ),
    );
    const build = await new JenkinsClient(instance, {
      queueWaitMs: 300,
      pollMs: 50,
    }).triggerBuild('a');
    expect(build).toEqual({
      queueItemUrl: 'http://ci.test/jenkins/queue/item/5/',
    });
  });

  it('fails clearly when Jenkins cancels the queued build', async () => {
    server.use(
      http.get(
        'http://ci.test/jenkins/crumbIssuer/api/json',
        () => new HttpResponse(null, { status: 404 }),
      ),
      http.post(
        'http://ci.test/jenkins/job/a/build',
        () =>
          new HttpResponse(null, {
            status: 201,
            headers: { location: 'http://ci.test/jenkins/queue/item/6/' },
          }),
      ),
      http.get('http://ci.test/jenkins/queue/item/6/api/json', () =>
        HttpResponse.json({ cancelled: true, why: 'Disk full' }),
      ),
    );
    await expect(
      new JenkinsClient(instance, { queueWaitMs: 1000 }).triggerBuild('a'),
    ).rejects.toThrow(/cancelled the queued build: Disk full/);
  });

  it('names the job when it does not exist, and the token when Jenkins refuses it', async () => {
    server.use(
      http.get(
        'http://ci.test/jenkins/crumbIssuer/api/json',
        () => new HttpResponse(null, { status: 404 }),
      ),
      http.post(
        'http://ci.test/jenkins/job/missing/build',
        () => new HttpResponse(null, { status: 404 }),
      ),
      http.post(
        'http://ci.test/jenkins/job/locked/build',
        () => new HttpResponse(null, { status: 403 }),
      ),
    );
    const client = new JenkinsClient(instance, { queueWaitMs: 100 });
    await expect(client.triggerBuild('missing')).rejects.toThrow(
      /Jenkins job missing not found on instance "ci"/,
    );
    await expect(client.triggerBuild('locked')).rejects.toThrow(
      /check the user and API token/,
    );
  });
});

describe('lastBuilds', () => {
  it('lists the newest builds of a folder job with their result and start', async () => {
    let tree: string | null = null;
    server.use(
      http.get('http://ci.test/jenkins/job/a/job/b/api/json', ({ request }) => {
        tree = new URL(request.url).searchParams.get('tree');
        return HttpResponse.json({
          builds: [
            {
              number: 8,
              result: null,
              building: true,
              timestamp: 1764300000000,
              duration: 0,
              url: 'http://ci.test/jenkins/job/a/job/b/8/',
            },
            {
              number: 7,
              result: 'FAILURE',
              building: false,
              timestamp: 1764290000000,
              duration: 61000,
              url: 'http://ci.test/jenkins/job/a/job/b/7/',
            },
          ],
        });
      }),
    );
    const builds = await new JenkinsClient(instance, {
      queueWaitMs: 100,
    }).lastBuilds('a/b');
    expect(tree).toBe(
      'builds[number,result,building,timestamp,duration,url]{0,5}',
    );
    expect(builds).toEqual([
      {
        number: 8,
        building: true,
        startedAt: new Date(1764300000000).toISOString(),
        durationMs: 0,
        url: 'http://ci.test/jenkins/job/a/job/b/8/',
      },
      {
        number: 7,
        result: 'FAILURE',
        building: false,
        startedAt: new Date(1764290000000).toISOString(),
        durationMs: 61000,
        url: 'http://ci.test/jenkins/job/a/job/b/7/',
      },
    ]);
  });
});
