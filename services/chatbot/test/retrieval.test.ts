import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/store/database.js';
import { SqliteMetadataStore } from '../src/store/SqliteMetadataStore.js';
import { EmbeddedVectorStore } from '../src/vector/EmbeddedVectorStore.js';
import { SqliteDocumentCommit } from '../src/ingest/commit/SqliteDocumentCommit.js';
import { HashingEmbeddings } from '../src/embeddings/HashingEmbeddings.js';
import { SqliteLexicalIndex } from '../src/retrieval/SqliteLexicalIndex.js';
import { reciprocalRankFusion } from '../src/retrieval/fusion.js';
import { coverage, namedTerms } from '../src/retrieval/relevance.js';
import { Retriever, weightedTerms } from '../src/retrieval/Retriever.js';
import { isEnglishWord, relatedWords } from '../src/retrieval/englishWords.js';
import {
  favourDocuments,
  markedDocuments,
} from '../src/retrieval/documentFocus.js';
import {
  demoteNavigation,
  isNavigation,
} from '../src/retrieval/navigationPages.js';
import { tokenize } from '../src/util/tokenize.js';
import { documentTermChunks } from '../src/retrieval/sparse.js';
import { queryTerms } from '../src/retrieval/queryTerms.js';
import { relatedTerms } from '../src/retrieval/relatedTerms.js';
import type { SearchHit } from '../src/vector/VectorStore.js';

const PAGES = [
  'Installing the controller: mount it on a vertical wall with the four anchors supplied.',
  'Networking: the controller joins wireless networks in the 2.4 GHz band; its address is 192.168.50.1.',
  'Maintenance: replace the intake filter every six months and grease the bearing yearly.',
  'Troubleshooting: error E42 means the motor overheated. Let the motor cool down before restarting.',
  'Warranty: thirty-six months from purchase; frost damage is excluded.',
];

async function collection(pages = PAGES) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatbot-retrieval-'));
  const db = await openDatabase(dir);
  const metadata = new SqliteMetadataStore(db);
  const vectors = new EmbeddedVectorStore(db);
  const embeddings = new HashingEmbeddings();
  const commit = new SqliteDocumentCommit(db, metadata, vectors);
  await metadata.createCollection('c');
  await metadata.createCollection('other');
  const add = async (collectionId: string, id: string, texts: string[]) =>
    commit.commit(
      {
        id,
        collectionId,
        filename: `${id}.pdf`,
        pages: texts.length,
        chunks: texts.length,
        bytes: 1,
        sha256: id,
        createdAt: '',
      },
      await Promise.all(
        texts.map(async (text, i) => ({
          id: `${id}:${i}`,
          page: i + 1,
          text,
          vector: await embeddings.embedQuery(text),
        })),
      ),
      () => undefined,
    );
  await add('c', 'manual', pages);
  await add('other', 'elsewhere', [
    'The motor of another product overheated too, in another collection.',
  ]);
  const lexical = new SqliteLexicalIndex(db);
  return { db, metadata, vectors, embeddings, lexical, add, commit };
}

const hit = (chunkId: string, score = 1): SearchHit => ({
  chunkId,
  documentId: 'd',
  page: 1,
  text: chunkId,
  score,
});

describe('the lexical index (SQLite FTS5)', () => {
  test('ranks by BM25 with stemming, inside one collection only', async () => {
    const { lexical } = await collection();
    const hits = lexical.search(
      'c',
      weightedTerms(
        'why is my motor overheating',
        'why is my motor overheating',
      ),
      5,
    );
    assert.equal(hits[0].page, 4);
    assert.ok(hits[0].score > 0);
    assert.ok(hits.every(h => h.documentId === 'manual'));
  });

  test("finds a collection's matches even when another collection's crowd the index's best", async () => {
    const { lexical, add } = await collection();
    await add(
      'other',
      'crowd',
      Array.from({ length: 60 }, (_, i) => `motor motor motor overheated ${i}`),
    );
    const hits = lexical.search('c', [{ term: 'motor', weight: 2 }], 5);
    assert.deepEqual(
      hits.map(h => [h.documentId, h.page]),
      [['manual', 4]],
    );
  });

  test('follows a document out of the index when it is deleted, in the same transaction', async () => {
    const { lexical, vectors, metadata } = await collection();
    await metadata.deleteDocument('c', 'manual');
    await vectors.deleteDocument('c', 'manual');
    assert.deepEqual(
      lexical.search('c', [{ term: 'motor', weight: 2 }], 5),
      [],
    );
    // Only the other collection's chunk is left in the index.
    assert.deepEqual(lexical.termStatistics(['motor']), {
      chunks: 1,
      frequencies: new Map([['motor', 1]]),
    });
  });

  test('counts the chunks holding each term, stemmed as search does, over every collection', async () => {
    const { lexical } = await collection();
    const stats = lexical.termStatistics(['motor', 'months', 'unicorn']);
    assert.deepEqual(
      [...stats.frequencies],
      [
        ['motor', 2],
        ['months', 2],
        ['unicorn', 0],
      ],
    );
    assert.equal(stats.chunks, 6);
  });

  test("counts a match in a chunk's section titles above one in its text", async () => {
    const { lexical, commit, metadata } = await collection();
    await metadata.createCollection('sections');
    await commit.commit(
      {
        id: 'sectioned',
        collectionId: 'sections',
        filename: 'sectioned.pdf',
        pages: 2,
        chunks: 2,
        bytes: 1,
        sha256: 'sectioned',
        createdAt: new Date().toISOString(),
      },
      [
        {
          id: 's:1',
          page: 1,
          text: 'Warranty claims need the receipt. Frost damage is excluded.',
          section: 'Service',
          vector: [1, 0],
        },
        {
          id: 's:2',
          page: 2,
          text: 'Lift the lid and clean the tray with warm water.',
          section: 'Warranty › Cleaning the tray',
          vector: [1, 0],
        },
      ],
      () => undefined,
    );
    const hits = lexical.search('sections', weightedTerms('tray', 'tray'), 5);
    assert.deepEqual(
      hits.map(h => h.page),
      [2],
    );
    // "warranty" is in page 1's text and page 2's section: the section wins.
    const ranked = lexical.search(
      'sections',
      weightedTerms('warranty', 'warranty'),
      5,
    );
    assert.deepEqual(
      ranked.map(h => h.page),
      [2, 1],
    );
    assert.equal(ranked[0].section, 'Warranty › Cleaning the tray');
  });

  test('treats query syntax in terms as text', async () => {
    const { lexical } = await collection();
    assert.deepEqual(
      lexical.search('c', [{ term: 'motor" OR "warranty', weight: 2 }], 5),
      [],
    );
  });
});

describe('question terms', () => {
  test('leave out question words and what is left of contractions', () => {
    assert.deepEqual(
      queryTerms(
        "How do I set it when the variable hasn't been set? I've tried.",
      ),
      ['set', 'variable', 'set', 'tried'],
    );
  });
});

describe('fusion and relevance', () => {
  test('reciprocal rank fusion favours what both lists rank high', () => {
    const fused = reciprocalRankFusion(
      [
        { hits: [hit('a'), hit('b'), hit('c')], weight: 1 },
        { hits: [hit('b'), hit('d'), hit('c')], weight: 1 },
      ],
      3,
    );
    assert.deepEqual(
      fused.map(h => h.chunkId),
      ['b', 'c', 'a'],
    );
  });

  test('a follow-up carries the earlier terms at half the weight of its own', () => {
    assert.deepEqual(
      weightedTerms(
        'Can I change it?',
        'Can I change it? (about: wifi, password)',
      ),
      [
        { term: 'change', weight: 2 },
        { term: 'wifi', weight: 1 },
        { term: 'password', weight: 1 },
      ],
    );
  });

  test('coverage weighs rare terms most, carried terms half, and leaves out terms the collection never uses', () => {
    const df = {
      chunks: 100,
      frequencies: new Map([
        ['motor', 1],
        ['controller', 60],
        ['unicorn', 0],
      ]),
    };
    const passage = [{ ...hit('p'), text: 'The motor overheated.' }];
    const own = (term: string) => ({ term, weight: 2 as const });
    assert.equal(coverage([own('motor'), own('unicorn')], passage, df), 1);
    const rareCovered = coverage(
      [own('motor'), own('controller')],
      passage,
      df,
    );
    assert.ok(rareCovered > 0.8 && rareCovered < 1, String(rareCovered));
    const carried = coverage(
      [own('controller'), { term: 'motor', weight: 1 }],
      passage,
      df,
    );
    assert.ok(carried < rareCovered, String(carried));
    assert.equal(coverage([own('unicorn')], passage, df), 0);
  });
});

describe('English words (WordNet)', () => {
  test('knows inflected, irregular and British forms, not product names or jargon', () => {
    for (const word of [
      'running',
      'bigger',
      'wider',
      'optimiser',
      'colours',
      'centre',
      'stopped',
      'studies',
    ])
      assert.ok(isEnglishWord(word), word);
    // As they reach it: tokenize() drops a final s.
    for (const word of [
      'batteries',
      'switches',
      'boxes',
      'classes',
      'queries',
      'directories',
      'addresses',
      'processes',
    ])
      assert.ok(isEnglishWord(tokenize(word)[0]), word);
    // Irregular forms, from WordNet's exception lists.
    for (const word of ['ran', 'went', 'taught', 'children', 'better', 'mice'])
      assert.ok(isEnglishWord(word), word);
    for (const word of ['conda', 'jupyter', 'tooltip', 'kubectl', 'nvidia'])
      assert.ok(!isEnglishWord(word), word);
  });

  test('relates a word to its synonyms, broader and narrower words, closest first', () => {
    const typeface = relatedWords(tokenize('typefaces')[0]);
    assert.equal(typeface[0], 'font');
    assert.ok(typeface.includes('italic'), typeface.join());
    assert.ok(relatedWords('marker').includes('symbol'));
    assert.ok(relatedWords('bigger').includes('large'));
    assert.ok(!typeface.includes('typeface'));
    assert.deepEqual(relatedWords('kubectl'), []);
  });
});

describe('WordNet relatives of words the collection never uses', () => {
  /** A collection using these words, each in 5 of 100 chunks. */
  const collectionUsing = (...words: string[]) => {
    const frequencies = new Map(words.map(w => [w, 5]));
    const counted: string[][] = [];
    return {
      statistics: (terms: string[]) => {
        counted.push(terms);
        return {
          chunks: 100,
          frequencies: new Map(
            terms.filter(t => frequencies.has(t)).map(t => [t, 5]),
          ),
        };
      },
      counted,
    };
  };

  test("are searched at half weight for the question's own absent words only", async () => {
    const c = collectionUsing('menu', 'font', 'face', 'type', 'bold');
    const terms = [
      { term: 'typeface', weight: 2 as const },
      { term: 'menu', weight: 2 as const },
      { term: 'marker', weight: 1 as const }, // carried from an earlier turn
    ];
    const related = await relatedTerms(
      terms,
      c.statistics(terms.map(t => t.term)),
      c.statistics,
    );
    // The first three relatives the collection uses; menu is used, so kept as is.
    assert.deepEqual(related.terms, [
      { term: 'font', weight: 1 },
      { term: 'face', weight: 1 },
      { term: 'type', weight: 1 },
    ]);
    assert.equal(related.statistics.frequencies.get('font'), 5);
    assert.equal(related.statistics.frequencies.get('menu'), 5);
    // Only typeface's relatives were counted: not menu's, not the carried marker's.
    const tried = c.counted[1];
    assert.ok(tried.includes('font'));
    for (const word of ['menu', 'marker'])
      assert.ok(!tried.includes(relatedWords(word)[0]), word);
  });

  test('are looked up for six absent words at most, twelve relatives each', async () => {
    const c = collectionUsing();
    const absent = [
      'typeface',
      'marker',
      'bigger',
      'colleague',
      'warmth',
      'appliance',
      'bubble',
      'wire',
    ].map(term => ({ term, weight: 2 as const }));
    const related = await relatedTerms(
      absent,
      c.statistics(absent.map(t => t.term)),
      c.statistics,
    );
    assert.deepEqual(related.terms, []);
    assert.equal(c.counted.length, 2);
    const tried = c.counted[1];
    assert.ok(tried.length <= 6 * 12, String(tried.length));
    assert.ok(tried.includes('heat')); // warmth, the fifth
    assert.ok(tried.includes('gadget')); // appliance, the sixth, is in
    assert.ok(!tried.includes('globule')); // bubble, the seventh, is not
  });
});

describe('documents a question points at', () => {
  /** Documents of 100 chunks, all counted unless told; [document, term, chunks]. */
  const counts = (
    rows: [string, string, number][],
    documents: { documentId: string; chunks?: number; counted?: boolean }[] = [
      { documentId: 'gri' },
      { documentId: 'r' },
    ],
  ) => ({
    documents: documents.map(d => ({ chunks: 100, counted: true, ...d })),
    terms: rows.map(([documentId, term, chunks]) => ({
      documentId,
      term,
      chunks,
    })),
  });

  test('are those holding a term on many of their chunks that the others hardly use', () => {
    // gri: on every page of its manual, nowhere else; plot: everywhere.
    const question = counts([
      ['gri', 'gri', 90],
      ['r', 'gri', 2],
      ['gri', 'plot', 60],
      ['r', 'plot', 40],
    ]);
    assert.deepEqual([...markedDocuments(question)], ['gri']);
    // Only that document uses it, but on too few of its chunks to be its name.
    assert.equal(markedDocuments(counts([['gri', 'contour', 20]])).size, 0);
    assert.equal(markedDocuments(counts([])).size, 0);
  });

  test('are judged by rates, so a long manual does not win over a short guide for using a word more in all', () => {
    const documents = [
      { documentId: 'manual', chunks: 1000 },
      { documentId: 'guide', chunks: 20 },
    ];
    // 400 of 1,000 chunks against 10 of 20: neither is the word's owner.
    assert.equal(
      markedDocuments(
        counts(
          [
            ['manual', 'printer', 400],
            ['guide', 'printer', 10],
          ],
          documents,
        ),
      ).size,
      0,
    );
    // The guide's name, in 15 of its 20 chunks and 3 of the manual's 1,000.
    assert.deepEqual(
      [
        ...markedDocuments(
          counts(
            [
              ['guide', 'lathe', 15],
              ['manual', 'lathe', 3],
            ],
            documents,
          ),
        ),
      ],
      ['guide'],
    );
  });

  test('are none while a document has no term counts (its use of the word is unknown), or the collection has one document', () => {
    const rows: [string, string, number][] = [['gri', 'gri', 90]];
    assert.equal(
      markedDocuments(
        counts(rows, [
          { documentId: 'gri' },
          { documentId: 'r', counted: false },
        ]),
      ).size,
      0,
    );
    assert.equal(
      markedDocuments(counts(rows, [{ documentId: 'gri' }])).size,
      0,
    );
  });

  test("are found from the terms in their chunks' text: section titles repeat a chapter's words on every page", async () => {
    const counts = await documentTermChunks([
      {
        text: 'The pump starts when the tank is full.',
        section: 'Terminal types',
      },
      { text: 'Wire the terminal block first.', section: 'Terminal types' },
      { text: 'Pumps: see above.' },
    ]);
    assert.deepEqual(counts.get('terminal'), { chunks: 2, textChunks: 1 });
    assert.deepEqual(counts.get('pump'), { chunks: 2, textChunks: 2 });
    assert.deepEqual(counts.get('type'), { chunks: 2, textChunks: 0 });
  });

  test('have their passages moved up, the others keep their order', () => {
    const hits = [
      { ...hit('a', 3), documentId: 'r' },
      { ...hit('b', 2.5), documentId: 'gri' },
      { ...hit('c', 2), documentId: 'r' },
      { ...hit('d', -0.2), documentId: 'gri' },
      { ...hit('e', -0.25), documentId: 'r' },
    ];
    assert.deepEqual(
      favourDocuments(hits, new Set(['gri'])).map(h => h.chunkId),
      ['b', 'a', 'c', 'd', 'e'],
    );
    assert.equal(favourDocuments(hits, new Set()), hits);
  });
});

describe('contents and index pages', () => {
  test('are told by their entries: dot leaders or lines ending in page numbers', () => {
    // As pdf.js gives them: Texinfo's contents and index, makeindex's index.
    assert.ok(
      isNavigation(
        '19 License . . . . . . . . . . . 243\nIndex, general . . . . . . . . 253\nIndex of commands . . . . . 267',
      ),
    );
    assert.ok(
      isNavigation(
        'convert grid to image command . . . . . . 79   deprecated commands. . . . . . 217\ndescent rpn operator . . . . . . 164',
      ),
    );
    assert.ok(
      isNavigation(
        '308 INDEX\nmp, 251, 263, 268\nmttics, 172\nmultiplot, 55, 89, 172',
      ),
    );
    // Not prose citing pages, code with dots, or CSV rows.
    assert.ok(
      !isNavigation(
        'See Section 9.3 [Set Page], page 126. Fonts are set on page 135, 136.',
      ),
    );
    assert.ok(
      !isNavigation(
        'if {rpn .1intercept. ..xright.. .1slope. * + ..ytop.. <}\ndraw line from ..xleft.. .1 to .2',
      ),
    );
    assert.ok(
      !isNavigation(
        'Boulix,Jojo,001\nGolin,André,002\nMoniuszko,Stanisław,003',
      ),
    );
  });

  test('keep half their score, so the pages they list come first', () => {
    const index = {
      ...hit('index', 4),
      text: 'font size . . . . . 135\nfonts . . . . . 31\nformat . . . . . 40',
    };
    const hits = [index, hit('p135', 3), hit('p31', 1.5), hit('dense', -0.1)];
    assert.deepEqual(
      demoteNavigation(hits).map(h => [h.chunkId, h.score]),
      [
        ['p135', 3],
        ['index', 2],
        ['p31', 1.5],
        ['dense', -0.1],
      ],
    );
  });
});

describe('names in a question', () => {
  test('are capitalised words inside the sentence, acronyms and letters with digits', () => {
    assert.deepEqual(
      namedTerms(
        'How do I run it in Docker with CUDA on an x86 box? Ask RStudio.',
      ),
      ['docker', 'cuda', 'x86', 'ask', 'rstudio'],
    );
    assert.deepEqual(namedTerms('Where is the filter?'), []);
  });
});

describe('the retriever', () => {
  const options = {
    topK: 3,
    minScore: 0.1,
    minCoverage: 0.4,
    denseWeight: 0.5,
  };
  /** A retriever over a fresh collection of PAGES. */
  /** A retriever over a collection, and the collection (to add documents to). */
  const retrieverAndCollection = async (mode: 'hybrid' | 'lexical') => {
    const c = await collection();
    const r = new Retriever(
      c.vectors,
      c.embeddings,
      c.lexical,
      { ...options, mode },
      c.metadata,
    );
    return { r, ...c };
  };
  const retriever = async (mode: 'hybrid' | 'lexical') =>
    (await retrieverAndCollection(mode)).r;

  test('hybrid finds the page for a question worded like the page', async () => {
    const r = await retriever('hybrid');
    const found = await r.retrieve(
      'c',
      'What does error E42 mean?',
      'What does error E42 mean?',
    );
    assert.equal(found.hits[0].page, 4);
    assert.equal(found.declined, undefined);
  });

  test('declines, citing nothing, when the question is about something the documents do not cover', async () => {
    const r = await retriever('hybrid');
    const found = await r.retrieve(
      'c',
      'How do I calibrate the ultrasonic flow meter?',
      'How do I calibrate the ultrasonic flow meter?',
    );
    assert.deepEqual(found.hits, []);
    assert.equal(found.declined, 'not-covered');
  });

  test('declines a question naming something the documents never mention', async () => {
    const r = await retriever('lexical');
    const found = await r.retrieve(
      'c',
      'Can the controller report its motor temperature to Grafana?',
      'Can the controller report its motor temperature to Grafana?',
    );
    assert.equal(found.declined, 'unknown-name');
    assert.deepEqual(found.hits, []);
  });

  test('declines a question turning on a specialist word the documents never use, not on a common word they lack', async () => {
    const r = await retriever('lexical');
    const ask = (q: string) => r.retrieve('c', q, q);
    const jargon = await ask(
      'How do I install the controller inside a conda environment?',
    );
    assert.equal(jargon.declined, 'unknown-term');
    assert.deepEqual(jargon.hits, []);
    // With a dense model the word may yet meet a paraphrase: not declined for it.
    const hybrid = await retriever('hybrid');
    const q = 'How do I install the controller inside a conda environment?';
    assert.notEqual(
      (await hybrid.retrieve('c', q, q)).declined,
      'unknown-term',
    );
    // "bigger" and "fastening" are English the page does not use: a paraphrase.
    const paraphrase = await ask(
      'Which bigger anchors are needed for fastening the controller on a wall?',
    );
    assert.equal(paraphrase.declined, undefined);
    assert.equal(paraphrase.hits[0].page, 1);
  });

  test('declines a question with no content words', async () => {
    const r = await retriever('lexical');
    assert.equal(
      (await r.retrieve('c', 'what is it?', 'what is it?')).declined,
      'no-terms',
    );
  });

  test('dense alone when the store has no lexical index', async () => {
    const { vectors, embeddings } = await collection();
    const r = new Retriever(vectors, embeddings, undefined, {
      ...options,
      mode: 'hybrid',
    });
    assert.equal(r.mode, 'dense');
    const found = await r.retrieve(
      'c',
      'intake filter replace',
      'intake filter replace',
    );
    assert.equal(found.hits[0].page, 3);
  });

  test('searches a word the documents never use through its WordNet relatives they do use', async () => {
    const { r, lexical, add } = await retrieverAndCollection('lexical');
    await add('c', 'display', [
      'Menu colours: the menu background and the menu border are dark or light.',
      'Menu text: the menu font is Courier or Helvetica.',
    ]);
    const question = 'Which typefaces can the menu show?';
    // "menu" alone ranks the colours page first (three menus to one).
    const menu = lexical.search('c', [{ term: 'menu', weight: 2 }], 2);
    assert.equal(menu[0].page, 1);
    const found = await r.retrieve('c', question, question);
    assert.deepEqual(
      [found.hits[0].documentId, found.hits[0].page],
      ['display', 2],
    );
  });

  test('favours the document a question names over a closer match in another', async () => {
    const { r, lexical, add } = await retrieverAndCollection('lexical');
    await add('c', 'pump', [
      'Pump: the pump starts when the tank is full.',
      'Pump care: replace the pump mesh filter yearly.',
      'Pump noise: a pump that rattles has air in it.',
    ]);
    const question = 'How do I replace the pump intake filter?';
    const terms = weightedTerms(question, question);
    // By BM25 alone the controller manual's filter page comes first.
    assert.equal(lexical.search('c', terms, 3)[0].documentId, 'manual');
    const found = await r.retrieve('c', question, question);
    assert.deepEqual(
      [found.hits[0].documentId, found.hits[0].page],
      ['pump', 2],
    );
  });

  test('cites the page an index points at before the index', async () => {
    const { r, lexical, add } = await retrieverAndCollection('lexical');
    await add('c', 'guide', [
      'Index: motor cooling . . . . . 2\nmotor overheating . . . . . 2\nmotor restart . . . . . 3',
      'If the motor is hot, let the motor cool for an hour.',
      'Restart it with the green button.',
    ]);
    const question =
      'What should I do when the motor overheats and needs cooling?';
    const terms = weightedTerms(question, question);
    // BM25 alone puts the index first: it holds every word.
    assert.deepEqual(
      lexical.search('c', terms, 1).map(h => [h.documentId, h.page]),
      [['guide', 1]],
    );
    const found = await r.retrieve('c', question, question);
    const pages = found.hits.map(h => `${h.documentId}:${h.page}`);
    assert.ok(
      pages.indexOf('guide:2') < pages.indexOf('guide:1'),
      pages.join(' '),
    );
  });

  test('a follow-up finds the page through the terms it carries', async () => {
    const r = await retriever('lexical');
    const found = await r.retrieve(
      'c',
      'How long does it last?',
      'How long does it last? (about: warranty)',
    );
    assert.equal(found.hits[0].page, 5);
  });
});
