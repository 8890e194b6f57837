import { act, renderHook, waitFor } from '@testing-library/react';
import { useReloadable } from './useReloadable';

describe('useReloadable', () => {
  it('loads again on retry() during a load, and shows the latest answer even when an older one arrives last', async () => {
    const answers: ((value: string) => void)[] = [];
    const load = jest.fn(
      () => new Promise<string>(resolve => answers.push(resolve)),
    );
    const { result } = renderHook(() => useReloadable(load, []));
    await waitFor(() => expect(load).toHaveBeenCalledTimes(1));
    expect(result.current.loading).toBe(true);

    act(() => result.current.retry()); // while the first load is in flight
    await waitFor(() => expect(load).toHaveBeenCalledTimes(2));
    await act(async () => answers[1]('after the change'));
    await act(async () => answers[0]('from before the change'));
    expect(result.current.value).toBe('after the change');
    expect(result.current.loading).toBe(false);
  });

  it('keeps one retry function across renders', async () => {
    const { result, rerender } = renderHook(() =>
      useReloadable(async () => 1, []),
    );
    const first = result.current.retry;
    await waitFor(() => expect(result.current.value).toBe(1));
    rerender();
    expect(result.current.retry).toBe(first);
  });
});
