import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import yaml from 'yaml';
import { actionContext } from '../../__testUtils__/actionContext';
import { FakeHelm } from '../../__testUtils__/fakeHelm';
import { fakeResolver } from '../../__testUtils__/fakeKubernetes';
import { createHelmReleaseUpgradeAction } from './createHelmReleaseUpgradeAction';
import { examples } from './createHelmReleaseUpgradeAction.examples';

const helm = new FakeHelm();

describe('helm:release:upgrade examples', () => {
  it.each(examples.map((e, i) => [i, e.description]))(
    'example %i runs: %s',
    async index => {
      const ws = mkdtempSync(join(tmpdir(), 'helm-ex-'));
      cpSync(resolve(__dirname, '../../../../../helm'), join(ws, 'platform'), {
        recursive: true,
      });
      helm.reset();
      const { input } = yaml.parse(examples[index as number].example).steps[0];
      const { ctx, outputs } = actionContext({ input, workspacePath: ws });
      await createHelmReleaseUpgradeAction({
        accessToken: async () => 't',
        clusters: fakeResolver(),
        helmBinary: helm.binary,
      }).handler(ctx);
      expect(outputs.release).toBe(input.release);
      expect(helm.calls().map(c => c.argv[0])).toEqual(['history', 'upgrade']);
    },
  );
});
