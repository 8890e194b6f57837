import { useCallback, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';

/**
 * `useAsync` with a `retry()` that always loads again: `{ value, loading,
 * error, retry }`. Not react-use's useAsyncRetry, whose retry() does nothing
 * while a load is in flight and is a new function once it ends: a change
 * made while the first list was loading (a document ingested, a
 * conversation created) was then never shown. Only the latest load's
 * answer is shown, so an older one arriving late changes nothing.
 */
export function useReloadable<T>(load: () => Promise<T>, deps: unknown[]) {
  const [version, setVersion] = useState(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const state = useAsync(load, [...deps, version]);
  const retry = useCallback(() => setVersion(v => v + 1), []);
  return { ...state, retry };
}
