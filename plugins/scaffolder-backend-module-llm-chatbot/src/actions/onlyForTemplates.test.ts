import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { actionContext } from '../__testUtils__/actionContext';
import { DEFAULT_TEMPLATES, onlyForTemplates } from './onlyForTemplates';

describe('onlyForTemplates', () => {
  const ran: string[] = [];
  const action = onlyForTemplates(
    createTemplateAction({
      id: 'helm:release:upgrade',
      async handler(ctx) {
        ran.push(ctx.templateInfo?.entityRef ?? 'none');
      },
    }),
    DEFAULT_TEMPLATES,
  );
  beforeEach(() => {
    ran.length = 0;
  });

  it("runs for the portal's template", async () => {
    const { ctx } = actionContext({
      input: {},
      templateInfo: { entityRef: 'template:default/create-chatbot' },
    });
    await action.handler(ctx);
    expect(ran).toEqual(['template:default/create-chatbot']);
  });

  it('reads the configured refs without regard to case, as the catalog does', async () => {
    const { ctx } = actionContext({
      input: {},
      templateInfo: { entityRef: 'template:default/create-chatbot' },
    });
    await onlyForTemplates(action, ['Template:default/Create-Chatbot']).handler(
      ctx,
    );
    expect(ran).toEqual(['template:default/create-chatbot']);
  });

  it('refuses a template anyone registered, before the action does anything', async () => {
    const { ctx } = actionContext({
      input: {},
      templateInfo: { entityRef: 'template:default/my-own' },
    });
    await expect(action.handler(ctx)).rejects.toThrow(
      "helm:release:upgrade runs only from the portal's templates (template:default/create-chatbot), not from template:default/my-own; an administrator can list a template in llmChatbot.scaffolder.templates",
    );
    expect(ran).toEqual([]);
  });

  it('lets any template dry-run it: a dry run acts nowhere', async () => {
    const { ctx } = actionContext({ input: {}, isDryRun: true });
    await action.handler(ctx);
    expect(ran).toEqual(['none']);
  });
});
