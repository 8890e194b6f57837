import { setupServer } from 'msw/node';
import { protos } from '@google-cloud/container';
import { FakeGke } from '../__testUtils__/fakeGke';
import { googleDeps } from '../__testUtils__/google';
import { clusterResolver } from './clusterAccess';
import { AllowedProjects } from './allowedProjects';

const gke = new FakeGke();
const server = setupServer(...gke.handlers());
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => gke.reset());
afterAll(() => server.close());

const ref = {
  project: 'acme-chatbots',
  location: 'asia-southeast1-b',
  cluster: 'llm-chatbots',
};

describe('clusterResolver', () => {
  it("takes a named cluster's endpoint and CA from GKE, not from the template", async () => {
    gke.addCluster(ref.project, ref.location, ref.cluster, {
      endpoint: '10.0.0.2',
    });
    await expect(
      clusterResolver(googleDeps().gke, googleDeps().projects)(ref),
    ).resolves.toEqual({
      endpoint: '10.0.0.2',
      caCertificate: 'Q0EtUEVN',
    });
    expect(gke.requests).toEqual([
      'GET /v1/projects/acme-chatbots/locations/asia-southeast1-b/clusters/llm-chatbots',
    ]);
  });

  it('refuses a cluster the credentials cannot see, or one still being created', async () => {
    const resolve = clusterResolver(googleDeps().gke, googleDeps().projects);
    await expect(resolve(ref)).rejects.toThrow(
      /does not exist, or the portal's Google credentials may not see it/,
    );
    gke.addCluster(ref.project, ref.location, ref.cluster, {
      status: protos.google.container.v1.Cluster.Status.PROVISIONING,
    });
    await expect(resolve(ref)).rejects.toThrow(
      /is PROVISIONING, with no endpoint/,
    );
  });

  it('refuses a project the portal does not deploy to before asking GKE', async () => {
    gke.addCluster('attacker-owned-1', ref.location, ref.cluster, {
      endpoint: '198.51.100.7',
    });
    const resolve = clusterResolver(googleDeps().gke, googleDeps().projects);
    await expect(
      resolve({ ...ref, project: 'attacker-owned-1' }),
    ).rejects.toThrow(
      'GCP project attacker-owned-1 is not one the portal deploys to (acme-chatbots); an administrator can add it to llmChatbot.scaffolder.google.projects',
    );
    const none = clusterResolver(googleDeps().gke, new AllowedProjects([]));
    await expect(none(ref)).rejects.toThrow(
      /no GCP project is open to the template yet: an administrator lists them in llmChatbot\.scaffolder\.google\.projects/,
    );
    expect(gke.requests).toEqual([]);
  });
});
