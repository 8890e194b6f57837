import type { SearchHit } from '../vector/VectorStore.js';

/** A query term and how much it counts (a follow-up's carried terms count less). */
export interface WeightedTerm {
  term: string;
  weight: 1 | 2;
}

/** Ranked lexical matching over a collection's chunks. */
export interface LexicalIndex {
  /** Best chunks by BM25, highest score first; score is BM25 (positive). */
  search(
    collectionId: string,
    terms: WeightedTerm[],
    topK: number,
  ): SearchHit[];
  /** In how many of the collection's chunks each term occurs (same stemming as search). */
  chunkFrequencies(collectionId: string, terms: string[]): Map<string, number>;
  /** How many chunks the collection holds. */
  chunkCount(collectionId: string): number;
}
