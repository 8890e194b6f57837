/**
 * Key names that hold secret values. References to a Secret by name
 * (existingSecret, hfTokenSecret, secretName) do not match, so neither does
 * every name ending in "secret" (webhookSecret goes unnoticed): a bare
 * `secret` key does.
 */
const SECRET_LIKE =
  /(token|password|passwd|(api|access|secret|private)[_-]?key|credentials|client[_-]?secret|^secret)$/i;

/** Whether a key (or an env entry's name: OPENAI_API_KEY) names a secret. */
export const isSecretLikeKey = (key: string) => SECRET_LIKE.test(key);

/** Paths of the keys in a values object whose names say they hold a secret. */
export function findSecretLikeKeys(values: unknown, prefix = ''): string[] {
  if (!values || typeof values !== 'object') return [];
  return Object.entries(values as Record<string, unknown>).flatMap(
    ([key, value]) => {
      const path = prefix ? `${prefix}.${key}` : key;
      return [
        ...(SECRET_LIKE.test(key) ? [path] : []),
        ...findSecretLikeKeys(value, path),
      ];
    },
  );
}
