import type { DocumentTermCount } from '../store/MetadataStore.js';
import type { SearchHit } from '../vector/VectorStore.js';

/** A term marks a document when this share of its chunks holds it... */
const MIN_SHARE_OF_DOCUMENT = 0.3;
/** ...and this share of the chunks holding it are that document's. */
const MIN_SHARE_OF_TERM = 0.9;
/**
 * How much more a passage of a marked document counts. On the real-manual
 * eval 1.5 took hit@5 from 0.75 to 0.78; 2 and 4 gave the same, 1.25 0.77.
 */
const BOOST = 1.5;

/**
 * The documents a question points at: those holding one of its terms on a
 * good share of their chunks' text (not their section titles, which repeat
 * a chapter's words, "Terminal types", over every page of it) that the
 * other documents hardly use. That is
 * a product's name ("gri", "AMC", on every page's running header) or its
 * own vocabulary ("answer sheet" is Auto Multiple Choice's). In a collection
 * of several manuals a question naming one is about that one, though a
 * paraphrase may match another's pages better.
 */
export function markedDocuments(counts: DocumentTermCount[]): Set<string> {
  const chunksOfTerm = new Map<string, number>();
  for (const c of counts) {
    chunksOfTerm.set(c.term, (chunksOfTerm.get(c.term) ?? 0) + c.chunks);
  }
  return new Set(
    counts
      .filter(
        c =>
          c.chunks >= MIN_SHARE_OF_DOCUMENT * c.documentChunks &&
          c.chunks >= MIN_SHARE_OF_TERM * chunksOfTerm.get(c.term)!,
      )
      .map(c => c.documentId),
  );
}

/** The candidates re-ranked with the marked documents' passages boosted. */
export function favourDocuments(
  hits: SearchHit[],
  documents: Set<string>,
): SearchHit[] {
  if (documents.size === 0) return hits;
  return hits
    .map(hit =>
      documents.has(hit.documentId)
        ? { ...hit, score: boosted(hit.score) }
        : hit,
    )
    .sort((a, b) => b.score - a.score);
}

// A negative score (a dense cosine) moves up by shrinking.
const boosted = (score: number) => (score >= 0 ? score * BOOST : score / BOOST);
