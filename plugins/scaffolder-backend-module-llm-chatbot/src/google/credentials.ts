import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { GoogleAuth, type GoogleAuthOptions } from 'google-auth-library';

/** A short-lived OAuth access token for the Kubernetes API of a GKE cluster. */
export type AccessTokenProvider = () => Promise<string>;

const SCOPES = ['https://www.googleapis.com/auth/cloud-platform'];

/**
 * The backend's Google credentials: a service account key from
 * llmChatbot.scaffolder.google.credentials, or Application Default
 * Credentials (Workload Identity on GKE, gcloud locally). Never the form's.
 */
export function googleAuthFromConfig(config: Config): GoogleAuth {
  const raw = config.getOptionalString('llmChatbot.scaffolder.google.credentials');
  const options: GoogleAuthOptions = {
    scopes: SCOPES,
    // Node's own fetch, as the rest of the backend uses, instead of the
    // node-fetch ES module gaxios would import on first use.
    clientOptions: {
      transporterOptions: { fetchImplementation: globalThis.fetch },
    },
  };
  if (raw) {
    try {
      options.credentials = JSON.parse(raw);
    } catch {
      throw new InputError(
        'llmChatbot.scaffolder.google.credentials must be a service account key in JSON',
      );
    }
  }
  return new GoogleAuth(options);
}

export function accessTokenProvider(auth: GoogleAuth): AccessTokenProvider {
  return async () => {
    const token = await auth.getAccessToken();
    if (!token) {
      throw new InputError(
        'The backend has no Google credentials: set llmChatbot.scaffolder.google.credentials or run it with Application Default Credentials',
      );
    }
    return token;
  };
}
