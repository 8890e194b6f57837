// Prints one key of a Secret in $NAMESPACE (the pipeline's: the chatbots'
// namespace; else the pod's own), read with the pod's own service account
// (the deployer's Role may read Secrets there), so the pipeline needs no
// kubectl and no copy of the token anywhere else.
// Usage: node ci/read-secret.mjs <secret> <key>
import fs from 'node:fs';
import https from 'node:https';

const [name, key] = process.argv.slice(2);
const sa =
  process.env.SERVICE_ACCOUNT_DIR ??
  '/var/run/secrets/kubernetes.io/serviceaccount';
const host = process.env.KUBERNETES_SERVICE_HOST;
const port = process.env.KUBERNETES_SERVICE_PORT ?? '443';
if (!name || !key || !host) {
  console.error(
    'read-secret: usage: node ci/read-secret.mjs <secret> <key>, inside a pod',
  );
  process.exit(2);
}
const namespace =
  process.env.NAMESPACE ?? fs.readFileSync(`${sa}/namespace`, 'utf8').trim();
const request = https.get(
  {
    host,
    port,
    path: `/api/v1/namespaces/${encodeURIComponent(
      namespace,
    )}/secrets/${encodeURIComponent(name)}`,
    ca: fs.readFileSync(`${sa}/ca.crt`),
    headers: {
      Authorization: `Bearer ${fs.readFileSync(`${sa}/token`, 'utf8').trim()}`,
    },
  },
  response => {
    let body = '';
    response.setEncoding('utf8');
    response.on('data', chunk => (body += chunk));
    response.on('end', () => {
      if (response.statusCode !== 200) {
        // The API's Status message only: it never holds the Secret's data.
        const reason = (() => {
          try {
            return JSON.parse(body).message;
          } catch {
            return body.slice(0, 200);
          }
        })();
        console.error(
          `read-secret: ${namespace}/${name} answered ${response.statusCode}: ${reason}`,
        );
        process.exit(1);
      }
      const value = JSON.parse(body).data?.[key];
      if (!value) {
        console.error(`read-secret: ${namespace}/${name} has no key ${key}`);
        process.exit(1);
      }
      process.stdout.write(Buffer.from(value, 'base64').toString('utf8'));
    });
  },
);
request.on('error', error => {
  console.error(
    `read-secret: the Kubernetes API at ${host}:${port} could not be reached: ${error.message}`,
  );
  process.exit(1);
});
