/**
 * FNV-1a, 32 bits: a term's dimension for the hashing embedder and the
 * sparse (BM25) vectors alike.
 */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
