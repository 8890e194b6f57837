import { ConfigReader } from '@backstage/config';
import { ConflictError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { JsonValue } from '@backstage/types';
import { actionContext } from '../../__testUtils__/actionContext';
import { createCatalogRegisterAction } from './createCatalogRegisterAction';

const component = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'support-bot', namespace: 'default' },
  spec: {
    type: 'service',
    lifecycle: 'experimental',
    owner: 'group:ml-platform',
  },
};
const integrations = ScmIntegrations.fromConfig(new ConfigReader({}));
const input = {
  repoContentsUrl: 'https://github.com/acme/support-bot/blob/main',
};

function catalogThatIsReadableAfter(notFoundTimes: number) {
  let calls = 0;
  const addLocation = jest.fn(async (location: { dryRun?: boolean }) => {
    if (location.dryRun && calls++ < notFoundTimes) {
      // What CatalogClient throws: a ResponseError whose message is only the
      // status line, the reader's 404 in its cause.
      throw Object.assign(new Error('Request failed with 400 Bad Request'), {
        name: 'ResponseError',
        cause: {
          name: 'InputError',
          message:
            'Unable to read url, NotFoundError: https://github.com/acme/support-bot/tree/main/catalog-info.yaml could not be read, 404 Not Found',
        },
      });
    }
    return {
      location: { id: '1', type: 'url', target: '' },
      entities: location.dryRun ? [component] : [],
    };
  });
  return {
    catalog: catalogServiceMock.mock({ addLocation } as any),
    addLocation,
  };
}

describe('llm-chatbot:catalog:register', () => {
  it('retries with back-off while the new repository answers 404, then registers it once', async () => {
    const { catalog, addLocation } = catalogThatIsReadableAfter(2);
    const { ctx, outputs, logs } = actionContext({ input });
    await createCatalogRegisterAction({
      catalog,
      integrations,
      baseDelayMs: 1,
    }).handler(ctx);
    const real = addLocation.mock.calls.filter(([l]) => !(l as any).dryRun);
    expect(real).toEqual([
      [
        {
          type: 'url',
          target:
            'https://github.com/acme/support-bot/tree/main/catalog-info.yaml',
        },
        expect.anything(),
      ],
    ]);
    expect(logs.filter(l => /not readable yet/.test(l))).toHaveLength(2);
    expect(outputs).toEqual({
      catalogInfoUrl:
        'https://github.com/acme/support-bot/tree/main/catalog-info.yaml',
      entityRef: 'component:default/support-bot',
    });
  });

  it('fails at once when the catalog refuses the file for another reason', async () => {
    const addLocation = jest.fn(async () => {
      throw Object.assign(new Error('Request failed with 400 Bad Request'), {
        name: 'ResponseError',
        cause: {
          name: 'InputError',
          message: 'Policy check failed for component:default/Support_Bot',
        },
      });
    });
    const { ctx } = actionContext({ input });
    await expect(
      createCatalogRegisterAction({
        catalog: catalogServiceMock.mock({ addLocation } as any),
        integrations,
        baseDelayMs: 1,
      }).handler(ctx),
    ).rejects.toThrow(
      /The catalog refused .*catalog-info.yaml: Policy check failed for component:default\/Support_Bot/,
    );
    expect(addLocation).toHaveBeenCalledTimes(1);
  });

  it('adopts a location an earlier run registered', async () => {
    const addLocation = jest.fn(async (location: { dryRun?: boolean }) => {
      if (!location.dryRun)
        throw new ConflictError('Location url:https://… already exists');
      return { location: { id: '1' }, entities: [component] };
    });
    const { ctx, outputs, logs } = actionContext({ input });
    await createCatalogRegisterAction({
      catalog: catalogServiceMock.mock({ addLocation } as any),
      integrations,
    }).handler(ctx);
    expect(outputs.entityRef).toBe('component:default/support-bot');
    expect(logs.join('\n')).toMatch(/already registered/);
  });

  it('gives up after the wait, saying the file was never readable', async () => {
    const { catalog } = catalogThatIsReadableAfter(Infinity);
    const { ctx } = actionContext({ input: { ...input, waitSeconds: 1 } });
    await expect(
      createCatalogRegisterAction({
        catalog,
        integrations,
        baseDelayMs: 100,
      }).handler(ctx),
    ).rejects.toThrow(
      /still not readable after 1 s: Unable to read url.*404 Not Found/,
    );
  });

  it('does not register twice when a retried task replays the step', async () => {
    const { catalog, addLocation } = catalogThatIsReadableAfter(0);
    const checkpoints = new Map<string, JsonValue>();
    for (let i = 0; i < 2; i++) {
      await createCatalogRegisterAction({ catalog, integrations }).handler(
        actionContext({ input, checkpoints }).ctx,
      );
    }
    expect(
      addLocation.mock.calls.filter(([l]) => !(l as any).dryRun),
    ).toHaveLength(1);
  });

  it('makes no call in a dry run', async () => {
    const { catalog, addLocation } = catalogThatIsReadableAfter(0);
    const { ctx } = actionContext({ input, isDryRun: true });
    await createCatalogRegisterAction({ catalog, integrations }).handler(ctx);
    expect(addLocation).not.toHaveBeenCalled();
  });
});
