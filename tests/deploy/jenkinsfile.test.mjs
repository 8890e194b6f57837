// The scaffolded repository's Jenkinsfile, read as Jenkins would run it: the
// declarative structure is parsed (comments stripped), each `sh` step's
// script is unquoted as Groovy does, and its commands are split into argv
// with the environment the step would see. Declarative evaluates the
// pipeline-level `environment` after the top-level agent (here `agent none`:
// no checkout yet) and a stage's `environment` before the stage's agent, so
// SCM variables such as GIT_COMMIT exist only inside a stage's steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { root } from './lib.mjs';

const JENKINSFILE = path.join(
  root,
  'templates/create-chatbot/skeleton/Jenkinsfile',
);
const SHA = '3f786850e387550fdab836ed7e6dc881de23001b';

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

// ---- shell: commands and words -----------------------------------------------------------

/** Simple commands (argv arrays) of a script, variables expanded from `env`. */
function shellCommands(script, env) {
  const commands = [];
  let argv = [];
  let word = null;
  /** Expands the $… at s[i]: ${VAR} or $VAR from env; $( … ) is kept as written. Returns [text, next index]. */
  const expand = (s, i) => {
    if (s[i + 1] === '(') {
      const end = closing(s, i + 1);
      return [s.slice(i, end + 1), end + 1];
    }
    const m = /^\$(?:\{(\w+)\}|(\w+))/.exec(s.slice(i));
    return m ? [env[m[1] ?? m[2]] ?? '', i + m[0].length] : ['$', i + 1];
  };
  const endWord = () => {
    if (word !== null) argv.push(word);
    word = null;
  };
  const endCommand = () => {
    endWord();
    if (argv.length) commands.push(argv);
    argv = [];
  };
  for (let i = 0; i < script.length; ) {
    const c = script[i];
    if (c === '\\' && script[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '\n' || c === ';') {
      endCommand();
      i++;
      continue;
    }
    if (script.startsWith('&&', i) || script.startsWith('||', i)) {
      endCommand();
      i += 2;
      continue;
    }
    if (c === '|') {
      endCommand();
      i++;
      continue;
    }
    if (c === ' ' || c === '\t') {
      endWord();
      i++;
      continue;
    }
    if (c === '>' || c === '<') {
      endWord();
      argv.push(script.startsWith('>&', i) ? '>&' : c);
      i += script.startsWith('>&', i) ? 2 : 1;
      continue;
    }
    word ??= '';
    if (c === "'") {
      const end = script.indexOf("'", i + 1);
      word += script.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      while (script[i] !== '"') {
        if (script[i] === '\\' && '$`"\\\n'.includes(script[i + 1])) {
          word += script[i + 1];
          i += 2;
        } else if (script[i] === '$') {
          const [v, next] = expand(script, i);
          word += v;
          i = next;
        } else word += script[i++];
      }
      i++;
    } else if (c === '$') {
      const [v, next] = expand(script, i);
      word += v;
      i = next;
    } else if (c === '\\') {
      word += script[i + 1];
      i += 2;
    } else {
      word += c;
      i++;
    }
  }
  endCommand();
  return commands;
}

// ---- the pipeline as Jenkins would run it -------------------------------------------------

const source = fs.readFileSync(JENKINSFILE, 'utf8');
const pipeline = statements(stripComments(source)).find(
  s => s.name === 'pipeline',
);
const params = Object.fromEntries(
  children(child(pipeline, 'parameters'), 'string').map(p => {
    const name = /name:\s*('[^']*'|"[^"]*")/.exec(p.args)[1];
    const value = /defaultValue:\s*('[^']*'|"[^"]*")/.exec(p.args)[1];
    return [groovyString(name), groovyString(value)];
  }),
);
const JOB = {
  BUILD_NUMBER: '7',
  JOB_NAME: 'demo-chatbot/main',
  BRANCH_NAME: 'main',
}; // set before any checkout
const SCM = {
  GIT_COMMIT: SHA,
  GIT_BRANCH: 'main',
  WORKSPACE: '/home/jenkins/agent/workspace/demo-chatbot_main',
}; // set by a stage agent's checkout

/** `environment { K = 'v' }` evaluated in `scope` (the map grows as Declarative's withEnv does). */
const environment = (node, scope) =>
  Object.fromEntries(
    (child(node, 'environment')?.body ?? []).map(s => {
      const m = /^=\s*([\s\S]+)$/.exec(s.args);
      assert.ok(
        m,
        `environment entry the test does not model: ${s.name} ${s.args}`,
      );
      return [s.name, groovyString(m[1], scope)];
    }),
  );

const topAgent = child(pipeline, 'agent').args;
assert.equal(topAgent, 'none', 'the model below assumes per-stage agents');
const pipelineEnv = {
  ...JOB,
  ...params,
  ...environment(pipeline, { ...JOB, ...params }),
};

function stepsOf(block, env, container) {
  return (block?.body ?? []).flatMap(s => {
    if (s.name === 'sh') {
      const script = groovyString(s.args, env); // '…' and '''…''' are not interpolated; "…" and """…""" are
      return [
        { kind: 'sh', container, script, commands: shellCommands(script, env) },
      ];
    }
    if (s.name === 'container')
      return stepsOf(s, env, groovyString(s.args.replace(/^\(|\)$/g, '')));
    return [{ kind: s.name, args: s.args }];
  });
}

const stages = children(child(pipeline, 'stages'), 'stage').map(node => {
  const name = groovyString(node.args.replace(/^\(|\)$/g, ''));
  const stageEnv = { ...pipelineEnv, ...environment(node, pipelineEnv) }; // before the agent: no SCM variables
  const k8s = child(child(node, 'agent'), 'kubernetes');
  const agent = Object.fromEntries(
    (k8s?.body ?? []).map(s => [s.name, groovyString(s.args)]),
  );
  const env = { ...stageEnv, ...SCM }; // inside the agent, after its checkout
  const post = Object.fromEntries(
    (child(node, 'post')?.body ?? []).map(p => [
      p.name,
      stepsOf(p, env, 'post'),
    ]),
  );
  return {
    name,
    agent,
    env,
    steps: stepsOf(child(node, 'steps'), env, agent.defaultContainer),
    post,
  };
});
const stage = name =>
  stages.find(s => s.name === name) ?? assert.fail(`no stage ${name}`);
const commandsOf = steps =>
  steps
    .filter(s => s.kind === 'sh')
    .flatMap(s => s.commands.map(argv => ({ argv, container: s.container })));
const allCommands = stages.flatMap(s => [
  ...commandsOf(s.steps),
  ...Object.values(s.post).flatMap(commandsOf),
]);
/** The commands of a stage whose argv starts with `prefix`. */
const find = (name, ...prefix) =>
  commandsOf(stage(name).steps).filter(c =>
    prefix.every((p, i) => c.argv[i] === p),
  );
const flagValues = (argv, flag) =>
  argv.flatMap((a, i) =>
    a === flag
      ? [argv[i + 1]]
      : a.startsWith(`${flag}=`)
      ? [a.slice(flag.length + 1)]
      : [],
  );
const sets = argv =>
  Object.fromEntries(
    flagValues(argv, '--set').map(kv => kv.split(/=(.*)/s).slice(0, 2)),
  );

// ---- the contract ------------------------------------------------------------------------

test('stages run in order: test, build and push, chart checks, deploy, smoke test', () => {
  assert.deepEqual(
    stages.map(s => s.name),
    ['Test', 'Build and push', 'Chart checks', 'Deploy', 'Smoke test'],
  );
});

test('only the test stage runs on the credential-less tester pod; the rest on the builder', () => {
  assert.deepEqual(
    stages.map(s => [s.name, s.agent.inheritFrom, s.agent.defaultContainer]),
    [
      ['Test', 'chatbot-tester', 'kaniko'],
      ['Build and push', 'chatbot-builder', 'kaniko'],
      ['Chart checks', 'chatbot-builder', 'helm'],
      ['Deploy', 'chatbot-builder', 'helm'],
      ['Smoke test', 'chatbot-builder', 'node'],
    ],
  );
});

test('the test stage builds the Dockerfile test target with Kaniko and pushes nothing', () => {
  const [kaniko, ...more] = find('Test', '/kaniko/executor');
  assert.equal(more.length, 0);
  assert.deepEqual(flagValues(kaniko.argv, '--target'), ['test']);
  assert.ok(kaniko.argv.includes('--no-push'), kaniko.argv.join(' '));
  assert.deepEqual(flagValues(kaniko.argv, '--destination'), []);
  assert.deepEqual(flagValues(kaniko.argv, '--context'), [
    `dir://${SCM.WORKSPACE}`,
  ]);
  const dockerfile = fs.readFileSync(
    path.join(root, 'services/chatbot/Dockerfile'),
    'utf8',
  );
  const testTarget = dockerfile.slice(
    dockerfile.indexOf('AS test'),
    dockerfile.indexOf('AS build'),
  );
  assert.match(testTarget, /npm test && npm run eval:smoke/);
});

test('the image is pushed once, tagged with the commit being built (never "null" or latest)', () => {
  const pushes = allCommands.filter(
    c => c.argv[0] === '/kaniko/executor' && !c.argv.includes('--no-push'),
  );
  assert.equal(pushes.length, 1, 'one pushing Kaniko build');
  assert.equal(
    find('Build and push', '/kaniko/executor').length,
    1,
    'it is in "Build and push"',
  );
  assert.deepEqual(flagValues(pushes[0].argv, '--destination'), [
    `${params.IMAGE_REPOSITORY}:${SHA}`,
  ]);
});

test('chart checks lint (strict) and render the chart with the built image', () => {
  const [lint] = find('Chart checks', 'helm', 'lint');
  assert.ok(lint, 'helm lint');
  assert.equal(lint.argv[2], 'chart');
  assert.ok(lint.argv.includes('--strict'));
  assert.deepEqual(sets(lint.argv), {
    'image.tag': SHA,
    'image.repository': params.IMAGE_REPOSITORY,
  });
  const [render] = find('Chart checks', 'helm', 'template');
  assert.ok(render, 'helm template');
  assert.deepEqual(render.argv.slice(2, 4), [params.RELEASE, 'chart']);
  assert.deepEqual(flagValues(render.argv, '--namespace'), [params.NAMESPACE]);
  assert.deepEqual(sets(render.argv), {
    'image.tag': SHA,
    'image.repository': params.IMAGE_REPOSITORY,
  });
});

test('deploy is one atomic, waited helm upgrade of the image just built', () => {
  const upgrades = allCommands.filter(
    c => c.argv[0] === 'helm' && c.argv[1] === 'upgrade',
  );
  assert.equal(upgrades.length, 1);
  const [upgrade] = find('Deploy', 'helm', 'upgrade', '--install');
  assert.ok(upgrade, 'helm upgrade --install in Deploy');
  assert.deepEqual(upgrade.argv.slice(3, 5), [params.RELEASE, 'chart']);
  assert.deepEqual(flagValues(upgrade.argv, '--namespace'), [params.NAMESPACE]);
  for (const flag of ['--atomic', '--wait'])
    assert.ok(upgrade.argv.includes(flag), flag);
  assert.deepEqual(sets(upgrade.argv), {
    'image.repository': params.IMAGE_REPOSITORY,
    'image.tag': SHA,
  });
});

test('the smoke test calls /readyz through the ingress and, if it fails, rolls back', () => {
  const smoke = stage('Smoke test');
  const fetches = commandsOf(smoke.steps).filter(
    c => c.argv[0] === 'node' && c.argv[1] === '-e',
  );
  assert.equal(fetches.length, 1);
  assert.ok(
    fetches[0].argv[2].includes(
      `fetch('https://${params.INGRESS_HOST}/readyz')`,
    ),
    fetches[0].argv[2],
  );
  assert.deepEqual(Object.keys(smoke.post), ['failure']);
  const rollback = commandsOf(smoke.post.failure);
  assert.deepEqual(
    rollback.map(c => c.argv),
    [
      [
        'helm',
        'rollback',
        params.RELEASE,
        '0',
        '--namespace',
        params.NAMESPACE,
        '--wait',
      ],
    ],
  );
  assert.equal(smoke.post.failure[0].container, 'helm');
});

test('no Docker daemon or socket, and no mutable tag, in any command', () => {
  for (const { argv } of allCommands) {
    assert.notEqual(argv[0], 'docker', argv.join(' '));
    for (const arg of argv)
      assert.doesNotMatch(
        arg,
        /docker\.sock|:latest\b|:null\b/,
        argv.join(' '),
      );
  }
});
