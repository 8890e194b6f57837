import { useCallback } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import { llmChatbotApiRef } from '../api';
import { useReloadable } from './useReloadable';

/** The signed-in user's conversations with this entity, and what changes them. */
export function useConversations(entity: CompoundEntityRef) {
  const api = useApi(llmChatbotApiRef);
  const key = `${entity.kind}:${entity.namespace}/${entity.name}`;
  const state = useReloadable(() => api.listConversations(entity), [api, key]);
  const { retry } = state;

  const create = useCallback(
    async (title?: string) => {
      const conversation = await api.createConversation(entity, title);
      retry();
      return conversation;
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, key, retry],
  );
  const rename = useCallback(
    async (id: string, title: string) => {
      await api.renameConversation(entity, id, title);
      retry();
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, key, retry],
  );
  const remove = useCallback(
    async (id: string) => {
      await api.deleteConversation(entity, id);
      retry();
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, key, retry],
  );
  return { ...state, create, rename, remove, reload: retry };
}
