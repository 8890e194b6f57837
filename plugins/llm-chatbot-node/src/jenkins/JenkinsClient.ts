import type { Config } from '@backstage/config';
import { escapeXml } from '../util/xml';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { ChatbotPipelineBuild } from '@internal/plugin-llm-chatbot-common';
import { UpstreamError, UpstreamTimeoutError } from '../errors';
import { sleep } from '../util/sleep';

/** One Jenkins instance from the `jenkins` config block the community plugin reads. */
export interface JenkinsInstance {
  name: string;
  baseUrl: string;
  username: string;
  apiKey: string;
}

/** What `ensureJob` did. */
export interface EnsuredJob {
  outcome: 'created' | 'updated';
  /** The job's page: `<baseUrl>/job/a/job/b/`. */
  url: string;
  /** Folders it had to create on the way, outermost first. */
  createdFolders: string[];
}

/** One build's state. */
export interface BuildState {
  number: number;
  building: boolean;
  /** SUCCESS, FAILURE, UNSTABLE, ABORTED; absent while building. */
  result?: string;
  url: string;
}

/** The outcome of triggering a build. */
export interface TriggeredBuild {
  /** The queue item Jenkins created (its Location header). */
  queueItemUrl: string;
  /** Known once Jenkins leaves the queue within the wait. */
  buildNumber?: number;
  buildUrl?: string;
}

/** `jenkins.baseUrl/username/apiKey` as instance `default`, plus `jenkins.instances`. */
export function readJenkinsInstances(
  config: Config,
): Map<string, JenkinsInstance> {
  const instances = new Map<string, JenkinsInstance>();
  const jenkins = config.getOptionalConfig('jenkins');
  if (!jenkins) return instances;
  if (jenkins.has('baseUrl')) {
    instances.set('default', {
      name: 'default',
      baseUrl: jenkins.getString('baseUrl'),
      username: jenkins.getString('username'),
      apiKey: jenkins.getString('apiKey'),
    });
  }
  for (const c of jenkins.getOptionalConfigArray('instances') ?? []) {
    const name = c.getString('name');
    instances.set(name, {
      name,
      baseUrl: c.getString('baseUrl'),
      username: c.getString('username'),
      apiKey: c.getString('apiKey'),
    });
  }
  return instances;
}

/** `instance:folder/job`, or `folder/job` on the default instance (the community plugin's annotation format). */
export function parseJobFullName(value: string): {
  instance: string;
  jobFullName: string;
} {
  const colon = value.indexOf(':');
  const [instance, jobFullName] =
    colon > 0
      ? [value.slice(0, colon), value.slice(colon + 1)]
      : ['default', value];
  if (
    !jobFullName ||
    jobFullName.split('/').some(part => !part || part === '..')
  ) {
    throw new InputError(
      `jenkins.io/job-full-name "${value}" is not <instance>:<folder/job>`,
    );
  }
  return { instance, jobFullName };
}

/** `a/b` → `/job/a/job/b`: how Jenkins addresses a job inside folders. */
export function jobPath(jobFullName: string): string {
  return jobFullName
    .split('/')
    .map(part => `/job/${encodeURIComponent(part)}`)
    .join('');
}

/**
 * A CloudBees folder (the Folders plugin ships with the Jenkins chart). With
 * permitted clouds, its jobs may use those usage-restricted Kubernetes
 * clouds (the Kubernetes plugin's KubernetesFolderProperty); jobs elsewhere
 * may not.
 */
export function folderXml(permittedClouds: string[] = []) {
  if (permittedClouds.length === 0) {
    return "<?xml version='1.1' encoding='UTF-8'?><com.cloudbees.hudson.plugins.folder.Folder/>";
  }
  const clouds = permittedClouds
    .map(cloud => `<string>${escapeXml(cloud)}</string>`)
    .join('');
  return `<?xml version='1.1' encoding='UTF-8'?><com.cloudbees.hudson.plugins.folder.Folder><properties><org.csanchez.jenkins.plugins.kubernetes.KubernetesFolderProperty><permittedClouds>${clouds}</permittedClouds></org.csanchez.jenkins.plugins.kubernetes.KubernetesFolderProperty></properties></com.cloudbees.hudson.plugins.folder.Folder>`;
}

/**
 * Jenkins' REST API: a new build of a job, followed from its queue item to
 * the build number. The community Jenkins backend only re-runs an existing
 * build, so this is ours. It authenticates with an API token and still sends
 * a crumb when the instance issues one, on the session cookie the crumb is
 * tied to.
 */
export class JenkinsClient {
  constructor(
    private readonly instance: JenkinsInstance,
    private readonly options: {
      queueWaitMs: number;
      pollMs?: number;
      /** Each call's bound, to its response headers; none when unset. */
      requestTimeoutMs?: number;
    },
  ) {}

  private get auth() {
    return `Basic ${Buffer.from(
      `${this.instance.username}:${this.instance.apiKey}`,
    ).toString('base64')}`;
  }

  private url(path: string) {
    return `${this.instance.baseUrl.replace(/\/+$/, '')}${path}`;
  }

  private async send(url: string, init: RequestInit = {}): Promise<Response> {
    const { requestTimeoutMs } = this.options;
    const timeout = requestTimeoutMs
      ? AbortSignal.timeout(requestTimeoutMs)
      : undefined;
    const signals = [init.signal, timeout].filter((s): s is AbortSignal =>
      Boolean(s),
    );
    try {
      return await fetch(url, {
        ...init,
        headers: { authorization: this.auth, ...init.headers },
        redirect: 'manual',
        signal: signals.length ? AbortSignal.any(signals) : undefined,
      });
    } catch (error) {
      if (timeout?.aborted && !init.signal?.aborted) {
        throw new UpstreamTimeoutError(
          `Jenkins instance "${this.instance.name}" did not answer within ${requestTimeoutMs} ms`,
        );
      }
      // fetch says only "fetch failed"; the reason (DNS, TLS, refused) is its cause.
      const cause = (error as { cause?: { code?: string; message?: string } })
        .cause;
      throw new UpstreamError(
        `Jenkins instance "${this.instance.name}" could not be reached at ${
          this.instance.baseUrl
        }: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
        error,
      );
    }
  }

  /** The crumb header and the session cookie it belongs to; none when CSRF protection is off. */
  private async crumb(signal?: AbortSignal): Promise<Record<string, string>> {
    const res = await this.send(this.url('/crumbIssuer/api/json'), { signal });
    if (res.status === 404) return {};
    if (!res.ok) throw await this.failure(res, 'fetching a crumb');
    const body = (await res.json()) as {
      crumb: string;
      crumbRequestField: string;
    };
    const cookie = res.headers
      .getSetCookie()
      .map(c => c.split(';')[0])
      .join('; ');
    return {
      [body.crumbRequestField]: body.crumb,
      ...(cookie ? { cookie } : {}),
    };
  }

  private async failure(res: Response, what: string): Promise<Error> {
    const detail = (await res.text().catch(() => '')).slice(0, 200);
    const prefix = `Jenkins instance "${this.instance.name}" refused ${what}`;
    if (res.status === 401 || res.status === 403) {
      // The portal's credentials, not the user's: a gateway failure (502).
      return new UpstreamError(
        `${prefix} (${res.status}): check the user and API token in jenkins config`,
      );
    }
    if (res.status === 404) return new NotFoundError(`${prefix}: not found`);
    return new UpstreamError(`${prefix} (${res.status}): ${detail}`);
  }

  /** The job's latest builds, newest first. */
  async lastBuilds(
    jobFullName: string,
    count = 5,
    signal?: AbortSignal,
  ): Promise<ChatbotPipelineBuild[]> {
    const tree = `builds[number,result,building,timestamp,duration,url]{0,${count}}`;
    const res = await this.send(
      this.url(
        `${jobPath(jobFullName)}/api/json?tree=${encodeURIComponent(tree)}`,
      ),
      { signal },
    );
    if (res.status === 404) {
      throw new NotFoundError(
        `Jenkins job ${jobFullName} not found on instance "${this.instance.name}"`,
      );
    }
    if (!res.ok) throw await this.failure(res, `the builds of ${jobFullName}`);
    const body = (await res.json()) as {
      builds?: {
        number: number;
        result: string | null;
        building: boolean;
        timestamp: number;
        duration: number;
        url: string;
      }[];
    };
    return (body.builds ?? []).map(b => ({
      number: b.number,
      ...(b.result ? { result: b.result } : {}),
      building: b.building,
      startedAt: new Date(b.timestamp).toISOString(),
      durationMs: b.duration,
      url: b.url,
    }));
  }

  /** Queues a new build and waits up to queueWaitMs for its number. */
  async triggerBuild(
    jobFullName: string,
    signal?: AbortSignal,
  ): Promise<TriggeredBuild> {
    const { queueItemUrl } = await this.queueBuild(jobFullName, signal);
    return { queueItemUrl, ...(await this.followQueue(queueItemUrl, signal)) };
  }

  /** Queues a new build; returns its queue item on the configured base URL. */
  async queueBuild(
    jobFullName: string,
    signal?: AbortSignal,
    parameters?: Record<string, string>,
  ): Promise<{ queueItemUrl: string }> {
    const headers = await this.crumb(signal);
    const withParameters = parameters && Object.keys(parameters).length > 0;
    const res = await this.send(
      this.url(
        `${jobPath(jobFullName)}/${
          withParameters ? 'buildWithParameters' : 'build'
        }`,
      ),
      {
        method: 'POST',
        headers: withParameters
          ? { ...headers, 'content-type': 'application/x-www-form-urlencoded' }
          : headers,
        body: withParameters
          ? new URLSearchParams(parameters).toString()
          : undefined,
        signal,
      },
    );
    if (res.status === 404) {
      throw new NotFoundError(
        `Jenkins job ${jobFullName} not found on instance "${this.instance.name}"`,
      );
    }
    if (res.status !== 201 && res.status !== 200) {
      throw await this.failure(res, `a build of ${jobFullName}`);
    }
    const location = res.headers.get('location');
    if (!location) {
      throw new UpstreamError(
        `Jenkins accepted a build of ${jobFullName} but named no queue item`,
      );
    }
    // Followed on the configured base URL, never on the host Jenkins names.
    const item = /\/queue\/item\/(\d+)\/?$/.exec(
      new URL(location, this.url('/')).pathname,
    );
    if (!item) {
      throw new UpstreamError(
        `Jenkins named an unexpected queue item: ${location}`,
      );
    }
    return { queueItemUrl: this.url(`/queue/item/${item[1]}/`) };
  }

  /** The page of a job on the configured base URL. */
  jobUrl(jobFullName: string): string {
    return this.url(`${jobPath(jobFullName)}/`);
  }

  /** Whether a job or folder exists at this full name. */
  async exists(jobFullName: string, signal?: AbortSignal): Promise<boolean> {
    const res = await this.send(
      this.url(`${jobPath(jobFullName)}/api/json?tree=name`),
      { signal },
    );
    if (res.status === 404) return false;
    if (!res.ok) throw await this.failure(res, `a lookup of ${jobFullName}`);
    return true;
  }

  /** A job's config.xml as Jenkins keeps it. */
  async jobConfig(jobFullName: string, signal?: AbortSignal): Promise<string> {
    const res = await this.send(
      this.url(`${jobPath(jobFullName)}/config.xml`),
      { signal },
    );
    if (!res.ok)
      throw await this.failure(res, `reading the config of ${jobFullName}`);
    return res.text();
  }

  /**
   * Creates the job from its config XML, or replaces the config of the job
   * that is already there, so running it twice leaves one job. Missing
   * folders on the way are created first, from `folderConfigXml` (a plain
   * folder by default); existing folders are left as they are. A job
   * already there is replaced only if `replaceable` accepts its current
   * config (it throws to refuse).
   */
  async ensureJob(
    jobFullName: string,
    configXml: string,
    signal?: AbortSignal,
    folderConfigXml: string = folderXml(),
    replaceable: (currentConfigXml: string) => void = () => undefined,
  ): Promise<EnsuredJob> {
    const parts = jobFullName.split('/');
    const createdFolders: string[] = [];
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join('/');
      if (!(await this.exists(folder, signal))) {
        await this.createItem(folder, folderConfigXml, signal);
        createdFolders.push(folder);
      }
    }
    const url = this.jobUrl(jobFullName);
    const replace = async () => {
      replaceable(await this.jobConfig(jobFullName, signal));
      await this.updateConfig(jobFullName, configXml, signal);
      return { outcome: 'updated' as const, url, createdFolders };
    };
    if (await this.exists(jobFullName, signal)) return replace();
    const created = await this.createItem(jobFullName, configXml, signal);
    // Someone created it between the lookup and ours: update instead.
    if (!created) return replace();
    return { outcome: 'created', url, createdFolders };
  }

  /** POSTs a config.xml body, with a crumb on its session. */
  private async postXml(path: string, xml: string, signal?: AbortSignal) {
    return this.send(this.url(path), {
      method: 'POST',
      headers: {
        ...(await this.crumb(signal)),
        'content-type': 'application/xml',
      },
      body: xml,
      signal,
    });
  }

  /** POST parent/createItem?name=leaf; false when the name is already taken. */
  private async createItem(
    fullName: string,
    configXml: string,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const parts = fullName.split('/');
    const leaf = parts.pop()!;
    const parent = parts.length ? jobPath(parts.join('/')) : '';
    const res = await this.postXml(
      `${parent}/createItem?name=${encodeURIComponent(leaf)}`,
      configXml,
      signal,
    );
    if (res.ok) return true;
    const text = await res.text().catch(() => '');
    if (res.status === 400 && /already exists/i.test(text)) return false;
    if (res.status === 400) {
      throw new InputError(
        `Jenkins refused to create ${fullName}: ${summarise(text)}`,
      );
    }
    throw await this.failure(
      new Response(text, { status: res.status }),
      `creating ${fullName}`,
    );
  }

  private async updateConfig(
    jobFullName: string,
    configXml: string,
    signal?: AbortSignal,
  ) {
    const res = await this.postXml(
      `${jobPath(jobFullName)}/config.xml`,
      configXml,
      signal,
    );
    if (res.status === 400 || res.status === 500) {
      // Jenkins answers a malformed config with 400 or 500 and a stack trace.
      throw new InputError(
        `Jenkins refused the config of ${jobFullName}: ${summarise(
          await res.text().catch(() => ''),
        )}`,
      );
    }
    if (!res.ok) {
      throw await this.failure(res, `the config of ${jobFullName}`);
    }
  }

  /** One build's state. */
  async getBuild(
    jobFullName: string,
    buildNumber: number,
    signal?: AbortSignal,
  ): Promise<BuildState> {
    const res = await this.send(
      this.url(
        `${jobPath(
          jobFullName,
        )}/${buildNumber}/api/json?tree=number,building,result,url`,
      ),
      { signal },
    );
    if (res.status === 404) {
      throw new NotFoundError(
        `Build #${buildNumber} of ${jobFullName} not found on instance "${this.instance.name}"`,
      );
    }
    if (!res.ok) {
      throw await this.failure(res, `build #${buildNumber} of ${jobFullName}`);
    }
    const body = (await res.json()) as {
      number: number;
      building: boolean;
      result: string | null;
      url: string;
    };
    return {
      number: body.number,
      building: body.building,
      ...(body.result ? { result: body.result } : {}),
      url: body.url,
    };
  }

  /**
   * Streams a build's console from `start` (progressiveText), calling
   * onText with each new piece, until Jenkins says there is no more data.
   * Returns the build's final state.
   */
  async followConsole(
    jobFullName: string,
    buildNumber: number,
    onText: (text: string) => void,
    options: { signal?: AbortSignal } = {},
  ): Promise<BuildState> {
    let start = 0;
    for (;;) {
      const res = await this.send(
        this.url(
          `${jobPath(
            jobFullName,
          )}/${buildNumber}/logText/progressiveText?start=${start}`,
        ),
        { signal: options.signal },
      );
      if (!res.ok) {
        throw await this.failure(
          res,
          `the console of build #${buildNumber} of ${jobFullName}`,
        );
      }
      const text = await res.text();
      if (text) onText(text);
      start = Number(res.headers.get('x-text-size') ?? start + text.length);
      if (res.headers.get('x-more-data') !== 'true') break;
      await sleep(this.options.pollMs ?? 1000, options.signal);
    }
    return this.getBuild(jobFullName, buildNumber, options.signal);
  }

  /** Polls the queue item until it names its build, is cancelled, or the wait ends. */
  async followQueue(queueItemUrl: string, signal?: AbortSignal) {
    const deadline = Date.now() + this.options.queueWaitMs;
    while (Date.now() < deadline) {
      const res = await this.send(`${queueItemUrl}api/json`, { signal });
      if (res.ok) {
        const item = (await res.json()) as {
          cancelled?: boolean;
          why?: string;
          executable?: { number: number; url: string };
        };
        if (item.executable) {
          return {
            buildNumber: item.executable.number,
            buildUrl: item.executable.url,
          };
        }
        if (item.cancelled) {
          throw new ServiceUnavailableError(
            `Jenkins cancelled the queued build${
              item.why ? `: ${item.why}` : ''
            }`,
          );
        }
      } else if (res.status !== 404) {
        throw await this.failure(res, 'the queue item');
      }
      await sleep(this.options.pollMs ?? 500, signal);
    }
    return {};
  }
}

/** Jenkins error pages are HTML with a stack trace: keep the first readable line. */
function summarise(text: string): string {
  const plain = text
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.slice(0, 200) || 'no reason given';
}
