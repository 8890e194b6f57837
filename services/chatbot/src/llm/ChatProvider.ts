import type { ChatMessage } from '../store/MetadataStore.js';

export interface Passage {
  documentId: string;
  filename: string;
  page: number;
  text: string;
  score: number;
}

export interface AnswerRequest {
  question: string;
  passages: Passage[];
  history: ChatMessage[];
  signal: AbortSignal;
}

export type AnswerEvent =
  | { type: 'token'; text: string }
  | { type: 'usage'; promptTokens: number; completionTokens: number }
  /** The model stopped at its token limit (LLM_MAX_TOKENS): the answer is cut short. */
  | { type: 'truncated' };

/** Generates answers. Implementations must stop work when `signal` aborts. */
export interface ChatProvider {
  readonly name: string;
  /** Rewrites a follow-up into a question that stands alone for retrieval. */
  rewriteQuestion(
    history: ChatMessage[],
    question: string,
    signal: AbortSignal,
  ): Promise<string>;
  streamAnswer(request: AnswerRequest): AsyncIterable<AnswerEvent>;
  /** Throws when the provider cannot be reached; used by /readyz. */
  ping(): Promise<void>;
}

export const NO_ANSWER =
  "I couldn't find an answer to that in this collection's documents. Try rephrasing, or upload a document that covers it.";
