/** Terms for lexical matching: the offline embedder hashes them and the extractive answer ranks sentences by them. */
const STOPWORDS = new Set(
  (
    'a an and are as at be but by for from has have how i if in into is it its of on or ' +
    'so such that the their then there these they this to was were what when where which ' +
    'who why will with you your do does did can could should would about'
  ).split(' '),
);

export function tokenize(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
    .filter(t => t.length > 1 && !STOPWORDS.has(t))
    .map(t =>
      t.length > 4 && t.endsWith('s') && !t.endsWith('ss') ? t.slice(0, -1) : t,
    );
}
