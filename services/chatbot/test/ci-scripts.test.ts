/*
 * The pipeline's scripts (ci/), as the Jenkinsfile runs them, with fake
 * executor, helm and node binaries on PATH that record their arguments.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CI = path.resolve(import.meta.dirname, '../ci');
const SHA = '3f786850e387550fdab836ed7e6dc881de23001b';
const ENV = {
  IMAGE_REPOSITORY: 'asia-southeast1-docker.pkg.dev/acme/chatbots/support-bot',
  RELEASE: 'support-bot',
  NAMESPACE: 'chatbots',
  INGRESS_HOST: 'support-bot.chat.example.com',
  GIT_COMMIT: SHA,
};

function workspace(
  options: { revisions?: number; nodeFailures?: number } = {},
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  const log = path.join(dir, 'calls.log');
  const fake = (name: string, body = '') =>
    fs.writeFileSync(
      path.join(bin, name),
      `#!/bin/sh\nprintf '%s\\n' "${name} $*" >> "${log}"\n${body}\n`,
      { mode: 0o755 },
    );
  fake('executor');
  const revisions = Array.from(
    { length: options.revisions ?? 1 },
    (_, i) => `{"revision":${i + 1},"status":"deployed"}`,
  ).join(',');
  fake(
    'helm',
    `[ "$1" = history ] && echo '[${revisions}]'; [ "$1" = template ] && echo "kind: Deployment"; exit 0`,
  );
  // Fails the first nodeFailures calls, as an ingress not yet serving would.
  const counter = path.join(dir, 'node-calls');
  fake(
    'node',
    `n=$(( $(cat "${counter}" 2>/dev/null || echo 0) + 1 )); echo $n > "${counter}"; [ $n -gt ${
      options.nodeFailures ?? 0
    } ]`,
  );
  const run = (script: string, env: Record<string, string> = {}) =>
    // sh, as the pods run them: dash here, busybox or Alpine's ash there.
    spawnSync('sh', [path.join(CI, script)], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        ...ENV,
        WORKSPACE: dir,
        SMOKE_INTERVAL: '0',
        PATH: `${bin}:${process.env.PATH}`,
        ...env,
      },
    });
  const calls = () =>
    fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
  return { dir, run, calls, fake };
}

const EVAL_TOKEN = 'tok-4c1f9e0b7a2d5e8f';

describe('the pipeline scripts', () => {
  test('test.sh builds the test stage, skipping the others, and pushes nothing', () => {
    const ws = workspace();
    assert.equal(ws.run('test.sh').status, 0);
    const [call] = ws.calls();
    assert.match(
      call,
      /^executor --context=dir:\/\/\S+ --dockerfile=Dockerfile --target=test --skip-unused-stages --no-push /,
    );
    assert.doesNotMatch(call, /--destination/);
  });

  test('build.sh pushes the image tagged with the commit, skipping unused stages', () => {
    const ws = workspace();
    const result = ws.run('build.sh');
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(ws.calls(), [
      `executor --context=dir://${ws.dir} --dockerfile=Dockerfile --skip-unused-stages --destination=${ENV.IMAGE_REPOSITORY}:${SHA} --cache=true`,
    ]);
  });

  for (const commit of ['null', '', 'main', SHA.slice(0, 7)]) {
    test(`build.sh refuses the tag "${commit}" and pushes nothing`, () => {
      const ws = workspace();
      const result = ws.run('build.sh', { GIT_COMMIT: commit });
      assert.equal(result.status, 2);
      assert.match(result.stderr, /GIT_COMMIT/);
      assert.deepEqual(ws.calls(), []);
    });
  }

  test('deploy.sh upgrades this release atomically with its values, the commit tag and the pinned timeout', () => {
    const ws = workspace();
    assert.equal(ws.run('deploy.sh').status, 0);
    assert.deepEqual(ws.calls(), [
      `helm upgrade --install support-bot chart --namespace chatbots --atomic --wait --timeout 20m --values deploy/values.yaml --set image.repository=${ENV.IMAGE_REPOSITORY} --set image.tag=${SHA}`,
    ]);
  });

  test('deploy.sh refuses to run without a release name', () => {
    const ws = workspace();
    const result = ws.run('deploy.sh', { RELEASE: '' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /RELEASE is not set/);
    assert.deepEqual(ws.calls(), []);
  });

  test('chart-check.sh lints strictly and renders with the values and image about to be deployed', () => {
    const ws = workspace();
    assert.equal(ws.run('chart-check.sh').status, 0);
    const image = `--set image.repository=${ENV.IMAGE_REPOSITORY} --set image.tag=${SHA}`;
    assert.deepEqual(ws.calls(), [
      `helm lint chart --strict --values deploy/values.yaml ${image}`,
      `helm template support-bot chart --namespace chatbots --values deploy/values.yaml ${image}`,
    ]);
    assert.equal(
      fs.readFileSync(path.join(ws.dir, 'rendered.yaml'), 'utf8').trim(),
      'kind: Deployment',
    );
  });

  test("smoke.sh calls this release's own host, retrying until it answers", () => {
    const ws = workspace({ nodeFailures: 2 });
    const result = ws.run('smoke.sh');
    assert.equal(result.status, 0, result.stderr);
    const calls = ws.calls();
    assert.equal(calls.length, 3);
    assert.ok(
      calls.every(c =>
        c.endsWith('https://support-bot.chat.example.com/readyz'),
      ),
      calls[0],
    );
  });

  test('smoke.sh fails when the release never answers', () => {
    const ws = workspace({ nodeFailures: 99 });
    const result = ws.run('smoke.sh', { SMOKE_ATTEMPTS: '3' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /did not answer 200/);
    assert.equal(ws.calls().length, 3);
  });

  describe('eval.sh, the model-correctness stage', () => {
    // node answers read-secret with the token; npm records what it was given.
    const evalWorkspace = (npmExit = 0) => {
      const ws = workspace();
      ws.fake('node', `printf '%s' '${EVAL_TOKEN}'`);
      ws.fake(
        'npm',
        `[ "$1" = run ] && printf 'env %s %s %s %s\\n' "$EVAL_TARGET_URL" "$EVAL_LABEL" "$EVAL_FLOORS" "$([ "$EVAL_TARGET_TOKEN" = '${EVAL_TOKEN}' ] && echo token-ok)" >> "${ws.dir}/calls.log"; exit ${npmExit}`,
      );
      return ws;
    };

    test("judges this release through its own host with the service's token, which it never prints", () => {
      const ws = evalWorkspace();
      const result = ws.run('eval.sh');
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(ws.calls(), [
        // Installed before the token is read: install scripts never see it.
        'npm ci --no-audit --no-fund --loglevel=error',
        'node ci/read-secret.mjs chatbot-portal-token CHATBOT_API_TOKEN',
        'npm run eval',
        'env https://support-bot.chat.example.com deployed eval/floors-deployed.json token-ok',
      ]);
      assert.doesNotMatch(
        result.stdout + result.stderr,
        new RegExp(EVAL_TOKEN),
      );
    });

    test('fails the stage when the eval falls below its floors', () => {
      const ws = evalWorkspace(1);
      assert.equal(ws.run('eval.sh').status, 1);
    });

    test('stops before the eval when the token cannot be read', () => {
      const ws = evalWorkspace();
      ws.fake(
        'node',
        'echo "read-secret: chatbots/chatbot-portal-token answered 403: forbidden" >&2; exit 1',
      );
      const result = ws.run('eval.sh');
      assert.equal(result.status, 1);
      assert.match(result.stderr, /answered 403/);
      assert.ok(!ws.calls().some(c => c.startsWith('npm run')));
    });
  });

  test('rollback.sh returns an upgrade to the revision before it', () => {
    const ws = workspace({ revisions: 2 });
    assert.equal(ws.run('rollback.sh').status, 0);
    assert.deepEqual(ws.calls().slice(1), [
      'helm rollback support-bot 0 --namespace chatbots --wait',
    ]);
  });

  test('rollback.sh is skipped on a first install, saying why', () => {
    const ws = workspace({ revisions: 1 });
    const result = ws.run('rollback.sh');
    assert.equal(result.status, 0);
    assert.match(result.stderr, /first install/);
    assert.ok(!ws.calls().some(c => c.startsWith('helm rollback')));
  });
});

describe('read-secret.mjs, with the pod service account against a fake Kubernetes API over TLS', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-secret-'));
  const sa = path.join(dir, 'sa');
  fs.mkdirSync(sa);
  // A self-signed certificate for 127.0.0.1: the pod's ca.crt trusts it.
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=kubernetes',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(sa, 'ca.crt'),
    ],
    { stdio: 'ignore' },
  );
  fs.writeFileSync(path.join(sa, 'token'), 'sa-token\n');
  fs.writeFileSync(path.join(sa, 'namespace'), 'chatbots\n');
  const seen: { path?: string; authorization?: string }[] = [];
  const server = https.createServer(
    {
      key: fs.readFileSync(path.join(dir, 'key.pem')),
      cert: fs.readFileSync(path.join(sa, 'ca.crt')),
    },
    (req, res) => {
      seen.push({ path: req.url, authorization: req.headers.authorization });
      res.setHeader('content-type', 'application/json');
      if (
        req.url === '/api/v1/namespaces/chatbots/secrets/chatbot-portal-token'
      ) {
        res.end(
          JSON.stringify({
            kind: 'Secret',
            data: {
              CHATBOT_API_TOKEN: Buffer.from(EVAL_TOKEN).toString('base64'),
            },
          }),
        );
      } else {
        res.statusCode = 403;
        res.end(
          JSON.stringify({
            kind: 'Status',
            message: 'secrets "other" is forbidden',
          }),
        );
      }
    },
  );
  const read = async (args: string[], env: Record<string, string> = {}) => {
    if (!server.listening)
      await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    return new Promise<{ code: number; stdout: string; stderr: string }>(
      resolve =>
        execFile(
          process.execPath,
          [path.join(CI, 'read-secret.mjs'), ...args],
          {
            env: {
              PATH: process.env.PATH,
              KUBERNETES_SERVICE_HOST: '127.0.0.1',
              KUBERNETES_SERVICE_PORT: String(port),
              SERVICE_ACCOUNT_DIR: sa,
              ...env,
            },
          },
          (error, stdout, stderr) =>
            resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
        ),
    );
  };
  after(() => server.close());

  test("prints the key's value, asking in the pod's namespace with its token", async () => {
    const result = await read(['chatbot-portal-token', 'CHATBOT_API_TOKEN']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, EVAL_TOKEN);
    assert.deepEqual(seen.at(-1), {
      path: '/api/v1/namespaces/chatbots/secrets/chatbot-portal-token',
      authorization: 'Bearer sa-token',
    });
  });

  test('says why when the API refuses, and prints no data', async () => {
    const result = await read(['other', 'CHATBOT_API_TOKEN']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /chatbots\/other answered 403: secrets "other" is forbidden/,
    );
  });

  test("reads the pipeline's namespace when it names one, not the pod's", async () => {
    const result = await read(['chatbot-portal-token', 'CHATBOT_API_TOKEN'], {
      NAMESPACE: 'team-bots',
    });
    assert.equal(result.code, 1);
    assert.equal(
      seen.at(-1)!.path,
      '/api/v1/namespaces/team-bots/secrets/chatbot-portal-token',
    );
  });

  test('says so when the key is missing', async () => {
    const result = await read(['chatbot-portal-token', 'NOPE']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /has no key NOPE/);
  });
});
