import { generateKeyPairSync } from 'node:crypto';
import { http, HttpResponse } from 'msw';

/**
 * A service account key the module's GoogleAuth signs with, and the token
 * endpoint that exchanges the signed assertion, so the production
 * credentials path runs without ADC or a metadata server.
 */
export function fakeServiceAccount(project: string) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = {
    type: 'service_account',
    project_id: project,
    private_key_id: 'test-key',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: `portal@${project}.iam.gserviceaccount.com`,
    client_id: '1',
    token_uri: 'https://oauth2.googleapis.com/token',
  };
  const exchanges: string[] = [];
  const handler = http.post(
    'https://oauth2.googleapis.com/token',
    async ({ request }) => {
      const body = new URLSearchParams(await request.text());
      exchanges.push(body.get('grant_type') ?? '');
      return HttpResponse.json({
        access_token: 'test-access-token',
        expires_in: 3600,
        token_type: 'Bearer',
      });
    },
  );
  return { json: JSON.stringify(key), handler, exchanges };
}
