/*
 * The create-chatbot template, run whole on the real scaffolder backend:
 * this module's actions against msw fakes of GKE, IAM, Jenkins, GitHub and
 * the Kubernetes API, a fake helm on PATH, and a fake publish:github that
 * keeps what it would push. Run twice with the same inputs, and as a dry run.
 */
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  createTemplateAction,
  scaffolderActionsExtensionPoint,
} from '@backstage/plugin-scaffolder-node';
import Ajv from 'ajv';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import yaml from 'yaml';
import { FakeGke, FakeIam } from './__testUtils__/fakeGke';
import { fakeServiceAccount } from './__testUtils__/fakeGoogleToken';
import { FakeHelm } from './__testUtils__/fakeHelm';
import { FakeJenkins, JENKINS_URL } from './__testUtils__/fakeJenkins';
import { FakeKubernetes } from './__testUtils__/fakeKubernetes';
import { scaffolderModuleLlmChatbot } from './module';
// eslint-disable-next-line @backstage/no-undeclared-imports
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '../../..');
const TEMPLATE_FILE = join(ROOT, 'templates/create-chatbot/template.yaml');
const PROJECT = 'acme-chatbots';

const template: Entity = {
  ...yaml.parse(readFileSync(TEMPLATE_FILE, 'utf8')),
};
template.metadata.namespace = 'default';
template.metadata.annotations = {
  'backstage.io/managed-by-location': `file:${TEMPLATE_FILE}`,
};

const gke = new FakeGke();
const iam = new FakeIam();
const jenkins = new FakeJenkins();
const kube = new FakeKubernetes();
const helm = new FakeHelm();
const google = fakeServiceAccount(PROJECT);
const githubRepos = new Map<string, { files: string }>();
const published: { repoUrl: string; dir: string }[] = [];

const server = setupServer(
  ...gke.handlers(),
  ...iam.handlers(),
  ...jenkins.handlers(),
  ...kube.handlers(),
  google.handler,
  http.get(
    'https://api.github.com/repos/:owner/:repo/contents/catalog-info.yaml',
    ({ params }) => {
      const repo = githubRepos.get(`${params.owner}/${params.repo}`);
      if (!repo)
        return HttpResponse.json({ message: 'Not Found' }, { status: 404 });
      const content = readFileSync(join(repo.files, 'catalog-info.yaml'));
      return HttpResponse.json({
        type: 'file',
        encoding: 'base64',
        content: content.toString('base64'),
      });
    },
  ),
  http.get('https://api.github.com/repos/:owner/:repo', ({ params }) =>
    githubRepos.has(`${params.owner}/${params.repo}`)
      ? HttpResponse.json({
          clone_url: `https://github.com/${params.owner}/${params.repo}.git`,
          html_url: `https://github.com/${params.owner}/${params.repo}`,
          default_branch: 'main',
        })
      : HttpResponse.json({ message: 'Not Found' }, { status: 404 }),
  ),
);

/** publish:github as GitHub would behave: it fails on a repository that exists. */
const fakePublish = createTemplateAction({
  id: 'publish:github',
  schema: {
    input: z =>
      z
        .object({ repoUrl: z.string(), sourcePath: z.string().optional() })
        .passthrough(),
    output: {
      remoteUrl: z => z.string(),
      repoContentsUrl: z => z.string(),
    },
  },
  async handler(ctx) {
    const { owner, repo } = Object.fromEntries(
      new URLSearchParams(ctx.input.repoUrl.split('?')[1]),
    );
    if (githubRepos.has(`${owner}/${repo}`)) {
      throw new Error(
        `Failed to create the repository ${owner}/${repo}, name already exists on this account`,
      );
    }
    const dir = mkdtempSync(join(tmpdir(), 'published-'));
    cpSync(join(ctx.workspacePath, ctx.input.sourcePath ?? '.'), dir, {
      recursive: true,
    });
    githubRepos.set(`${owner}/${repo}`, { files: dir });
    published.push({ repoUrl: ctx.input.repoUrl, dir });
    ctx.output('remoteUrl', `https://github.com/${owner}/${repo}.git`);
    ctx.output(
      'repoContentsUrl',
      `https://github.com/${owner}/${repo}/blob/main`,
    );
  },
});

const fakeGithubModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'fake-github',
  register(env) {
    env.registerInit({
      deps: { scaffolder: scaffolderActionsExtensionPoint },
      async init({ scaffolder }) {
        scaffolder.addActions(fakePublish);
      },
    });
  },
});

const registered: string[] = [];
const catalog = catalogServiceMock.mock({
  getEntityByRef: async (ref: any) =>
    catalogServiceMock({ entities: [template] }).getEntityByRef(ref),
  addLocation: async (location: { dryRun?: boolean; target: string }) => {
    const [, owner, repo] = /github\.com\/([^/]+)\/([^/]+)\//.exec(
      location.target,
    )!;
    const repoFiles = githubRepos.get(`${owner}/${repo}`);
    if (!repoFiles)
      throw Object.assign(new Error(`Unable to read url, 404 Not Found`), {
        name: 'NotFoundError',
      });
    const entity = yaml.parse(
      readFileSync(join(repoFiles.files, 'catalog-info.yaml'), 'utf8'),
    );
    if (!location.dryRun) {
      if (registered.includes(location.target)) {
        throw Object.assign(
          new Error(`Location ${location.target} already exists`),
          { name: 'ConflictError' },
        );
      }
      registered.push(location.target);
    }
    return {
      location: { id: '1', type: 'url', target: location.target },
      entities: [entity],
      exists: false,
    };
  },
} as any);

const values = {
  name: 'support-bot',
  owner: 'group:default/ml-platform',
  description: 'Answers: questions about our manuals',
  system: 'system:default/llm-chatbots',
  modelServer: 'in-cluster',
  engine: 'llamacpp',
  modelId: 'Qwen/Qwen2.5-1.5B-Instruct-GGUF',
  ggufFile: 'qwen2.5-1.5b-instruct-q4_k_m.gguf',
  accelerator: 'cpu',
  embeddings: 'offline',
  vectorStore: 'embedded',
  gcpProject: PROJECT,
  location: 'asia-southeast1-b',
  clusterMode: 'new',
  clusterName: 'llm-chatbots',
  machineType: 'e2-standard-4',
  minNodes: 1,
  maxNodes: 2,
  releaseChannel: 'REGULAR',
  gpuMachineType: 'g2-standard-8',
  gpuAccelerator: 'nvidia-l4',
  repoUrl: 'github.com?owner=acme&repo=support-bot',
  imageRegistry: `asia-southeast1-docker.pkg.dev/${PROJECT}/chatbots`,
  jenkins: 'install',
  monitoring: true,
  chatbotHost: 'support-bot.chat.example.com',
};

let backend: Awaited<ReturnType<typeof startTestBackend>>;
const originalPath = process.env.PATH;

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'bypass' });
  process.env.PATH = `${helm.dir}:${originalPath}`;
  backend = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderModuleLlmChatbot,
      fakeGithubModule,
      catalog.factory,
      mockServices.rootConfig.factory({
        data: {
          integrations: { github: [{ host: 'github.com', token: 'ghp-test' }] },
          jenkins: {
            instances: [
              {
                name: 'llm-chatbots',
                baseUrl: JENKINS_URL,
                username: 'portal',
                apiKey: 'api-token',
              },
            ],
          },
          llmChatbot: {
            // The platform's hosts come from here, not from the form.
            grafana: { baseUrl: 'https://grafana.example.com' },
            scaffolder: {
              google: { credentials: google.json, projects: [PROJECT] },
              gke: { operationPollSeconds: 0.01 },
              clusterSecrets: {
                'grafana-admin': {
                  namespace: 'monitoring',
                  data: { 'admin-user': 'admin', 'admin-password': 'g' },
                },
                'jenkins-admin': {
                  namespace: 'jenkins',
                  data: {
                    'jenkins-admin-user': 'portal',
                    'jenkins-admin-password': 'api-token',
                  },
                },
                'chatbot-portal-token': {
                  namespace: 'chatbots',
                  data: { CHATBOT_API_TOKEN: 'portal-token' },
                },
                'chatbot-model-key': {
                  namespace: 'chatbots',
                  data: { 'api-key': 'model-key' },
                },
                'chatbots-tls': {
                  namespace: 'chatbots',
                  type: 'kubernetes.io/tls',
                  data: { 'tls.crt': 'CERT', 'tls.key': 'KEY' },
                },
                'grafana-tls': {
                  namespace: 'monitoring',
                  type: 'kubernetes.io/tls',
                  data: { 'tls.crt': 'CERT', 'tls.key': 'KEY' },
                },
                'jenkins-tls': {
                  namespace: 'jenkins',
                  type: 'kubernetes.io/tls',
                  data: { 'tls.crt': 'CERT', 'tls.key': 'KEY' },
                },
                'github-clone': {
                  namespace: 'jenkins',
                  labels: {
                    'jenkins.io/credentials-type': 'usernamePassword',
                  },
                  data: { username: 'portal-bot', password: 'ghp-test' },
                },
              },
            },
          },
        },
      }),
    ],
  });
});

afterAll(async () => {
  process.env.PATH = originalPath;
  await backend?.stop();
  server.close();
});

async function runTask(): Promise<{
  status: string;
  output: any;
  log: string[];
}> {
  const created = await request(backend.server)
    .post('/api/scaffolder/v2/tasks')
    .send({ templateRef: 'template:default/create-chatbot', values });
  expect(created.status).toBe(201);
  const id = created.body.id;
  let status = 'open';
  for (
    let i = 0;
    i < 600 && !['completed', 'failed', 'cancelled'].includes(status);
    i++
  ) {
    await new Promise(r => setTimeout(r, 100));
    status = (
      await request(backend.server).get(`/api/scaffolder/v2/tasks/${id}`)
    ).body.status;
  }
  const events = (
    await request(backend.server).get(`/api/scaffolder/v2/tasks/${id}/events`)
  ).body as {
    type: string;
    body: { message: string; output?: unknown; stepId?: string };
  }[];
  return {
    status,
    output: events.find(e => e.type === 'completion')?.body.output,
    log: events.map(e => `${e.body.stepId ?? '-'}: ${e.body.message}`),
  };
}

function files(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap(name => {
    const full = join(dir, name);
    return statSync(full).isDirectory()
      ? files(full, base)
      : [relative(base, full)];
  });
}

describe('the create-chatbot template', () => {
  let first: Awaited<ReturnType<typeof runTask>>;

  it('runs every step on the real scaffolder and links what it made', async () => {
    first = await runTask();
    expect(first.log.filter(l => /rror/.test(l))).toEqual([]);
    expect(first.status).toBe('completed');
    const links = Object.fromEntries(
      (
        first.output.links as {
          title: string;
          url?: string;
          entityRef?: string;
        }[]
      ).map(l => [l.title, l.url ?? l.entityRef]),
    );
    expect(links).toEqual({
      Repository: 'https://github.com/acme/support-bot',
      'Open in catalog': 'component:default/support-bot',
      'Jenkins job': `${JENKINS_URL}/job/chatbots/job/support-bot/`,
      'First build': `${JENKINS_URL}/job/chatbots/job/support-bot/1/`,
      Grafana: 'https://grafana.example.com',
      Chatbot: 'https://support-bot.chat.example.com/v1/openapi.json',
    });
  });

  it('created the cluster, the platform releases at their pins, the Secrets, the job and the first build', () => {
    expect(gke.count('CREATE')).toBe(1);
    const upgrades = helm.calls().filter(c => c.argv[0] === 'upgrade');
    expect(upgrades.map(c => c.argv[2])).toEqual([
      'kube-prometheus-stack',
      'loki',
      'alloy',
      'tempo',
      'otel-collector',
      'traefik',
      'chatbot-platform',
      'jenkins',
    ]);
    for (const call of upgrades.filter(c => c.argv.includes('--repo'))) {
      expect(call.argv[call.argv.indexOf('--version') + 1]).toMatch(
        /^\d+\.\d+\.\d+$/,
      );
    }
    expect([...kube.secrets.keys()].sort()).toEqual([
      'chatbots/chatbot-model-key',
      'chatbots/chatbot-portal-token',
      'chatbots/chatbots-tls',
      'jenkins/github-clone',
      'jenkins/jenkins-admin',
      'jenkins/jenkins-tls',
      'monitoring/grafana-admin',
      'monitoring/grafana-tls',
    ]);
    expect(kube.secrets.get('chatbots/chatbots-tls')?.type).toBe(
      'kubernetes.io/tls',
    );
    expect(jenkins.items.get('chatbots/support-bot')?.config).toContain(
      '<url>https://github.com/acme/support-bot.git</url>',
    );
    expect(jenkins.builds).toHaveLength(1);
    expect(registered).toEqual([
      'https://github.com/acme/support-bot/tree/main/catalog-info.yaml',
    ]);
  });

  it('published a repository with the service, the chart, and files filled in from the form', () => {
    const [{ dir }] = published;
    // scripts/test-scaffolded-repo.sh installs, tests and builds this copy.
    if (process.env.CREATE_CHATBOT_RENDER_DIR) {
      cpSync(dir, process.env.CREATE_CHATBOT_RENDER_DIR, { recursive: true });
    }
    const tree = files(dir);
    expect(tree).toEqual(
      expect.arrayContaining([
        'package.json',
        'package-lock.json',
        'openapi.yaml',
        'Dockerfile',
        'Jenkinsfile',
        'catalog-info.yaml',
        'deploy/values.yaml',
        'chart/Chart.yaml',
        'chart/values.schema.json',
        'ci/build.sh',
        'ci/deploy.sh',
      ]),
    );
    expect(
      tree.some(f => f.startsWith('node_modules/') || f.startsWith('dist/')),
    ).toBe(false);

    const entity = yaml.parse(
      readFileSync(join(dir, 'catalog-info.yaml'), 'utf8'),
    );
    expect(entity.metadata.description).toBe(values.description);
    expect(entity.metadata.annotations).toMatchObject({
      'backstage.io/kubernetes-label-selector':
        'app.kubernetes.io/instance=support-bot',
      'jenkins.io/job-full-name': 'llm-chatbots:chatbots/support-bot',
      'llm-chatbot.io/collection': 'support-bot',
      'grafana/alert-label-selector': 'app=support-bot',
    });
    expect(entity.spec).toMatchObject({
      owner: 'group:default/ml-platform',
      system: 'system:default/llm-chatbots',
    });

    const jenkinsfile = readFileSync(join(dir, 'Jenkinsfile'), 'utf8');
    expect(jenkinsfile).toContain(
      `IMAGE_REPOSITORY = 'asia-southeast1-docker.pkg.dev/${PROJECT}/chatbots/support-bot'`,
    );
    expect(jenkinsfile).toContain(
      "INGRESS_HOST = 'support-bot.chat.example.com'",
    );
    expect(jenkinsfile).not.toContain('${{');
  });

  it("renders Helm values the chart's schema accepts", () => {
    const [{ dir }] = published;
    const chartValues = yaml.parse(
      readFileSync(join(dir, 'chart/values.yaml'), 'utf8'),
    );
    const deployValues = yaml.parse(
      readFileSync(join(dir, 'deploy/values.yaml'), 'utf8'),
    );
    expect(deployValues.modelServer).toMatchObject({
      enabled: true,
      engine: 'llamacpp',
      ggufFile: 'qwen2.5-1.5b-instruct-q4_k_m.gguf',
      apiKeySecret: { name: 'chatbot-model-key', key: 'api-key' },
      gpu: { enabled: false },
    });
    // The chatbot sends the key the model server requires.
    expect(deployValues.secrets.keyRefs).toEqual([
      { env: 'LLM_API_KEY', secret: 'chatbot-model-key', key: 'api-key' },
    ]);
    const merged = mergeValues(mergeValues(chartValues, deployValues), {
      image: { tag: 'a'.repeat(40) },
    });
    const schema = JSON.parse(
      readFileSync(join(dir, 'chart/values.schema.json'), 'utf8'),
    );
    const validate = new Ajv({ allErrors: true, strict: false }).compile(
      schema,
    );
    expect(validate.errors ?? validate(merged) ? [] : validate.errors).toEqual(
      [],
    );
  });

  it('creates nothing twice when run again with the same inputs', async () => {
    const second = await runTask();
    expect(second.log.filter(l => /rror/.test(l))).toEqual([]);
    expect(second.status).toBe('completed');
    expect(gke.count('CREATE')).toBe(1);
    expect(iam.accounts.size).toBe(1);
    expect(published).toHaveLength(1);
    expect(jenkins.count('POST /job/chatbots/createItem')).toBe(1);
    expect(registered).toHaveLength(1);
    expect(second.log.join('\n')).toMatch(/Adopted GKE cluster/);
    expect(second.log.join('\n')).toMatch(
      /support-bot exists \(published by an earlier run\)/,
    );
    expect(second.output.links[0].url).toBe(
      'https://github.com/acme/support-bot',
    );
  });

  it('runs as a dry run, through every step, without calling anything', async () => {
    const before = [
      gke.requests.length,
      jenkins.requests.length,
      helm.calls().length,
      kube.requests.length,
    ];
    const dir = join(ROOT, 'templates/create-chatbot');
    const directoryContents = files(dir).map(path => ({
      path,
      base64Content: readFileSync(join(dir, path)).toString('base64'),
    }));
    const res = await request(backend.server)
      .post('/api/scaffolder/v2/dry-run')
      .send({
        template,
        values: {
          ...values,
          modelServer: 'external',
          llmBaseUrl: 'https://llm.example.com/v1',
          llmModel: 'gpt-4o-mini',
          llmKeySecret: 'openai-key',
          vectorStore: 'pinecone',
          pineconeIndex: 'chatbots',
          pineconeKeySecret: 'pinecone-key',
        },
        secrets: {},
        directoryContents,
      });
    expect([
      res.status,
      res.status === 200 ? '' : JSON.stringify(res.body),
    ]).toEqual([200, '']);
    expect(res.body.steps.map((s: { id: string }) => s.id)).toEqual(
      (template.spec as any).steps.map((s: { id: string }) => s.id),
    );
    expect([
      gke.requests.length,
      jenkins.requests.length,
      helm.calls().length,
      kube.requests.length,
    ]).toEqual(before);
    const rendered = res.body.directoryContents.find(
      (f: { path: string }) => f.path === 'repo/deploy/values.yaml',
    );
    const deployValues = yaml.parse(
      Buffer.from(rendered.base64Content, 'base64').toString(),
    );
    expect(deployValues.config).toMatchObject({
      LLM_PROVIDER: 'openai',
      LLM_BASE_URL: 'https://llm.example.com/v1',
      VECTOR_STORE: 'pinecone',
      PINECONE_INDEX: 'chatbots',
    });
    expect(deployValues.secrets.keyRefs).toEqual([
      { env: 'LLM_API_KEY', secret: 'openai-key', key: 'api-key' },
      { env: 'PINECONE_API_KEY', secret: 'pinecone-key', key: 'api-key' },
    ]);
    expect(deployValues.modelServer).toEqual({ enabled: false });
    expect(
      res.body.output.links.map((l: { title: string }) => l.title),
    ).toContain('First build');
  });

  it('leaves out the monitoring and Jenkins installs, and the Grafana link, when the form turns them off', async () => {
    const dir = join(ROOT, 'templates/create-chatbot');
    const res = await request(backend.server)
      .post('/api/scaffolder/v2/dry-run')
      .send({
        template,
        values: {
          ...values,
          monitoring: false,
          jenkins: 'existing',
          jenkinsInstance: 'llm-chatbots',
        },
        secrets: {},
        directoryContents: files(dir).map(path => ({
          path,
          base64Content: readFileSync(join(dir, path)).toString('base64'),
        })),
      });
    expect([
      res.status,
      res.status === 200 ? '' : JSON.stringify(res.body),
    ]).toEqual([200, '']);
    const ran = new Set(
      (res.body.log as { body: { stepId?: string; message: string } }[])
        .filter(l => l.body.stepId && /dry-run mode/.test(l.body.message))
        .map(l => l.body.stepId),
    );
    for (const skipped of [
      'grafana-admin',
      'monitoring',
      'loki',
      'alloy',
      'tempo',
      'otel-collector',
      'jenkins-admin',
      'jenkins',
    ]) {
      expect(ran.has(skipped)).toBe(false);
    }
    for (const kept of [
      'cluster',
      'ingress',
      'portal-token',
      'platform-objects',
      'jenkins-job',
      'first-build',
      'register',
    ]) {
      expect(ran.has(kept)).toBe(true);
    }
    expect(
      res.body.output.links.map((l: { title: string }) => l.title),
    ).not.toContain('Grafana');
    const catalogInfo = res.body.directoryContents.find(
      (f: { path: string }) => f.path === 'repo/catalog-info.yaml',
    );
    const entity = yaml.parse(
      Buffer.from(catalogInfo.base64Content, 'base64').toString(),
    );
    expect(entity.metadata.annotations['jenkins.io/job-full-name']).toBe(
      'llm-chatbots:chatbots/support-bot',
    );
    expect(
      entity.metadata.annotations['grafana/dashboard-selector'],
    ).toBeUndefined();
  });

  it('refuses a form that breaks the name rules, saying which field', async () => {
    const res = await request(backend.server)
      .post('/api/scaffolder/v2/tasks')
      .send({
        templateRef: 'template:default/create-chatbot',
        values: { ...values, name: 'Support_Bot' },
      });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(/name/);
  });
});

function mergeValues(base: any, over: any): any {
  if (over === null || typeof over !== 'object' || Array.isArray(over))
    return over;
  const out = { ...(base ?? {}) };
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else out[k] = mergeValues(out[k], v);
  }
  return out;
}
