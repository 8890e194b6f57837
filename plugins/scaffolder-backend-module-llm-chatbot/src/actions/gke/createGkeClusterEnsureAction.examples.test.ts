import { setupServer } from 'msw/node';
import yaml from 'yaml';
import { actionContext } from '../../__testUtils__/actionContext';
import { FakeGke, FakeIam } from '../../__testUtils__/fakeGke';
import { googleDeps } from '../../__testUtils__/google';
import { createGkeClusterEnsureAction } from './createGkeClusterEnsureAction';
import { examples } from './createGkeClusterEnsureAction.examples';

const gke = new FakeGke();
const iam = new FakeIam();
const server = setupServer(...gke.handlers(), ...iam.handlers());
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

describe('gke:cluster:ensure examples', () => {
  it('creates the cluster of the first example', async () => {
    const { input } = yaml.parse(examples[0].example).steps[0];
    const { ctx, outputs } = actionContext({ input });
    await createGkeClusterEnsureAction({ ...googleDeps(), pollMs: 1 }).handler(
      ctx,
    );
    expect(outputs).toMatchObject({ name: 'llm-chatbots', created: true });
  });

  it('adopts the shared cluster of the second example and adds its GPU pool', async () => {
    const { input } = yaml.parse(examples[1].example).steps[0];
    gke.addCluster(input.project, input.location, input.name);
    const { ctx, outputs } = actionContext({ input });
    await createGkeClusterEnsureAction({ ...googleDeps(), pollMs: 1 }).handler(
      ctx,
    );
    expect(outputs).toMatchObject({ name: 'shared', created: false });
    expect(gke.count('NODEPOOL')).toBe(1);
  });
});
