import type { SearchHit } from '../vector/VectorStore.js';

/** A query term and how much it counts (a follow-up's carried terms count less). */
export interface WeightedTerm {
  term: string;
  weight: 1 | 2;
}

export interface TermStatistics {
  chunks: number;
  frequencies: Map<string, number>;
}

/** Ranked lexical matching over a collection's chunks. */
export interface LexicalIndex {
  /** Best chunks by BM25, highest score first; score is BM25 (positive). */
  search(
    collectionId: string,
    terms: WeightedTerm[],
    topK: number,
  ): SearchHit[];
  /**
   * How many chunks hold each term (same stemming as search), out of how
   * many: over every collection, since it only weighs terms against each
   * other and a per-collection count would look up every match.
   */
  termStatistics(terms: string[]): TermStatistics;
}
