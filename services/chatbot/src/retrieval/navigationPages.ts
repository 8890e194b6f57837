import type { SearchHit } from '../vector/VectorStore.js';
import { rescaled } from './fusion.js';

/**
 * Entries of a table of contents or a back-of-book index: a dot leader
 * ("Installing R . . . . . 12", Texinfo and LaTeX tables of contents and
 * Texinfo indexes) or a line ending in page numbers ("multiplot, 55, 89",
 * LaTeX's makeindex).
 */
const ENTRY = /(?:\. ?){4,}\d+\b|\D, \d+(?:, \d+)*[ \t]*$/gm;

/** A passage with this many entries lists pages rather than saying anything. */
const NAVIGATION_ENTRIES = 3;

/** How much a listing's score keeps: it can still be found, below the pages it points at. */
const DEMOTION = 0.5;

export function isNavigation(text: string): boolean {
  return (text.match(ENTRY)?.length ?? 0) >= NAVIGATION_ENTRIES;
}

/**
 * A contents or index page shares a question's words with every page it
 * lists, so BM25 ranks it high, but it answers nothing: its score is halved.
 */
export function demoteNavigation(hits: SearchHit[]): SearchHit[] {
  return rescaled(hits, hit => (isNavigation(hit.text) ? DEMOTION : 1));
}
