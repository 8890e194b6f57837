/**
 * The service's own credentials, kept out of everything it shows or logs.
 * Model servers, embeddings servers and the proxies before them sometimes
 * echo the key they were sent in an error ("Invalid API Key = sk-…"), and
 * that text reaches job errors, SSE error events, error bodies and logs.
 */
const secrets = new Set<string>();

/** Called with the configured keys and tokens when the config is read. */
export function registerSecrets(...values: (string | undefined)[]): void {
  // Shorter values would redact ordinary words; keys are long.
  for (const value of values)
    if (value && value.length >= 8) secrets.add(value);
}

export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  }
  return out;
}
