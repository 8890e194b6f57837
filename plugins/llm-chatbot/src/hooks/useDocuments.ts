import { useApi } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import { llmChatbotApiRef } from '../api';
import { useReloadable } from './useReloadable';

/** The entity's documents: `{ value, loading, error, retry }`. */
export function useDocuments(entity: CompoundEntityRef) {
  const api = useApi(llmChatbotApiRef);
  const key = `${entity.kind}:${entity.namespace}/${entity.name}`;
  return useReloadable(() => api.listDocuments(entity), [api, key]);
}
