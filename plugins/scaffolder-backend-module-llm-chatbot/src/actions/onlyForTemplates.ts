import { NotAllowedError } from '@backstage/errors';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';

const CONFIG_KEY = 'llmChatbot.scaffolder.templates';

/** The portal's own template, the one these actions are written for. */
export const DEFAULT_TEMPLATES = ['template:default/create-chatbot'];

/**
 * An action that acts with the portal's credentials (GKE, the clusters,
 * their Secrets, Jenkins), runnable only from the templates listed in
 * llmChatbot.scaffolder.templates. Anyone may register a Template entity;
 * without this, one's own template could install any chart or values on
 * a cluster with the portal's token. Dry runs do nothing there, so they run
 * from any template (the template editor).
 */
export function onlyForTemplates<A extends TemplateAction<any, any, any>>(
  action: A,
  allowed: readonly string[],
): A {
  // Entity refs compare without case, as the catalog keeps them.
  const listed = new Set(allowed.map(ref => ref.toLocaleLowerCase('en-US')));
  return {
    ...action,
    async handler(ctx) {
      const template = ctx.templateInfo?.entityRef;
      const known =
        template !== undefined &&
        listed.has(template.toLocaleLowerCase('en-US'));
      if (!ctx.isDryRun && !known) {
        throw new NotAllowedError(
          `${action.id} runs only from the portal's templates (${allowed.join(
            ', ',
          )}), not from ${
            template ?? 'a task without a template'
          }; an administrator can list a template in ${CONFIG_KEY}`,
        );
      }
      return action.handler(ctx);
    },
  };
}
