import { relatedWords } from './englishWords.js';
import { queryTerms } from './queryTerms.js';
import type { TermStatistics, WeightedTerm } from './LexicalIndex.js';

/** WordNet relatives searched in place of a word the collection lacks, at most... */
const RELATED_TERMS = 3;
/** ...found among its first this many relatives... */
const RELATED_TRIED = 12;
/** ...for this many such words at most: each costs a count per relative tried. */
const WORDS_EXPANDED = 6;

/**
 * A question's own word that the collection never uses but English knows is
 * most often a paraphrase ("typefaces" where the manual says "fonts"): its
 * WordNet synonyms, broader and narrower words that the collection does use
 * are searched as well, weighing half (as a follow-up's carried terms do).
 * Words it uses are left alone: expanding every word lost 0.02 hit@5 on the
 * real-manual eval; this gained 0.01 (follow-up hit@5 0.63 -> 0.75).
 * Returns the relatives and the statistics with their counts added.
 */
export async function relatedTerms(
  terms: WeightedTerm[],
  statistics: TermStatistics,
  count: (terms: string[]) => Promise<TermStatistics> | TermStatistics,
): Promise<{ terms: WeightedTerm[]; statistics: TermStatistics }> {
  const own = new Set(terms.map(t => t.term));
  const absent = terms
    .filter(t => t.weight === 2 && !statistics.frequencies.get(t.term))
    .slice(0, WORDS_EXPANDED);
  const relatives = absent.map(t =>
    relatedWords(t.term, RELATED_TRIED).flatMap(word => {
      const term = queryTerms(word);
      return term.length === 1 && !own.has(term[0]) ? term : [];
    }),
  );
  const tried = [...new Set(relatives.flat())];
  if (tried.length === 0) return { terms: [], statistics };
  const counts = await count(tried);
  const found = new Set(
    relatives.flatMap(words =>
      words.filter(w => counts.frequencies.get(w)).slice(0, RELATED_TERMS),
    ),
  );
  return {
    terms: [...found].map(term => ({ term, weight: 1 as const })),
    statistics: {
      chunks: statistics.chunks,
      frequencies: new Map([...statistics.frequencies, ...counts.frequencies]),
    },
  };
}
