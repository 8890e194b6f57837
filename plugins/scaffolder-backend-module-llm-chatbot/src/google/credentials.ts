import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { GoogleAuth, JWT } from 'google-auth-library';

/** A short-lived OAuth access token for the Kubernetes API of a GKE cluster. */
export type AccessTokenProvider = () => Promise<string>;

const SCOPES = ['https://www.googleapis.com/auth/cloud-platform'];

/**
 * The backend's Google credentials: a service account key from
 * llmChatbot.scaffolder.google.credentials, or Application Default
 * Credentials (Workload Identity on GKE, gcloud locally). Never the form's.
 */
export function googleAuthFromConfig(config: Config): GoogleAuth {
  const raw = config.getOptionalString(
    'llmChatbot.scaffolder.google.credentials',
  );
  // Node's own fetch, as the rest of the backend uses, instead of the
  // node-fetch ES module gaxios would import on first use.
  const clientOptions = {
    transporterOptions: { fetchImplementation: globalThis.fetch },
    // A token handed to helm must outlive its longest wait (45 min): tokens
    // with less than 50 of their 60 minutes left are refreshed first.
    eagerRefreshThresholdMillis: 50 * 60_000,
  };
  if (!raw) return new GoogleAuth({ scopes: SCOPES, clientOptions });
  let json;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new InputError(
      'llmChatbot.scaffolder.google.credentials must be a service account key in JSON',
    );
  }
  if (
    json.type !== 'service_account' ||
    !json.client_email ||
    !json.private_key
  ) {
    throw new InputError(
      'llmChatbot.scaffolder.google.credentials must be a service account key (type service_account, with client_email and private_key); for anything else use Application Default Credentials',
    );
  }
  const authClient = new JWT({
    email: json.client_email,
    key: json.private_key,
    keyId: json.private_key_id,
    scopes: SCOPES,
    ...clientOptions,
  });
  return new GoogleAuth({ authClient, scopes: SCOPES });
}

export function accessTokenProvider(
  auth: () => GoogleAuth,
): AccessTokenProvider {
  return async () => {
    const token = await auth().getAccessToken();
    if (!token) {
      throw new InputError(
        'The backend has no Google credentials: set llmChatbot.scaffolder.google.credentials or run it with Application Default Credentials',
      );
    }
    return token;
  };
}
