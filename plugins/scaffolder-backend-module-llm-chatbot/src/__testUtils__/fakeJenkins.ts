import { http, HttpResponse } from 'msw';

export const JENKINS_URL = 'https://jenkins.example.com';
const CRUMB = 'crumb-123';
const SESSION = 'JSESSIONID.abc=session-1';

/**
 * A Jenkins with CSRF protection on: the crumb is only accepted with the
 * session cookie it was issued on, as Jenkins 2.176+ does. Jobs and folders
 * live in a map by full name; builds print a console in three pieces.
 */
export class FakeJenkins {
  readonly items = new Map<
    string,
    { kind: 'folder' | 'job'; config: string }
  >();
  readonly requests: string[] = [];
  readonly builds: {
    job: string;
    number: number;
    parameters: Record<string, string>;
  }[] = [];
  buildResult = 'SUCCESS';
  queueWaits = 1;
  private queue = new Map<
    number,
    { job: string; waits: number; number?: number }
  >();
  private seq = 0;

  reset() {
    this.items.clear();
    this.requests.length = 0;
    this.builds.length = 0;
    this.queue.clear();
    this.buildResult = 'SUCCESS';
    this.queueWaits = 1;
    this.seq = 0;
  }

  /** Agents became available: every queued item gets its build. */
  releaseQueue() {
    for (const item of this.queue.values()) item.waits = 0;
  }

  count(what: string) {
    return this.requests.filter(r => r.startsWith(what)).length;
  }

  /** /job/a/job/b → a/b */
  private static fullName(path: string) {
    return path
      .split('/job/')
      .slice(1)
      .map(p => decodeURIComponent(p.replace(/\/.*$/, '')))
      .join('/');
  }

  private authorised(request: Request) {
    return (
      request.headers.get('authorization') ===
      `Basic ${Buffer.from('portal:api-token').toString('base64')}`
    );
  }

  private crumbOk(request: Request) {
    return (
      request.headers.get('jenkins-crumb') === CRUMB &&
      (request.headers.get('cookie') ?? '').includes(SESSION)
    );
  }

  handlers() {
    const guard = (request: Request, needsCrumb: boolean) => {
      this.requests.push(
        `${request.method} ${new URL(request.url).pathname}${
          new URL(request.url).search
        }`,
      );
      if (!this.authorised(request))
        return new HttpResponse(null, { status: 401 });
      if (needsCrumb && !this.crumbOk(request)) {
        return new HttpResponse('No valid crumb was included in the request', {
          status: 403,
        });
      }
      return undefined;
    };
    return [
      http.get(
        `${JENKINS_URL}/crumbIssuer/api/json`,
        ({ request }) =>
          guard(request, false) ??
          HttpResponse.json(
            { crumb: CRUMB, crumbRequestField: 'Jenkins-Crumb' },
            // Jenkins sets Path=/. msw keeps a browser-like cookie jar and would
            // re-send a Path=/ cookie by itself; scoping it to this path means
            // later requests carry the cookie only if the client sends it.
            {
              headers: {
                'set-cookie': `${SESSION}; Path=/crumbIssuer; HttpOnly`,
              },
            },
          ),
      ),
      http.get(`${JENKINS_URL}/*`, ({ request }) => {
        const denied = guard(request, false);
        if (denied) return denied;
        const url = new URL(request.url);
        const queue = /^\/queue\/item\/(\d+)\/api\/json$/.exec(url.pathname);
        if (queue) {
          const item = this.queue.get(Number(queue[1]));
          if (!item) return new HttpResponse(null, { status: 404 });
          if (item.waits-- > 0)
            return HttpResponse.json({
              why: 'Waiting for next available executor',
            });
          return HttpResponse.json({
            executable: {
              number: item.number,
              url: `${JENKINS_URL}/job/${item.job.split('/').join('/job/')}/${
                item.number
              }/`,
            },
          });
        }
        const build =
          /^(.*)\/(\d+)\/(api\/json|logText\/progressiveText)$/.exec(
            url.pathname,
          );
        if (build) {
          const job = FakeJenkins.fullName(build[1]);
          const number = Number(build[2]);
          if (!this.builds.some(b => b.job === job && b.number === number))
            return new HttpResponse(null, { status: 404 });
          if (build[3] === 'api/json') {
            return HttpResponse.json({
              number,
              building: false,
              result: this.buildResult,
              url: `${JENKINS_URL}${build[1]}/${number}/`,
            });
          }
          const pieces = [
            '[Pipeline] stage (Test)\n',
            '[Pipeline] stage (Deploy)\n',
            `Finished: ${this.buildResult}\n`,
          ];
          const start = Number(url.searchParams.get('start') ?? 0);
          const index = pieces.findIndex(
            (_, i) => pieces.slice(0, i).join('').length === start,
          );
          const piece = index >= 0 ? pieces[index] : '';
          return new HttpResponse(piece, {
            headers: {
              'x-text-size': String(start + piece.length),
              ...(index >= 0 && index < pieces.length - 1
                ? { 'x-more-data': 'true' }
                : {}),
            },
          });
        }
        const config = /^(.*)\/config\.xml$/.exec(url.pathname);
        if (config) {
          const item = this.items.get(FakeJenkins.fullName(config[1]));
          return item
            ? new HttpResponse(item.config, {
                headers: { 'content-type': 'application/xml' },
              })
            : new HttpResponse(null, { status: 404 });
        }
        const api = /^(.*)\/api\/json$/.exec(url.pathname);
        if (api) {
          const item = this.items.get(FakeJenkins.fullName(api[1]));
          return item
            ? HttpResponse.json({ name: 'x' })
            : new HttpResponse(null, { status: 404 });
        }
        return new HttpResponse(null, { status: 404 });
      }),
      http.post(`${JENKINS_URL}/*`, async ({ request }) => {
        const denied = guard(request, true);
        if (denied) return denied;
        const url = new URL(request.url);
        if (url.pathname.endsWith('/createItem')) {
          const parent = FakeJenkins.fullName(
            url.pathname.replace(/\/createItem$/, ''),
          );
          if (parent && this.items.get(parent)?.kind !== 'folder')
            return new HttpResponse(null, { status: 404 });
          const name = url.searchParams.get('name')!;
          const full = parent ? `${parent}/${name}` : name;
          if (this.items.has(full)) {
            return new HttpResponse(
              `<html><body><h1>Error</h1><p>A job already exists with the name ‘${name}’</p></body></html>`,
              { status: 400 },
            );
          }
          const config = await request.text();
          this.items.set(full, {
            kind: config.includes('folder.Folder') ? 'folder' : 'job',
            config,
          });
          return new HttpResponse(null, { status: 200 });
        }
        if (url.pathname.endsWith('/config.xml')) {
          const full = FakeJenkins.fullName(
            url.pathname.replace(/\/config\.xml$/, ''),
          );
          const item = this.items.get(full);
          if (!item) return new HttpResponse(null, { status: 404 });
          item.config = await request.text();
          return new HttpResponse(null, { status: 200 });
        }
        const trigger = /^(.*)\/(build|buildWithParameters)$/.exec(
          url.pathname,
        );
        if (trigger) {
          const job = FakeJenkins.fullName(trigger[1]);
          if (this.items.get(job)?.kind !== 'job')
            return new HttpResponse(null, { status: 404 });
          const parameters = Object.fromEntries(
            new URLSearchParams(await request.text()),
          );
          const number = this.builds.filter(b => b.job === job).length + 1;
          this.builds.push({ job, number, parameters });
          const id = ++this.seq;
          this.queue.set(id, { job, waits: this.queueWaits, number });
          return new HttpResponse(null, {
            status: 201,
            headers: { location: `${JENKINS_URL}/queue/item/${id}/` },
          });
        }
        return new HttpResponse(null, { status: 404 });
      }),
    ];
  }
}

export const jenkinsConfig = {
  jenkins: {
    instances: [
      {
        name: 'cluster',
        baseUrl: JENKINS_URL,
        username: 'portal',
        apiKey: 'api-token',
      },
    ],
  },
};

/** The same fake as the default instance and as a named one, as the examples use both. */
export const jenkinsConfigWithDefault = {
  jenkins: {
    baseUrl: JENKINS_URL,
    username: 'portal',
    apiKey: 'api-token',
    instances: jenkinsConfig.jenkins.instances,
  },
};
