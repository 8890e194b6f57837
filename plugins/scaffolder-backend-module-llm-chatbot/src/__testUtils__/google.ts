import { GoogleAuth, OAuth2Client } from 'google-auth-library';
import { GkeClusters } from '../google/GkeClusters';
import { NodeServiceAccount } from '../google/NodeServiceAccount';
import { AllowedProjects } from '../google/allowedProjects';

/** Credentials holding a fixed token, so no metadata server or token endpoint is called. */
export function fakeGoogleAuth() {
  // Native fetch: gaxios would otherwise import node-fetch, an ES module
  // jest cannot load. msw intercepts native fetch the same way.
  const authClient = new OAuth2Client({
    transporterOptions: { fetchImplementation: globalThis.fetch },
  });
  authClient.setCredentials({
    access_token: 'test-access-token',
    expiry_date: Date.now() + 3_600_000,
  });
  return authClient;
}

export function googleDeps() {
  const authClient = fakeGoogleAuth();
  return {
    gke: () =>
      new GkeClusters(new GoogleAuth({ authClient: authClient as any })),
    /** The examples' project. */
    projects: new AllowedProjects(['acme-chatbots']),
    serviceAccounts: new NodeServiceAccount(authClient as any, {
      baseDelayMs: 1,
    }),
  };
}
