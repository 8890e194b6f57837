import type { Embeddings } from '@langchain/core/embeddings';
import { queryTerms } from './queryTerms.js';
import type { SearchHit, VectorStore } from '../vector/VectorStore.js';
import type {
  LexicalIndex,
  TermStatistics,
  WeightedTerm,
} from './LexicalIndex.js';
import { bestPerPage, reciprocalRankFusion } from './fusion.js';
import { coverage, namedTerms } from './relevance.js';
import { encodeQuery, type SparseValues } from './sparse.js';
import { isEnglishWord } from './englishWords.js';
import { relatedTerms } from './relatedTerms.js';
import { favourDocuments, markedDocuments } from './documentFocus.js';
import { demoteNavigation } from './navigationPages.js';
import type { MetadataStore } from '../store/MetadataStore.js';

/**
 * Term counts the metadata store keeps with each document: the collection's
 * document frequencies for a store with no text index (Pinecone), and which
 * documents a question points at (any store).
 */
export type TermCounts = Pick<
  MetadataStore,
  'termStatistics' | 'documentTermCounts'
>;

export type RetrievalMode = 'hybrid' | 'lexical' | 'dense';

export interface RetrieverOptions {
  mode: RetrievalMode;
  topK: number;
  /** Dense hits below this cosine are dropped (dense-only mode). */
  minScore: number;
  /** Decline when the best passages cover less of the question than this. */
  minCoverage: number;
  /** The dense list's weight in the fusion; the lexical list weighs 1. */
  denseWeight: number;
}

export interface Retrieval {
  hits: SearchHit[];
  /** Why nothing is returned, when nothing is. */
  declined?:
    | 'no-terms'
    | 'not-covered'
    | 'no-hits'
    | 'unknown-name'
    | 'unknown-term';
  coverage?: number;
}

/** How many candidates each list contributes before fusion. */
const CANDIDATES = 30;
/** How many of a question's terms may name the document it is about. */
const NAMING_TERMS = 32;

/**
 * Finds the passages for a question: BM25 over the collection's chunks
 * (when the store has a lexical index), the embeddings' nearest chunks, or
 * both fused by reciprocal rank, one passage per page. A store that ranks
 * sparse-dense itself (Pinecone) gets the question's BM25 weights, from the
 * collection's term counts, as the sparse half of its query. A follow-up's terms
 * carried from earlier turns count half as much as the new question's, as do
 * the WordNet relatives of words the collection never uses; the passages of
 * a document the question names count more. It
 * returns nothing, so the service declines and cites nothing, when the
 * question names something the documents never mention, or when the
 * passages found cover too little of what the question asks.
 */
export class Retriever {
  constructor(
    private readonly vectors: VectorStore,
    private readonly embeddings: Embeddings,
    private readonly lexical: LexicalIndex | undefined,
    private readonly options: RetrieverOptions,
    private readonly termCounts?: TermCounts,
  ) {}

  get mode(): RetrievalMode {
    if (this.lexical) return this.options.mode;
    // A store ranking sparse-dense itself: hybrid unless told dense only.
    return this.vectors.sparse &&
      this.termCounts &&
      this.options.mode !== 'dense'
      ? 'hybrid'
      : 'dense';
  }

  async retrieve(
    collectionId: string,
    message: string,
    standalone: string,
  ): Promise<Retrieval> {
    const terms = weightedTerms(message, standalone);
    if (this.mode === 'dense') return this.denseOnly(collectionId, standalone);
    if (terms.length === 0) return { hits: [], declined: 'no-terms' };
    // One count per distinct term, for the name check and the coverage check.
    const names = namedTerms(message).flatMap(n => queryTerms(n));
    const distinct = [...new Set([...terms.map(t => t.term), ...names])];
    const statistics = await this.termStatistics(collectionId, distinct);
    if (!this.lexical && statistics.chunks === 0) {
      // Documents stored before term counts were kept: dense, unchecked.
      return this.denseOnly(collectionId, standalone);
    }
    const unused = (term: string) => !statistics.frequencies.get(term);
    // A name the documents never mention: they are not about it.
    if (names.some(unused)) return { hits: [], declined: 'unknown-name' };
    // Nor are they about a specialist word they never use and English does
    // not know either (conda, tooltip, jupyter): a name in lower case. A
    // common word they lack is as often a paraphrase, so it does not count.
    // Lexical retrieval only: with a dense model a word WordNet lacks
    // ("username") may still meet its paraphrase ("user name").
    if (
      this.mode === 'lexical' &&
      terms.some(
        t =>
          t.weight === 2 &&
          /^\p{L}{3,}$/u.test(t.term) &&
          unused(t.term) &&
          !isEnglishWord(t.term),
      )
    ) {
      return { hits: [], declined: 'unknown-term' };
    }

    const hits = await this.ranked(
      collectionId,
      terms,
      distinct,
      statistics,
      standalone,
    );
    if (hits.length === 0) return { hits: [], declined: 'no-hits' };

    const score = coverage(terms, hits, statistics);
    if (score < this.options.minCoverage) {
      return { hits: [], declined: 'not-covered', coverage: score };
    }
    return { hits, coverage: score };
  }

  /**
   * The best passage of each of the best pages: the index's candidates for
   * the question's terms and the relatives of those the collection lacks,
   * with the documents the question names favoured.
   */
  private async ranked(
    collectionId: string,
    terms: WeightedTerm[],
    distinct: string[],
    statistics: TermStatistics,
    standalone: string,
  ): Promise<SearchHit[]> {
    const related = await relatedTerms(terms, statistics, words =>
      this.termStatistics(collectionId, words),
    );
    const searched = [...terms, ...related.terms];
    const candidates = this.lexical
      ? await this.fused(this.lexical, collectionId, searched, standalone)
      : await this.denseHits(
          collectionId,
          standalone,
          encodeQuery(searched, related.statistics),
        );
    // The question's first terms (its own come first): a row per document
    // and term is read, which a 4,000-character question should not scale.
    const marked = this.termCounts
      ? markedDocuments(
          await this.termCounts.documentTermCounts(
            collectionId,
            distinct.slice(0, NAMING_TERMS),
          ),
        )
      : new Set<string>();
    return bestPerPage(
      demoteNavigation(favourDocuments(candidates, marked)),
      this.options.topK,
    );
  }

  private async termStatistics(collectionId: string, terms: string[]) {
    return this.lexical
      ? this.lexical.termStatistics(terms)
      : this.termCounts!.termStatistics(collectionId, terms);
  }

  /** BM25 from the lexical index, fused with the dense list in hybrid mode. */
  private async fused(
    lexical: LexicalIndex,
    collectionId: string,
    terms: WeightedTerm[],
    standalone: string,
  ) {
    const lists = [
      { hits: lexical.search(collectionId, terms, CANDIDATES), weight: 1 },
    ];
    if (this.mode === 'hybrid') {
      lists.push({
        hits: await this.denseHits(collectionId, standalone),
        weight: this.options.denseWeight,
      });
    }
    return reciprocalRankFusion(lists, CANDIDATES);
  }

  private async denseOnly(
    collectionId: string,
    standalone: string,
  ): Promise<Retrieval> {
    const hits = (await this.denseHits(collectionId, standalone)).filter(
      h => h.score >= this.options.minScore,
    );
    return hits.length
      ? { hits: hits.slice(0, this.options.topK) }
      : { hits: [], declined: 'no-hits' };
  }

  private async denseHits(
    collectionId: string,
    question: string,
    sparse?: SparseValues,
  ) {
    const vector = await this.embeddings.embedQuery(question);
    return this.vectors.search(collectionId, vector, CANDIDATES, sparse);
  }
}

/**
 * The new message's terms weigh 2; terms the standalone question adds (what
 * a follow-up refers to, resolved from earlier turns) weigh 1.
 */
export function weightedTerms(
  message: string,
  standalone: string,
): WeightedTerm[] {
  const own = new Set(queryTerms(message));
  const carried = queryTerms(standalone).filter(t => !own.has(t));
  return [
    ...[...own].map(term => ({ term, weight: 2 as const })),
    ...[...new Set(carried)].map(term => ({ term, weight: 1 as const })),
  ];
}
