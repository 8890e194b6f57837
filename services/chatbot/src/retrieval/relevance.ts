import { tokenize } from '../util/tokenize.js';
import type { SearchHit } from '../vector/VectorStore.js';
import { idf, searchableText } from './sparse.js';
import type { TermStatistics, WeightedTerm } from './LexicalIndex.js';

/** Words match across inflections when they share this many leading letters. */
const STEM = 5;
const stem = (term: string) => term.slice(0, STEM);

/**
 * How much of the question the best passage covers: the share of the IDF
 * mass of the question's terms that the collection uses (rare terms weigh
 * most; a follow-up's carried terms half) which occur in one of the top
 * passages. Terms the collection never uses are left out: they are as often
 * a paraphrase as a sign of an uncovered topic. 0 when no term is known: the
 * documents share nothing with the question.
 */
export function coverage(
  terms: WeightedTerm[],
  hits: SearchHit[],
  { chunks, frequencies }: TermStatistics,
  depth = 3,
): number {
  const known = terms.filter(t => (frequencies.get(t.term) ?? 0) > 0);
  if (known.length === 0 || chunks === 0) return 0;
  const weights = new Map(
    known.map(t => {
      const weight = idf(chunks, frequencies.get(t.term)!);
      return [t.term, (weight * t.weight) / 2];
    }),
  );
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  let best = 0;
  for (const hit of hits.slice(0, depth)) {
    const words = new Set(tokenize(searchableText(hit)).map(stem));
    let covered = 0;
    for (const [term, weight] of weights) {
      if (words.has(stem(term))) covered += weight;
    }
    best = Math.max(best, covered / total);
  }
  return best;
}

/**
 * Names in a question (a capital inside the sentence, an acronym, letters
 * mixed with digits: Docker, CUDA, RStudio, x86): the terms a question about
 * an uncovered product or tool turns on. Paraphrases change common words,
 * rarely names.
 */
export function namedTerms(message: string): string[] {
  const words =
    message.match(/[\p{L}\p{N}][\p{L}\p{N}+#.-]*[\p{L}\p{N}+#]|[\p{L}]/gu) ??
    [];
  return words
    .filter(
      (w, i) =>
        w.length > 1 &&
        ((i > 0 && /\p{Lu}/u.test(w)) ||
          /\p{Lu}.*\p{Lu}/u.test(w) ||
          (/\p{L}/u.test(w) && /\d/.test(w))),
    )
    .map(w => w.toLowerCase());
}
