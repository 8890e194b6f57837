import { setImmediate } from 'node:timers/promises';
import { tokenize } from '../util/tokenize.js';
import { fnv1a } from '../util/hash.js';
import type { TermStatistics, WeightedTerm } from './LexicalIndex.js';
import type { TermChunks } from '../store/MetadataStore.js';

/** A sparse vector as Pinecone takes it: uint32 indices, float values. */
export interface SparseValues {
  indices: number[];
  values: number[];
}

/** Pinecone accepts at most 1,000 non-zero values in a sparse vector. */
const MAX_SPARSE_VALUES = 1000;

// BM25's usual constants. The length norm uses a fixed typical chunk length:
// chunks are cut to one size, so their lengths vary little.
const K1 = 1.2;
const B = 0.75;
const TYPICAL_CHUNK_TERMS = 120;

/**
 * A term's dimension (Pinecone's indices are uint32). Two terms sharing one
 * is as rare as in any hashed vocabulary, and only blurs their weights.
 */
export const termIndex = fnv1a;

/** BM25's IDF of a term held by `df` of `chunks` chunks. */
export const idf = (chunks: number, df: number) =>
  Math.log(1 + (chunks - df + 0.5) / (df + 0.5));

/**
 * What a chunk is searched by: its section titles count as its words, as in
 * the FTS5 index's section column.
 */
export const searchableText = (c: { text: string; section?: string }) =>
  c.section ? `${c.section} ${c.text}` : c.text;

/** How often each term occurs in a text (the lexical index's terms). */
function termCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of tokenize(text)) {
    counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  return counts;
}

/**
 * A chunk's BM25 document side: each term's saturated, length-normalised
 * frequency. The IDF half lives in the query (encodeQuery), because it
 * changes as documents come and go while stored vectors do not.
 */
export function encodeChunk(text: string): SparseValues {
  const counts = termCounts(text);
  let length = 0;
  for (const n of counts.values()) length += n;
  const norm = K1 * (1 - B + (B * length) / TYPICAL_CHUNK_TERMS);
  // Divided by K1 + 1 (saturation's ceiling), each value is at most 1.
  return toSparse([...counts].map(([term, tf]) => [term, tf / (tf + norm)]));
}

/**
 * A question's BM25 query side: each term's IDF in the collection (from the
 * metadata store's counts), times its weight (a follow-up's carried terms
 * weigh half), scaled to unit length. Terms no chunk holds are left out:
 * they cannot match. With unit-length queries and document values of at
 * most 1, the sparse score is on the dense cosine's scale, so Pinecone's
 * alpha weighs the two halves as it says.
 */
export function encodeQuery(
  terms: WeightedTerm[],
  { chunks, frequencies }: TermStatistics,
): SparseValues | undefined {
  const weighted: [string, number][] = [];
  for (const { term, weight } of terms) {
    const df = frequencies.get(term) ?? 0;
    if (df === 0) continue;
    weighted.push([term, idf(chunks, df) * weight]);
  }
  if (weighted.length === 0) return undefined;
  const sparse = toSparse(weighted);
  const length = Math.hypot(...sparse.values);
  return { ...sparse, values: sparse.values.map(v => v / length) };
}

/** Merged by index, the largest MAX_SPARSE_VALUES kept, in index order. */
function toSparse(weighted: [string, number][]): SparseValues {
  const byIndex = new Map<number, number>();
  for (const [term, value] of weighted) {
    const index = termIndex(term);
    byIndex.set(index, (byIndex.get(index) ?? 0) + value);
  }
  const kept = [...byIndex]
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_SPARSE_VALUES)
    .sort((a, b) => a[0] - b[0]);
  return {
    indices: kept.map(([index]) => index),
    values: kept.map(([, value]) => value),
  };
}

/** Chunks counted between yields: a 300-page manual's ~800 take ~25 ms. */
const COUNTED_PER_TURN = 100;

/**
 * How many chunks of a document hold each term: its share of the
 * collection's counts. Counted in turns, so chats are not held up by a
 * large document's commit.
 */
export async function documentTermChunks(
  chunks: { text: string; section?: string }[],
): Promise<Map<string, TermChunks>> {
  const counts = new Map<string, TermChunks>();
  const count = (term: string) => {
    let c = counts.get(term);
    if (!c) counts.set(term, (c = { chunks: 0, textChunks: 0 }));
    return c;
  };
  for (let i = 0; i < chunks.length; i++) {
    if (i > 0 && i % COUNTED_PER_TURN === 0) await setImmediate();
    const inText = new Set(tokenize(chunks[i].text));
    for (const term of inText) count(term).textChunks++;
    for (const term of new Set([
      ...inText,
      ...tokenize(chunks[i].section ?? ''),
    ]))
      count(term).chunks++;
  }
  return counts;
}
