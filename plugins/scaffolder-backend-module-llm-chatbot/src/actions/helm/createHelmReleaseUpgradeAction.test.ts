import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { JsonValue } from '@backstage/types';
import yaml from 'yaml';
import { actionContext } from '../../__testUtils__/actionContext';
import { FakeHelm } from '../../__testUtils__/fakeHelm';
import { fakeResolver } from '../../__testUtils__/fakeKubernetes';
import { createHelmReleaseUpgradeAction } from './createHelmReleaseUpgradeAction';
import { readPlatformRelease } from './platformFile';

const REPO_HELM = resolve(__dirname, '../../../../../helm');
const helm = new FakeHelm();
const cluster = {
  project: 'acme-chatbots',
  location: 'asia-southeast1-b',
  cluster: 'llm-chatbots',
};

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'helm-ws-'));
  cpSync(REPO_HELM, join(dir, 'platform'), { recursive: true });
  return dir;
}

const action = (binary = helm.binary) =>
  createHelmReleaseUpgradeAction({
    accessToken: async () => 'token-for-this-run',
    clusters: fakeResolver(),
    helmBinary: binary,
  });

beforeEach(() => helm.reset());

describe('helm:release:upgrade', () => {
  it('installs an upstream release at the version helm/platform.yaml pins, atomically, with a private kubeconfig', async () => {
    const ws = workspace();
    const { ctx, outputs } = actionContext({
      input: {
        ...cluster,
        platformFile: 'platform/platform.yaml',
        release: 'traefik',
        values: {
          metrics: { prometheus: { serviceMonitor: { enabled: false } } },
        },
      },
      workspacePath: ws,
    });
    await action().handler(ctx);

    const calls = helm.calls();
    expect(calls.map(c => c.argv[0])).toEqual(['history', 'upgrade']);
    const argv = calls[1].argv;
    expect(argv.slice(0, 4)).toEqual([
      'upgrade',
      '--install',
      'traefik',
      'traefik',
    ]);
    const flag = (name: string) => argv[argv.indexOf(name) + 1];
    expect(flag('--repo')).toBe('https://traefik.github.io/charts');
    expect(flag('--version')).toBe('41.3.0');
    expect(flag('--namespace')).toBe('ingress');
    expect(flag('--timeout')).toBe('20m');
    expect(argv).toEqual(
      expect.arrayContaining(['--create-namespace', '--atomic', '--wait']),
    );
    const values = argv.flatMap((a, i) =>
      a === '--values' ? [argv[i + 1]] : [],
    );
    expect(values[0]).toBe(join(ws, 'platform/ingress/traefik.values.yaml'));
    // The form's values come last, so they win.
    expect(yaml.parse(readFileSync(values[1], 'utf8'))).toEqual({
      metrics: { prometheus: { serviceMonitor: { enabled: false } } },
    });

    expect(calls[1].kubeconfigMode).toBe(0o600);
    const kubeconfig = yaml.parse(calls[1].kubeconfigText!);
    expect(kubeconfig.clusters[0].cluster).toEqual({
      server: 'https://34.87.10.20',
      'certificate-authority-data': 'Q0EtUEVN',
    });
    expect(kubeconfig.users[0].user.token).toBe('token-for-this-run');
    expect(outputs).toEqual({
      release: 'traefik',
      namespace: 'ingress',
      revision: 1,
      chartVersion: '41.3.0',
    });
  });

  it("gives helm its own settings, never the backend's secrets", async () => {
    process.env.GITHUB_TOKEN = 'ghp-backend-secret';
    process.env.HELM_PLUGINS = '/tmp/helm-plugins';
    process.env.HELM_KUBEAPISERVER = 'https://elsewhere.example';
    try {
      const { ctx } = actionContext({
        input: {
          ...cluster,
          chart: 'chart',
          release: 'support-bot',
          namespace: 'chatbots',
        },
        workspacePath: workspace(),
      });
      await action()
        .handler(ctx)
        .catch(() => undefined);
    } finally {
      delete process.env.GITHUB_TOKEN;
      delete process.env.HELM_PLUGINS;
      delete process.env.HELM_KUBEAPISERVER;
    }
    const [first] = helm.calls();
    expect(first.envKeys).not.toContain('GITHUB_TOKEN');
    expect(first.envKeys).not.toContain('HELM_KUBEAPISERVER');
    expect(first.envKeys).toEqual(
      expect.arrayContaining(['PATH', 'HELM_PLUGINS', 'KUBECONFIG']),
    );
  });

  it('pins every release in helm/platform.yaml to an exact version whose values files exist', async () => {
    const ws = workspace();
    const file = yaml.parse(
      readFileSync(join(ws, 'platform/platform.yaml'), 'utf8'),
    );
    const names = Object.keys(file.releases);
    expect(names).toEqual(
      expect.arrayContaining(['kube-prometheus-stack', 'traefik', 'jenkins']),
    );
    for (const name of names) {
      const release = await readPlatformRelease(
        ws,
        'platform/platform.yaml',
        name,
      );
      expect(release.version).toMatch(/^\d+\.\d+\.\d+$/);
      for (const f of release.valuesFiles)
        expect(() => readFileSync(f)).not.toThrow();
    }
  });

  it('installs a local chart from the workspace', async () => {
    const ws = workspace();
    const { ctx } = actionContext({
      input: {
        ...cluster,
        release: 'chatbot-platform',
        namespace: 'chatbots',
        chart: 'platform/chatbot-platform',
        values: { gcpProject: 'acme-chatbots' },
      },
      workspacePath: ws,
    });
    await action().handler(ctx);
    const argv = helm.calls()[1].argv;
    expect(argv[3]).toBe(join(ws, 'platform/chatbot-platform'));
    expect(argv).not.toContain('--repo');
  });

  it('refuses values that carry secrets, before running helm', async () => {
    const { ctx } = actionContext({
      input: {
        ...cluster,
        platformFile: 'platform/platform.yaml',
        release: 'jenkins',
        values: { controller: { admin: { password: 'hunter2' } } },
      },
      workspacePath: workspace(),
    });
    await expect(action().handler(ctx)).rejects.toThrow(
      /values from the form must not carry secrets, escalate pods or add RBAC objects \(controller.admin.password: a secret.s key\)/,
    );
    expect(helm.calls()).toEqual([]);
  });

  it('rolls a release stuck in pending-upgrade back to its last deployed revision before upgrading', async () => {
    helm.reset({
      history: {
        traefik: [
          { revision: 1, status: 'superseded' },
          { revision: 2, status: 'deployed' },
          { revision: 3, status: 'pending-upgrade' },
        ],
      },
    });
    const { ctx, logs } = actionContext({
      input: {
        ...cluster,
        platformFile: 'platform/platform.yaml',
        release: 'traefik',
      },
      workspacePath: workspace(),
    });
    await action().handler(ctx);
    const argv = helm.calls().map(c => c.argv.slice(0, 3));
    expect(argv).toEqual([
      ['history', 'traefik', '--namespace'],
      ['rollback', 'traefik', '2'],
      ['upgrade', '--install', 'traefik'],
    ]);
    expect(logs.join('\n')).toMatch(/stuck in pending-upgrade at revision 3/);
  });

  it('uninstalls an interrupted first install that never deployed', async () => {
    helm.reset({
      history: { jenkins: [{ revision: 1, status: 'pending-install' }] },
    });
    const { ctx } = actionContext({
      input: {
        ...cluster,
        platformFile: 'platform/platform.yaml',
        release: 'jenkins',
      },
      workspacePath: workspace(),
    });
    await action().handler(ctx);
    expect(helm.calls().map(c => c.argv[0])).toEqual([
      'history',
      'uninstall',
      'upgrade',
    ]);
  });

  it('says clearly when helm is not installed', async () => {
    const { ctx } = actionContext({
      input: {
        ...cluster,
        platformFile: 'platform/platform.yaml',
        release: 'traefik',
      },
      workspacePath: workspace(),
    });
    await expect(action('/nonexistent/helm').handler(ctx)).rejects.toThrow(
      /helm is not installed on the portal backend/,
    );
  });

  it("fails with helm's own message when the release fails", async () => {
    helm.reset({
      failOn: 'upgrade',
      failMessage:
        'Error: UPGRADE FAILED: release traefik failed, and has been rolled back due to atomic being set: context deadline exceeded',
    });
    const { ctx } = actionContext({
      input: {
        ...cluster,
        platformFile: 'platform/platform.yaml',
        release: 'traefik',
      },
      workspacePath: workspace(),
    });
    await expect(action().handler(ctx)).rejects.toThrow(
      /helm upgrade --install failed \(exit 1\): .*rolled back due to atomic/,
    );
  });

  it('runs nothing in a dry run', async () => {
    const { ctx, outputs } = actionContext({
      input: {
        ...cluster,
        platformFile: 'platform/platform.yaml',
        release: 'kube-prometheus-stack',
      },
      workspacePath: workspace(),
      isDryRun: true,
    });
    await action().handler(ctx);
    expect(helm.calls()).toEqual([]);
    expect(outputs).toMatchObject({
      namespace: 'monitoring',
      chartVersion: '88.5.3',
    });
  });

  it('stops helm when the task is cancelled', async () => {
    helm.reset({ sleepOn: 'upgrade' });
    const controller = new AbortController();
    const { ctx } = actionContext({
      input: {
        ...cluster,
        platformFile: 'platform/platform.yaml',
        release: 'traefik',
      },
      workspacePath: workspace(),
      signal: controller.signal,
    });
    const run = action().handler(ctx);
    // Cancel once helm upgrade is really running, however slow the machine.
    while (!helm.calls().some(call => call.argv[0] === 'upgrade')) {
      await new Promise(r => setTimeout(r, 20));
    }
    controller.abort();
    const started = Date.now();
    await expect(run).rejects.toThrow(/stopped: task cancelled/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses a chart path outside the workspace', async () => {
    const { ctx } = actionContext({
      input: {
        ...cluster,
        release: 'x',
        namespace: 'chatbots',
        chart: '../../etc',
      },
      workspacePath: workspace(),
    });
    await expect(action().handler(ctx)).rejects.toThrow(/outside its parent/);
  });

  it('names the releases a platform file has when asked for another', async () => {
    const { ctx } = actionContext({
      input: {
        ...cluster,
        platformFile: 'platform/platform.yaml',
        release: 'nginx',
      },
      workspacePath: workspace(),
    });
    await expect(action().handler(ctx)).rejects.toThrow(
      /has no release "nginx" \(it lists .*traefik/,
    );
  });

  it('does not run helm again when a retried task replays the step', async () => {
    const checkpoints = new Map<string, JsonValue>();
    const ws = workspace();
    for (let i = 0; i < 2; i++) {
      const { ctx, outputs } = actionContext({
        input: {
          ...cluster,
          platformFile: 'platform/platform.yaml',
          release: 'traefik',
        },
        workspacePath: ws,
        checkpoints,
      });
      await action().handler(ctx);
      expect(outputs.revision).toBe(1);
    }
    expect(helm.calls().filter(c => c.argv[0] === 'upgrade')).toHaveLength(1);
    expect(JSON.stringify([...checkpoints.values()])).not.toMatch(/token/);
  });
});

describe('readPlatformRelease', () => {
  it('says what a malformed platform file lacks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'platform-'));
    mkdirSync(join(dir, 'p'));
    writeFileSync(
      join(dir, 'p/platform.yaml'),
      'releases:\n  x: { namespace: a, repo: https://r, chart: x, version: latest }\n',
    );
    await expect(
      readPlatformRelease(dir, 'p/platform.yaml', 'x'),
    ).rejects.toThrow(/an exact chart version/);
  });
});
