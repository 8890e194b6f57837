import { createParser } from 'eventsource-parser';
import type {
  ChatbotChatEvent,
  ChatbotMessageStatus,
  ChatbotSource,
} from '@internal/plugin-llm-chatbot-common';
import type { SseWriter } from './SseWriter';

/** What one relayed answer produced, for the conversation's history. */
export interface RelayedAnswer {
  /** The service's conversation (from `start`), to continue it next time. */
  serviceConversationId?: string;
  answer: string;
  sources: ChatbotSource[];
  outcome: ChatbotMessageStatus;
  error?: string;
  traceId?: string;
}

/**
 * Passes the service's SSE events to the browser one by one as they arrive,
 * with the conversation id rewritten to the portal's. Ends with an `error`
 * event (never a hang) when the service breaks off, goes silent for
 * idleTimeoutMs, closes before `done`, or passes maxStreamMs (keep-alive
 * comments re-arm the idle clock, not this one) or maxAnswerChars.
 */
export async function relayChat(options: {
  upstream: Response;
  sse: SseWriter;
  conversationId: string;
  idleTimeoutMs: number;
  maxStreamMs: number;
  maxAnswerChars: number;
  /** Aborted when the browser went away: stop reading and report "stopped". */
  clientGone: AbortSignal;
  /** The upstream request's controller: aborted on silence, or when the browser went away. */
  upstreamAbort: AbortController;
}): Promise<RelayedAnswer> {
  const { upstream, sse, conversationId, clientGone, upstreamAbort } = options;
  const result: RelayedAnswer = { answer: '', sources: [], outcome: 'failed' };
  let finished = false;
  let idle: NodeJS.Timeout | undefined;
  const armIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(
      () =>
        upstreamAbort.abort(
          new Error(
            `the chatbot service sent nothing for ${options.idleTimeoutMs} ms`,
          ),
        ),
      options.idleTimeoutMs,
    );
  };

  const parser = createParser({
    // The service's `: keep-alive` comments prove it is alive while a slow model thinks.
    onComment: armIdle,
    onEvent(message) {
      armIdle();
      let data: any;
      try {
        data = JSON.parse(message.data);
      } catch {
        return; // not one of the contract's events
      }
      const event = { event: message.event, data } as ChatbotChatEvent;
      switch (event.event) {
        case 'start':
          result.serviceConversationId = event.data.conversationId;
          event.data.conversationId = conversationId;
          break;
        case 'sources':
          result.sources = event.data.sources;
          break;
        case 'token':
          if (
            result.answer.length + event.data.text.length >
            options.maxAnswerChars
          ) {
            upstreamAbort.abort(
              new Error(
                `the answer passed ${options.maxAnswerChars} characters (llmChatbot.maxAnswerChars)`,
              ),
            );
            return;
          }
          result.answer += event.data.text;
          break;
        case 'done':
          event.data.conversationId = conversationId;
          finished = true;
          result.outcome = event.data.truncated ? 'truncated' : 'complete';
          result.traceId = event.data.traceId;
          break;
        case 'error':
          finished = true;
          result.error = event.data.message;
          break;
        default:
          return;
      }
      sse.send(event.event, event.data);
    },
  });

  armIdle();
  const deadline = setTimeout(
    () =>
      upstreamAbort.abort(
        new Error(
          `the answer took longer than ${options.maxStreamMs} ms (llmChatbot.streamMaxMs)`,
        ),
      ),
    options.maxStreamMs,
  );
  const decoder = new TextDecoder();
  const reader = upstream.body!.getReader();
  // Cancelling the reader ends a pending read whatever the transport does
  // with the aborted request.
  const cancel = () =>
    void reader.cancel(upstreamAbort.signal.reason).catch(() => {});
  upstreamAbort.signal.addEventListener('abort', cancel, { once: true });
  try {
    while (!finished && !upstreamAbort.signal.aborted) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
    if (finished) return result;
    if (clientGone.aborted) {
      result.outcome = 'stopped';
    } else if (upstreamAbort.signal.aborted) {
      result.error = `the answer broke off: ${
        (upstreamAbort.signal.reason as Error).message
      }`;
      sse.send('error', { message: result.error });
    } else {
      result.error =
        'the chatbot service closed the stream before the answer was done';
      sse.send('error', { message: result.error });
    }
  } catch (error) {
    if (clientGone.aborted) {
      result.outcome = 'stopped';
    } else {
      const reason = upstreamAbort.signal.aborted
        ? upstreamAbort.signal.reason
        : (error as Error).cause ?? error;
      result.error = `the answer broke off: ${(reason as Error).message}`;
      sse.send('error', { message: result.error });
    }
  } finally {
    clearTimeout(idle);
    clearTimeout(deadline);
    upstreamAbort.signal.removeEventListener('abort', cancel);
    // After `done` too: the connection is not held for a body no one reads.
    void reader.cancel().catch(() => {});
  }
  return result;
}
