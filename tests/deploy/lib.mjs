// Shared helpers for the deployment-asset checks (no helm or cluster here).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import Ajv from 'ajv';

export const root = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../..',
);

export function walk(dir, filter = () => true) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === 'node_modules' ? [] : walk(full, filter);
    return filter(full) ? [full] : [];
  });
}

export const readYaml = file =>
  YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map(d => {
    if (d.errors.length) throw new Error(`${file}: ${d.errors[0].message}`);
    return d.toJS();
  });

export function schemaValidator(chartDir) {
  const schema = JSON.parse(
    fs.readFileSync(path.join(chartDir, 'values.schema.json'), 'utf8'),
  );
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  return values =>
    validate(values)
      ? []
      : validate.errors.map(e => `${e.instancePath || '/'} ${e.message}`);
}

// The chatbot's own helpers: one way to find a port and start the service.
export {
  freePort,
  spawnService,
} from '../../services/chatbot/test/helpers/process.mjs';

/** Polls `url` until it answers 2xx; fails early if `child` exits. */
export async function waitForOk(url, child, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${url}: the process exited with ${child.exitCode}`);
    const res = await fetch(url).catch(() => undefined);
    if (res?.ok) return res;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer in ${timeoutMs} ms`);
}

/** Deep-merges helm-style: maps merge, everything else replaces. */
export function merge(base, override) {
  if (
    Array.isArray(override) ||
    typeof override !== 'object' ||
    override === null
  )
    return override;
  const out = { ...base };
  for (const [k, v] of Object.entries(override))
    out[k] = k in out ? merge(out[k], v) : v;
  return out;
}

/**
 * Why values fail the chart's schema: `errors` are [keyword, instancePath, params]
 * of every ajv error except the if/then wrappers, sorted; `rules` are the
 * descriptions of the allOf rules whose `then` failed.
 */
export function schemaRefusal(chartDir) {
  const schema = JSON.parse(
    fs.readFileSync(path.join(chartDir, 'values.schema.json'), 'utf8'),
  );
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  return values => {
    if (validate(values)) return { rules: [], errors: [] };
    const rules = validate.errors
      .filter(e => e.keyword === 'if')
      .map(
        e =>
          schema.allOf[Number(/^#\/allOf\/(\d+)\/if$/.exec(e.schemaPath)[1])]
            .description,
      );
    const errors = validate.errors
      .filter(e => e.keyword !== 'if')
      .map(e => [e.keyword, e.instancePath || '/', e.params])
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    return { rules, errors };
  };
}
