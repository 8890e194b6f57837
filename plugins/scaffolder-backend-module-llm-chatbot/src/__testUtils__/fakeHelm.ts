import {
  chmodSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One helm invocation as the fake saw it. */
export interface HelmCall {
  argv: string[];
  kubeconfig?: string;
  kubeconfigMode?: number;
  kubeconfigText?: string;
  /** The names of the environment variables helm was given. */
  envKeys: string[];
}

/**
 * A `helm` on PATH that records each call (argv, and the kubeconfig it was
 * given with its file mode) and answers like helm 3 does: `history` from a
 * scripted list, `upgrade` with the release's JSON status. Env-free: its
 * behaviour comes from a state file next to it.
 */
export class FakeHelm {
  readonly dir = mkdtempSync(join(tmpdir(), 'fake-helm-'));
  readonly binary = join(this.dir, 'helm');
  private readonly log = join(this.dir, 'calls.jsonl');
  private readonly state = join(this.dir, 'state.json');

  constructor() {
    writeFileSync(
      this.binary,
      `#!/usr/bin/env node
const fs = require('fs');
const argv = process.argv.slice(2);
const kc = process.env.KUBECONFIG;
const call = { argv, envKeys: Object.keys(process.env) };
if (kc && fs.existsSync(kc)) {
  call.kubeconfig = kc;
  call.kubeconfigMode = fs.statSync(kc).mode & 0o777;
  call.kubeconfigText = fs.readFileSync(kc, 'utf8');
}
fs.appendFileSync(${JSON.stringify(this.log)}, JSON.stringify(call) + '\\n');
const state = JSON.parse(fs.readFileSync(${JSON.stringify(
        this.state,
      )}, 'utf8'));
const release = argv[1];
if (state.sleepOn === argv[0]) { setTimeout(() => {}, 60000); return; }
if (state.failOn === argv[0]) { process.stderr.write(state.failMessage + '\\n'); process.exit(1); }
if (argv[0] === 'history') {
  const h = state.history[release];
  if (!h) { process.stderr.write('Error: release: not found\\n'); process.exit(1); }
  process.stdout.write(JSON.stringify(h));
} else if (argv[0] === 'upgrade') {
  const h = state.history[argv[2]] || [];
  const revision = h.length + 1;
  state.history[argv[2]] = [...h.map(e => ({ ...e, status: e.status === 'deployed' ? 'superseded' : e.status })), { revision, status: 'deployed' }];
  fs.writeFileSync(${JSON.stringify(this.state)}, JSON.stringify(state));
  process.stderr.write('Release "' + argv[2] + '" has been upgraded. Happy Helming!\\n');
  const vi = argv.indexOf('--version');
  process.stdout.write(JSON.stringify({ name: argv[2], version: revision, info: { status: 'deployed' }, chart: { metadata: { version: vi > 0 ? argv[vi + 1] : '0.1.0' } } }));
} else if (argv[0] === 'rollback' || argv[0] === 'uninstall') {
  if (argv[0] === 'uninstall') delete state.history[release];
  else state.history[release].push({ revision: state.history[release].length + 1, status: 'deployed' });
  fs.writeFileSync(${JSON.stringify(this.state)}, JSON.stringify(state));
}
`,
    );
    chmodSync(this.binary, 0o755);
    this.reset();
  }

  reset(
    state: {
      history?: Record<string, { revision: number; status: string }[]>;
      failOn?: string;
      failMessage?: string;
      sleepOn?: string;
    } = {},
  ) {
    writeFileSync(this.state, JSON.stringify({ history: {}, ...state }));
    writeFileSync(this.log, '');
  }

  calls(): HelmCall[] {
    if (!existsSync(this.log)) return [];
    return readFileSync(this.log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(line => JSON.parse(line));
  }
}
