import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useApi } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import { llmChatbotApiRef } from '../api';

/** The entity's documents: `{ value, loading, error, retry }`. */
export function useDocuments(entity: CompoundEntityRef) {
  const api = useApi(llmChatbotApiRef);
  const key = `${entity.kind}:${entity.namespace}/${entity.name}`;
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useAsyncRetry(() => api.listDocuments(entity), [api, key]);
}
