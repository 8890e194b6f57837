import type Database from 'better-sqlite3';
import type { SearchHit } from '../vector/VectorStore.js';
import type {
  LexicalIndex,
  TermStatistics,
  WeightedTerm,
} from './LexicalIndex.js';

/** An FTS5 string literal: the term, quoted, so no query syntax gets through. */
const phrase = (term: string) => `"${term.replace(/"/g, '""')}"`;

/**
 * BM25 over the embedded store's chunks with SQLite FTS5 (migration 003):
 * Porter-stemmed, in the same file and transactions as the chunks. A term of
 * weight 2 is given twice, which FTS5's bm25() counts twice.
 */
export class SqliteLexicalIndex implements LexicalIndex {
  private readonly searchStatement: Database.Statement;
  private readonly topStatement: Database.Statement;
  private readonly countStatement: Database.Statement;
  private readonly chunksStatement: Database.Statement;

  constructor(db: Database.Database) {
    // Ranked in the index first, then joined to the chunks: joining every
    // match before ranking costs a row lookup per match.
    this.topStatement = db.prepare(
      `SELECT c.id AS chunkId, c.document_id AS documentId, c.page AS page, c.text AS text, f.score AS score
       FROM (SELECT rowid, -bm25(chunks_fts) AS score FROM chunks_fts
             WHERE chunks_fts MATCH ? ORDER BY bm25(chunks_fts) LIMIT ?) f
       JOIN chunks c ON c.rowid = f.rowid
       WHERE c.collection_id = ?
       ORDER BY f.score DESC LIMIT ?`,
    );
    this.searchStatement = db.prepare(
      `SELECT c.id AS chunkId, c.document_id AS documentId, c.page AS page, c.text AS text,
              -bm25(chunks_fts) AS score
       FROM chunks_fts JOIN chunks c ON c.rowid = chunks_fts.rowid
       WHERE chunks_fts MATCH ? AND c.collection_id = ?
       ORDER BY bm25(chunks_fts) LIMIT ?`,
    );
    this.countStatement = db.prepare(
      'SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH ?',
    );
    this.chunksStatement = db.prepare('SELECT count(*) AS n FROM chunks');
  }

  search(
    collectionId: string,
    terms: WeightedTerm[],
    topK: number,
  ): SearchHit[] {
    if (terms.length === 0) return [];
    const query = terms
      .flatMap(t => Array(t.weight).fill(phrase(t.term)))
      .join(' OR ');
    // The best matches of every collection usually include this one's;
    // when other collections crowd it out, rank within it instead.
    const top = this.topStatement.all(
      query,
      topK * 8,
      collectionId,
      topK,
    ) as SearchHit[];
    return top.length === topK
      ? top
      : (this.searchStatement.all(query, collectionId, topK) as SearchHit[]);
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
