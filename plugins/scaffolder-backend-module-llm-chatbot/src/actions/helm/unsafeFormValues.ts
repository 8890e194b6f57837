import { findSecretLikeKeys, isSecretLikeKey } from './secretLikeKeys';

/**
 * Keys that take a pod out of its sandbox, or add objects or code beyond
 * the chart's own: a form has no business setting them, whatever the chart.
 */
const ESCALATING_KEYS = new Set(
  [
    'hostNetwork',
    'hostPID',
    'hostIPC',
    'hostPath',
    'privileged',
    'allowPrivilegeEscalation',
    'capabilities',
    'extraObjects',
    'extraManifests',
    'extraDeploy',
    'initScripts', // Jenkins: Groovy run on the controller
    'JCasC',
    'configScripts',
  ].map(k => k.toLowerCase()),
);

/** Kubernetes objects that grant rights. */
const RBAC_KINDS = new Set([
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
]);

/** Values that are secrets whatever their key is called. */
const SECRET_VALUES: [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/^\s*Bearer\s+\S{8,}/i, 'a bearer token'],
  [/^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, 'a URL with a password'],
  [
    /\b(sk-[A-Za-z0-9_-]{20,}|ghp_[A-Za-z0-9]{30,}|github_pat_\w{30,}|AKIA[0-9A-Z]{16}|xox[abprs]-[A-Za-z0-9-]{10,})/,
    'an API key',
  ],
];

/**
 * What a template's form values must not do, as "path: reason": carry a
 * secret (by key name, by value, or as an env entry named like one),
 * escalate a pod, or add RBAC objects. Secrets belong in a Kubernetes
 * Secret the chart references; the rest has no place in a form.
 */
export function unsafeFormValues(values: unknown): string[] {
  return [
    ...findSecretLikeKeys(values).map(path => `${path}: a secret's key`),
    ...walk(values, ''),
  ];
}

function walk(value: unknown, path: string): string[] {
  if (typeof value === 'string') {
    const found = SECRET_VALUES.find(([pattern]) => pattern.test(value));
    return found ? [`${path || 'value'}: ${found[1]}`] : [];
  }
  if (!value || typeof value !== 'object') return [];
  const problems: string[] = [];
  const entries = Object.entries(value as Record<string, unknown>);
  const record = value as Record<string, unknown>;
  if (typeof record.kind === 'string' && RBAC_KINDS.has(record.kind))
    problems.push(`${path || 'values'}: a ${record.kind}`);
  // env: [{ name: OPENAI_API_KEY, value: sk-… }]
  if (
    typeof record.name === 'string' &&
    'value' in record &&
    isSecretLikeKey(record.name)
  )
    problems.push(`${path}: ${record.name} given a value (a secret's name)`);
  for (const [key, child] of entries) {
    const at = path ? `${path}.${key}` : key;
    if (ESCALATING_KEYS.has(key.toLowerCase()))
      problems.push(`${at}: escalates a pod or adds to the chart`);
    problems.push(...walk(child, at));
  }
  return problems;
}
