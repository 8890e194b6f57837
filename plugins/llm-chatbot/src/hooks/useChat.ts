import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  ChatbotMessageStatus,
  ChatbotSource,
} from '@internal/plugin-llm-chatbot-common';
import { llmChatbotApiRef } from '../api';

/** One turn on screen: stored, or streaming now. */
export interface ChatTurn {
  key: string;
  role: 'user' | 'assistant';
  content: string;
  sources?: ChatbotSource[];
  status: 'streaming' | ChatbotMessageStatus;
  error?: string;
  traceId?: string;
}

/**
 * The turns of one conversation: its stored history, then questions asked
 * here, with the answer streaming into the last turn. stop() aborts the
 * request (the gateway cancels the model); retry() asks the last question again.
 */
export function useChat(
  entity: CompoundEntityRef,
  conversationId?: string,
  onAnswered?: () => void,
) {
  const api = useApi(llmChatbotApiRef);
  const [turns, setTurns] = useState<ChatTurn[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<Error>();
  const [streaming, setStreaming] = useState(false);
  const abort = useRef<AbortController>();
  const counter = useRef(0);
  const entityKey = `${entity.kind}:${entity.namespace}/${entity.name}`;

  useEffect(() => {
    // Leaving a conversation stops its answer; the stream stops writing here.
    abort.current?.abort();
    abort.current = undefined;
    setTurns([]);
    setError(undefined);
    if (!conversationId) return undefined;
    let cancelled = false;
    setLoading(true);
    api
      .getMessages(entity, conversationId)
      .then(messages => {
        if (cancelled) return;
        // Keep what was asked while the history loaded (a fast first question).
        setTurns(current => [
          ...messages.map(m => ({
            key: `stored-${m.seq}`,
            role: m.role,
            content: m.content,
            sources: m.sources,
            status: m.status,
            error: m.error,
            traceId: m.traceId,
          })),
          ...current,
        ]);
      })
      .catch(e => !cancelled && setError(e))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, entityKey, conversationId]);

  const updateLast = (patch: (turn: ChatTurn) => ChatTurn) =>
    setTurns(current =>
      current.length === 0
        ? current
        : [...current.slice(0, -1), patch(current[current.length - 1])],
    );

  const send = useCallback(
    async (message: string) => {
      if (!conversationId || streaming) return;
      const controller = new AbortController();
      abort.current = controller;
      const n = ++counter.current;
      setStreaming(true);
      setTurns(current => [
        ...current,
        {
          key: `asked-${n}`,
          role: 'user',
          content: message,
          status: 'complete',
        },
        {
          key: `answer-${n}`,
          role: 'assistant',
          content: '',
          status: 'streaming',
        },
      ]);
      try {
        // A stream from a conversation the user has left must not touch this one.
        const current = () => abort.current === controller;
        await api.chat(
          entity,
          { conversationId, message },
          event => {
            if (!current()) return;
            if (event.event === 'sources') {
              updateLast(t => ({ ...t, sources: event.data.sources }));
            } else if (event.event === 'token') {
              updateLast(t => ({ ...t, content: t.content + event.data.text }));
            } else if (event.event === 'done') {
              updateLast(t => ({
                ...t,
                status: event.data.truncated ? 'truncated' : 'complete',
                traceId: event.data.traceId,
              }));
            } else if (event.event === 'error') {
              updateLast(t => ({
                ...t,
                status: 'failed',
                error: event.data.message,
              }));
            }
          },
          controller.signal,
        );
        if (!current()) return;
        updateLast(t =>
          t.status === 'streaming'
            ? { ...t, status: 'failed', error: 'the answer ended early' }
            : t,
        );
      } catch (e) {
        if (abort.current !== controller) return;
        const stopped = controller.signal.aborted;
        updateLast(t => ({
          ...t,
          status: stopped ? 'stopped' : 'failed',
          error: stopped ? undefined : (e as Error).message,
        }));
      } finally {
        setStreaming(false);
        onAnswered?.();
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, entityKey, conversationId, streaming, onAnswered],
  );

  const stop = useCallback(() => abort.current?.abort(), []);

  const retry = useCallback(() => {
    const lastQuestion = [...turns].reverse().find(t => t.role === 'user');
    if (!lastQuestion || streaming) return;
    setTurns(current => current.slice(0, -2));
    void send(lastQuestion.content);
  }, [turns, streaming, send]);

  useEffect(() => () => abort.current?.abort(), []);

  return { turns, loading, error, streaming, send, stop, retry };
}
