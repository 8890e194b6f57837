// The scaffolded repository's Jenkinsfile, read as Jenkins would run it: the
// declarative structure is parsed (comments stripped) and each `sh` step's
// script unquoted as Groovy does. The Jenkinsfile only chooses pods, gates
// stages and calls the scripts in services/chatbot/ci/ (the scaffolded
// repository's ci/), whose behaviour services/chatbot/test/ci-scripts.test.ts
// proves with fake binaries; this checks the wiring: which pod runs which
// script, and that only main's builds reach the credentialed pods.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { root, readYaml } from './lib.mjs';

const JENKINSFILE = path.join(
  root,
  'templates/create-chatbot/skeleton/Jenkinsfile',
);

// ---- Groovy: comments, string literals, blocks -------------------------------------------

/** Index just past the string literal starting at i (', ", ''' or """). */
function skipString(src, i) {
  const q =
    src.startsWith("'''", i) || src.startsWith('"""', i)
      ? src.slice(i, i + 3)
      : src[i];
  for (let j = i + q.length; j < src.length; j++) {
    if (src[j] === '\\') {
      j++;
      continue;
    }
    if (src.startsWith(q, j)) return j + q.length;
  }
  throw new Error(`unterminated string at ${i}`);
}

function stripComments(src) {
  let out = '';
  for (let i = 0; i < src.length; ) {
    if (src[i] === "'" || src[i] === '"') {
      const end = skipString(src, i);
      out += src.slice(i, end);
      i = end;
    } else if (src.startsWith('//', i)) {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      i = end + 2;
    } else out += src[i++];
  }
  return out;
}

/** Index of the bracket closing the one at `open` (strings skipped). */
function closing(src, open) {
  const pair = { '{': '}', '(': ')', '[': ']' };
  const stack = [];
  for (let i = open; i < src.length; ) {
    const c = src[i];
    if (c === "'" || c === '"') {
      i = skipString(src, i);
      continue;
    }
    if (pair[c]) stack.push(pair[c]);
    else if (c === stack.at(-1)) {
      stack.pop();
      if (!stack.length) return i;
    }
    i++;
  }
  throw new Error(`unbalanced ${src[open]} at ${open}`);
}

/** Statements of a block body: { name, args, body } with args the raw text after the name. */
function statements(src) {
  const out = [];
  let i = 0;
  while (i < src.length) {
    while (i < src.length && /[\s;]/.test(src[i])) i++;
    if (i >= src.length) break;
    const name = /^[A-Za-z_][\w.]*/.exec(src.slice(i))?.[0];
    if (!name) throw new Error(`cannot parse: ${src.slice(i, i + 40)}`);
    i += name.length;
    let args = '';
    let body;
    while (i < src.length && src[i] !== '\n' && src[i] !== ';') {
      const c = src[i];
      if (c === "'" || c === '"') {
        const end = skipString(src, i);
        args += src.slice(i, end);
        i = end;
      } else if (c === '(' || c === '[') {
        const end = closing(src, i);
        args += src.slice(i, end + 1);
        i = end + 1;
      } else if (c === '{') {
        const end = closing(src, i);
        body = statements(src.slice(i + 1, end));
        i = end + 1;
        break;
      } else if (c === '}') break;
      else {
        args += c;
        i++;
      }
    }
    out.push({ name, args: args.trim(), body });
  }
  return out;
}

const child = (node, name) => node?.body?.find(s => s.name === name);
const children = (node, name) => node?.body?.filter(s => s.name === name) ?? [];

/** Value of a Groovy string literal; GStrings are interpolated from `scope` (null prints "null", as Groovy does). */
function groovyString(literal, scope = {}) {
  const m = /^('''|"""|'|")([\s\S]*)\1$/.exec(literal.trim());
  assert.ok(m, `not a string literal: ${literal}`);
  const [, quote, raw] = m;
  const gstring = quote.startsWith('"');
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\') {
      const e = raw[++i];
      if (e === '\n') continue; // a backslash ends the line: Groovy joins the lines
      out += { n: '\n', t: '\t', r: '\r' }[e] ?? e;
    } else if (gstring && c === '$' && raw[i + 1] === '{') {
      const end = closing(raw, i + 1);
      out += String(groovyExpr(raw.slice(i + 2, end), scope));
      i = end;
    } else if (gstring && c === '$' && /[A-Za-z_]/.test(raw[i + 1])) {
      const id = /^[A-Za-z_][\w.]*/.exec(raw.slice(i + 1))[0];
      out += String(groovyExpr(id, scope));
      i += id.length;
    } else out += c;
  }
  return out;
}

/** The few Groovy expressions a Jenkinsfile puts in strings: X, env.X, params.X. */
function groovyExpr(expr, scope) {
  const m = /^\s*(?:(env|params)\.)?([A-Za-z_]\w*)\s*$/.exec(expr);
  assert.ok(m, `expression the test does not model: ${expr}`);
  return scope[m[2]] ?? null;
}

// ---- the pipeline's structure ------------------------------------------------------------

const source = fs.readFileSync(JENKINSFILE, 'utf8');
const pipeline = statements(stripComments(source)).find(
  s => s.name === 'pipeline',
);
const environment = Object.fromEntries(
  (child(pipeline, 'environment')?.body ?? []).map(s => [
    s.name,
    groovyString(/^=\s*([\s\S]+)$/.exec(s.args)[1]),
  ]),
);

const stageName = node => groovyString(node.args.replace(/^\(|\)$/g, ''));
const agentOf = node =>
  Object.fromEntries(
    (child(child(node, 'agent'), 'kubernetes')?.body ?? []).map(s => [
      s.name,
      groovyString(s.args),
    ]),
  );
/** sh steps of a block, with the container they run in. */
function scriptsOf(block, container) {
  return (block?.body ?? []).flatMap(s => {
    if (s.name === 'sh') return [{ script: groovyString(s.args), container }];
    if (s.name === 'container') {
      const args = s.args.replace(/^\(|\)$/g, '');
      const name = /name:\s*('[^']*')/.exec(args)?.[1] ?? args;
      return scriptsOf(s, groovyString(name));
    }
    return [];
  });
}
/** Every stage, nested ones with the agent of the stage around them. */
function flatten(stagesNode, parentAgent = {}) {
  return children(stagesNode, 'stage').flatMap(node => {
    const agent = { ...parentAgent, ...agentOf(node) };
    const nested = child(node, 'stages');
    const own = {
      name: stageName(node),
      agent,
      when: child(node, 'when'),
      scripts: scriptsOf(child(node, 'steps'), agent.defaultContainer),
      post: Object.fromEntries(
        (child(node, 'post')?.body ?? []).map(p => [
          p.name,
          scriptsOf(p, agent.defaultContainer),
        ]),
      ),
    };
    return nested ? [own, ...flatten(nested, agent)] : [own];
  });
}
const stages = flatten(child(pipeline, 'stages'));
const stage = name =>
  stages.find(s => s.name === name) ?? assert.fail(`no stage ${name}`);
// `sh ci/x.sh`: run by the image's own sh (the scripts are POSIX sh).
const ciScript = script => /^sh (ci\/[a-z-]+\.sh)$/.exec(script.trim())?.[1];

/** The gate of a stage and its parents, as the text of their when blocks. */
const gateOf = name => {
  const top = children(child(pipeline, 'stages'), 'stage').find(
    n =>
      stageName(n) === name ||
      children(child(n, 'stages'), 'stage').some(c => stageName(c) === name),
  );
  return JSON.stringify(child(top, 'when') ?? null);
};

// ---- the contract ------------------------------------------------------------------------

test('stages run in order: test, build and push, then chart checks, deploy and smoke test', () => {
  assert.deepEqual(
    stages.map(s => s.name),
    [
      'Test',
      'Build and push',
      'Deliver',
      'Chart checks',
      'Deploy',
      'Smoke test',
      'Model correctness',
    ],
  );
});

test('each stage only calls a script in ci/, and every script it calls exists', () => {
  const called = stages.flatMap(s => [
    ...s.scripts,
    ...Object.values(s.post).flat(),
  ]);
  assert.ok(called.length >= 6);
  for (const { script } of called) {
    const file = ciScript(script);
    assert.ok(file, `not a ci/ script: ${script}`);
    assert.ok(
      fs.existsSync(path.join(root, 'services/chatbot', file)),
      `${file} is missing from services/chatbot/ci`,
    );
  }
});

test('tests run on the credential-less tester pod; only main reaches the builder and deployer pods', () => {
  assert.deepEqual(
    stages
      .filter(s => s.scripts.length)
      .map(s => [
        s.name,
        s.agent.cloud ?? 'kubernetes',
        s.agent.inheritFrom,
        ciScript(s.scripts[0].script),
      ]),
    [
      ['Test', 'kubernetes', 'chatbot-tester', 'ci/test.sh'],
      ['Build and push', 'chatbots-delivery', 'chatbot-builder', 'ci/build.sh'],
      [
        'Chart checks',
        'chatbots-delivery',
        'chatbot-deployer',
        'ci/chart-check.sh',
      ],
      ['Deploy', 'chatbots-delivery', 'chatbot-deployer', 'ci/deploy.sh'],
      ['Smoke test', 'chatbots-delivery', 'chatbot-deployer', 'ci/smoke.sh'],
      [
        'Model correctness',
        'chatbots-delivery',
        'chatbot-deployer',
        'ci/eval.sh',
      ],
    ],
  );
  assert.equal(gateOf('Test'), 'null', 'every change is tested');
  for (const name of [
    'Build and push',
    'Chart checks',
    'Deploy',
    'Smoke test',
    'Model correctness',
  ]) {
    const gate = gateOf(name);
    assert.match(gate, /"name":"branch","args":"'main'"/, name);
    assert.match(
      gate,
      /"name":"changeRequest"/,
      `${name}: pull requests stop after the tests`,
    );
    // Otherwise Declarative starts the stage's credentialed pod (and checks
    // the change out into it) before it reads the gate.
    assert.match(gate, /"name":"beforeAgent","args":"true"/, name);
  }
});

test('the smoke test runs in the node container and, when it fails, calls the rollback script', () => {
  const smoke = stage('Smoke test');
  assert.deepEqual(
    smoke.scripts.map(s => [s.container, s.script]),
    [['node', 'sh ci/smoke.sh']],
  );
  assert.deepEqual(Object.keys(smoke.post), ['failure']);
  assert.deepEqual(
    smoke.post.failure.map(s => [s.container, s.script]),
    [['helm', 'sh ci/rollback.sh']],
  );
});

test('the model-correctness stage runs the eval through the release after the smoke test, keeps its results, and rolls back when it fails', () => {
  const judged = stage('Model correctness');
  assert.deepEqual(
    judged.scripts.map(s => [s.container, s.script]),
    [['node', 'sh ci/eval.sh']],
  );
  assert.deepEqual(
    judged.post.failure.map(s => [s.container, s.script]),
    [['helm', 'sh ci/rollback.sh']],
  );
  const names = stages.map(s => s.name);
  assert.ok(names.indexOf('Model correctness') > names.indexOf('Smoke test'));
});

test("the pipeline's environment holds only this chatbot's constants, filled in by the template, never GIT_COMMIT", () => {
  // A pipeline-level environment is evaluated before any checkout (agent
  // none): GIT_COMMIT there gave the image tag "null". Parameters are unset
  // on a job's first build and not exported to scripts, so there are none.
  assert.equal(child(pipeline, 'agent').args, 'none');
  assert.equal(child(pipeline, 'parameters'), undefined);
  assert.deepEqual(environment, {
    IMAGE_REPOSITORY: '${{ values.imageRepository }}',
    RELEASE: '${{ values.name }}',
    NAMESPACE: 'chatbots',
    INGRESS_HOST: '${{ values.chatbotHost }}',
  });
  assert.doesNotMatch(stripComments(source), /GIT_COMMIT/);
});

test("the Kaniko stages run their scripts with the image's own busybox shell", () => {
  assert.equal(
    (source.match(/container\(name: 'kaniko', shell: '\/busybox\/sh'\)/g) ?? [])
      .length,
    2,
  );
});

const jenkinsValues = readYaml(
  path.join(root, 'helm/jenkins/jenkins.values.yaml'),
)[0];
const delivery = jenkinsValues.additionalClouds['chatbots-delivery'];
const podTemplates = agent =>
  Object.fromEntries(
    Object.entries(agent.podTemplates).map(([name, text]) => [
      name,
      YAML.parse(text)[0],
    ]),
  );

test('the credentialed pod templates live only in a usage-restricted cloud with its own namespace and launcher', () => {
  // The open default cloud ("kubernetes") has the tester only.
  assert.deepEqual(Object.keys(jenkinsValues.agent.podTemplates), [
    'chatbot-tester',
  ]);
  assert.notEqual(jenkinsValues.agent.usageRestricted, true);
  assert.deepEqual(Object.keys(delivery.agent.podTemplates), [
    'chatbot-builder',
    'chatbot-deployer',
  ]);
  assert.equal(delivery.agent.usageRestricted, true);
  assert.equal(delivery.agent.disableDefaultAgent, true);
  assert.equal(delivery.agent.namespace, 'jenkins-delivery');
  assert.equal(delivery.credentialsId, 'jenkins-delivery-launcher');
  // With a URL and a credential the plugin would not trust the cluster's CA.
  assert.equal(jenkinsValues.kubernetesURL, '');
  assert.equal(delivery.kubernetesURL, undefined);
  assert.notEqual(delivery.agent.skipTlsVerify, true);

  // The launcher is a system-scoped credential (no pipeline can bind it)
  // whose account may manage pods in the delivery namespace only, and the
  // builder and deployer accounts live there, out of the default cloud's
  // reach.
  const platform = values => readYaml(values);
  const launcher = fs.readFileSync(
    path.join(root, 'helm/chatbot-platform/templates/delivery-launcher.yaml'),
    'utf8',
  );
  assert.match(launcher, /jenkins.io\/credentials-scope: system/);
  assert.match(launcher, /jenkins.io\/credentials-type: secretText/);
  assert.match(launcher, /kind: Role\n/);
  const [defaults] = platform(
    path.join(root, 'helm/chatbot-platform/values.yaml'),
  );
  assert.equal(defaults.deliveryNamespace, delivery.agent.namespace);
  // The open cloud's pods run where no Secret lives: not in Jenkins' own
  // namespace (its Secrets, the launcher's token), not in the delivery one.
  assert.equal(jenkinsValues.agent.namespace, defaults.agentsNamespace);
  assert.equal(
    new Set([
      defaults.agentsNamespace,
      defaults.deliveryNamespace,
      defaults.jenkinsNamespace,
    ]).size,
    3,
  );
  assert.match(
    launcher,
    /kind: Secret\ntype: kubernetes.io\/service-account-token\nmetadata:\n {2}name: jenkins-delivery-launcher\n {2}namespace: \{\{ .Values.jenkinsNamespace \}\}/,
  );
  assert.match(
    launcher,
    /range list .Values.deliveryNamespace .Values.agentsNamespace/,
  );
  const rbac = fs.readFileSync(
    path.join(root, 'helm/chatbot-platform/templates/deployer-rbac.yaml'),
    'utf8',
  );
  for (const account of ['chatbot-builder', 'chatbot-deployer']) {
    assert.match(
      rbac,
      new RegExp(
        `kind: ServiceAccount\nmetadata:\n  name: ${account}\n  namespace: \\{\\{ .Values.deliveryNamespace \\}\\}`,
      ),
    );
  }
});

test('every pipeline image is pinned; Kaniko is the maintained fork, by digest', () => {
  const images = [jenkinsValues.agent, delivery.agent].flatMap(agent =>
    Object.values(podTemplates(agent)).flatMap(t =>
      t.containers.map(c => c.image),
    ),
  );
  for (const image of images) {
    assert.doesNotMatch(image, /:latest$|^[^:]+$/, image);
  }
  const kaniko = images.filter(i => /kaniko/.test(i));
  assert.equal(kaniko.length, 2);
  for (const image of kaniko) {
    assert.match(
      image,
      /^ghcr\.io\/osscontainertools\/kaniko:v[\d.]+-debug@sha256:[0-9a-f]{64}$/,
    );
  }
});

test('the pod templates: tests hold nothing, the build can only push, the deploy only deploys', () => {
  const templates = {
    ...podTemplates(jenkinsValues.agent),
    ...podTemplates(delivery.agent),
  };
  const pod = name => ({
    serviceAccount: templates[name].serviceAccount,
    automount: YAML.parse(templates[name].yaml ?? 'spec: {}').spec
      .automountServiceAccountToken,
    containers: templates[name].containers.map(c => c.name),
  });
  assert.deepEqual(pod('chatbot-tester'), {
    serviceAccount: 'default',
    automount: false,
    containers: ['kaniko', 'postgres'],
  });
  assert.deepEqual(pod('chatbot-builder'), {
    serviceAccount: 'chatbot-builder',
    automount: false,
    containers: ['kaniko'],
  });
  assert.deepEqual(pod('chatbot-deployer').containers, ['helm', 'node']);
  assert.equal(pod('chatbot-deployer').serviceAccount, 'chatbot-deployer');

  // The build identity pushes images and has no Kubernetes rights; the
  // deploy identity has the Role and no Google identity.
  const rbac = fs.readFileSync(
    path.join(root, 'helm/chatbot-platform/templates/deployer-rbac.yaml'),
    'utf8',
  );
  const [builder, deployer] = rbac
    .split('---')
    .filter(d => /kind: ServiceAccount/.test(d));
  assert.match(builder, /name: chatbot-builder/);
  assert.match(builder, /iam.gke.io\/gcp-service-account/);
  assert.match(builder, /automountServiceAccountToken: false/);
  assert.match(deployer, /name: chatbot-deployer/);
  assert.doesNotMatch(deployer, /iam.gke.io/);
  assert.match(
    rbac,
    /subjects:\n\s+- kind: ServiceAccount\n\s+name: chatbot-deployer/,
  );
});
