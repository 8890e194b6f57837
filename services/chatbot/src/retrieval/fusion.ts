import type { SearchHit } from '../vector/VectorStore.js';

/** One ranked list and how much it counts in the fusion. */
export interface RankedList {
  hits: SearchHit[];
  weight: number;
}

/**
 * Reciprocal rank fusion (Cormack et al., 2009): each list adds
 * weight / (k + rank) for every chunk it ranks, so lists on different score
 * scales (BM25, cosine) combine without calibration. k = 60 as published.
 */
export function reciprocalRankFusion(
  lists: RankedList[],
  topK: number,
  k = 60,
): SearchHit[] {
  const fused = new Map<string, { hit: SearchHit; score: number }>();
  for (const { hits, weight } of lists) {
    hits.forEach((hit, rank) => {
      const entry = fused.get(hit.chunkId) ?? { hit, score: 0 };
      entry.score += weight / (k + rank + 1);
      fused.set(hit.chunkId, entry);
    });
  }
  return [...fused.values()]
    .sort((a, b) => b.score - a.score)
    .slice(0, topK)
    .map(({ hit, score }) => ({ ...hit, score }));
}

/**
 * One passage per page, the best: a citation list of five chunks from two
 * pages tells the reader less than five pages do.
 */
export function bestPerPage(hits: SearchHit[], topK: number): SearchHit[] {
  const seen = new Set<string>();
  const out: SearchHit[] = [];
  for (const hit of hits) {
    const key = `${hit.documentId}:${hit.page}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(hit);
    if (out.length === topK) break;
  }
  return out;
}

/**
 * The hits re-ranked with each score scaled by `factor(hit)`: above 1
 * favours, below 1 demotes. A negative score (a dense cosine) is divided
 * instead, so that a factor above 1 still moves it up.
 */
export function rescaled(
  hits: SearchHit[],
  factor: (hit: SearchHit) => number,
): SearchHit[] {
  return hits
    .map(hit => {
      const f = factor(hit);
      if (f === 1) return hit;
      return { ...hit, score: hit.score >= 0 ? hit.score * f : hit.score / f };
    })
    .sort((a, b) => b.score - a.score);
}
