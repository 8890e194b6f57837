import { useCallback, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import { llmChatbotApiRef } from '../api';

/**
 * The entity's documents: `{ value, loading, error, retry }`. Not
 * react-use's useAsyncRetry: its retry() does nothing while a load is in
 * flight, and is a new function once it ends, so an upload that finished
 * while the first list was loading (or that held an older retry) left the
 * list without its document. Here every retry() fetches again, and only
 * the latest fetch's answer is shown.
 */
export function useDocuments(entity: CompoundEntityRef) {
  const api = useApi(llmChatbotApiRef);
  const key = `${entity.kind}:${entity.namespace}/${entity.name}`;
  const [version, setVersion] = useState(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const state = useAsync(() => api.listDocuments(entity), [api, key, version]);
  const retry = useCallback(() => setVersion(v => v + 1), []);
  return { ...state, retry };
}
