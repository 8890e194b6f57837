import type Database from 'better-sqlite3';
import type { SearchHit } from '../vector/VectorStore.js';
import type {
  LexicalIndex,
  TermStatistics,
  WeightedTerm,
} from './LexicalIndex.js';

/**
 * How much more a match in the section titles (the PDF outline's) counts
 * than one in the text: 8 moved hit@5 from 0.71 to 0.75 on the real-manual
 * eval (4: 0.72; 12 and 20: 0.74).
 */
const SECTION_WEIGHT = 8;

/** An FTS5 string literal: the term, quoted, so no query syntax gets through. */
const phrase = (term: string) => `"${term.replace(/"/g, '""')}"`;

/**
 * BM25 over the embedded store's chunks with SQLite FTS5 (migration 003):
 * Porter-stemmed, in the same file and transactions as the chunks. A term
 * weighing twice another is given twice, which FTS5's bm25() counts twice.
 */
export class SqliteLexicalIndex implements LexicalIndex {
  private readonly searchStatement: Database.Statement;
  private readonly rankStatement: Database.Statement;
  private readonly chunksByRowid: Database.Statement;
  private readonly countStatement: Database.Statement;
  private readonly chunksStatement: Database.Statement;

  constructor(db: Database.Database) {
    // Ranked in the index first, then the best rows read from the chunks:
    // joining every match before ranking costs a row lookup per match.
    this.rankStatement = db.prepare(
      `SELECT rowid, -bm25(chunks_fts, 1, ${SECTION_WEIGHT}) AS score FROM chunks_fts
       WHERE chunks_fts MATCH ? ORDER BY bm25(chunks_fts, 1, ${SECTION_WEIGHT}) LIMIT ?`,
    );
    this.chunksByRowid = db.prepare(
      `SELECT rowid, id AS chunkId, document_id AS documentId, page, text, section FROM chunks
       WHERE rowid IN (SELECT value FROM json_each(?)) AND collection_id = ?`,
    );
    this.searchStatement = db.prepare(
      `SELECT c.id AS chunkId, c.document_id AS documentId, c.page AS page, c.text AS text, c.section AS section,
              -bm25(chunks_fts, 1, ${SECTION_WEIGHT}) AS score
       FROM chunks_fts JOIN chunks c ON c.rowid = chunks_fts.rowid
       WHERE chunks_fts MATCH ? AND c.collection_id = ?
       ORDER BY bm25(chunks_fts, 1, ${SECTION_WEIGHT}) LIMIT ?`,
    );
    this.countStatement = db.prepare(
      'SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH ?',
    );
    // Chunks are written with their document's row: its count is theirs,
    // one row per document to add up instead of one per chunk.
    this.chunksStatement = db.prepare(
      'SELECT coalesce(sum(chunks), 0) AS n FROM documents',
    );
  }

  search(
    collectionId: string,
    terms: WeightedTerm[],
    topK: number,
  ): SearchHit[] {
    if (terms.length === 0) return [];
    // Only relative weights matter to the ranking: when every term weighs
    // the same (any question but a follow-up), each is given once, which
    // halves the postings FTS5 reads.
    const unit = Math.min(...terms.map(t => t.weight));
    const query = terms
      .flatMap(t => Array(t.weight / unit).fill(phrase(t.term)))
      .join(' OR ');
    // The best matches of every collection usually include this one's.
    // Only when that list was cut at its limit and other collections
    // crowded this one out is the search repeated within the collection.
    const limit = topK * 8;
    const ranked = this.rankStatement.all(query, limit) as {
      rowid: number;
      score: number;
    }[];
    const score = new Map(ranked.map(r => [r.rowid, r.score]));
    const rows = this.chunksByRowid.all(
      JSON.stringify(ranked.map(r => r.rowid)),
      collectionId,
    ) as (Omit<SearchHit, 'score'> & { rowid: number })[];
    if (rows.length < topK && ranked.length === limit) {
      return this.searchStatement.all(query, collectionId, topK) as SearchHit[];
    }
    return rows
      .map(({ rowid, ...row }) => ({ ...row, score: score.get(rowid)! }))
      .sort((a, b) => b.score - a.score)
      .slice(0, topK);
  }

  termStatistics(terms: string[]): TermStatistics {
    return {
      chunks: (this.chunksStatement.get() as { n: number }).n,
      frequencies: new Map(
        terms.map(term => [
          term,
          (this.countStatement.get(phrase(term)) as { n: number }).n,
        ]),
      ),
    };
  }
}
