import { tokenize } from '../util/tokenize.js';
import { fnv1a } from '../util/hash.js';
import { Embeddings } from '@langchain/core/embeddings';

/**
 * The offline default: feature-hashed unigrams and bigrams with sublinear
 * term weights, L2-normalised. It needs no model download, so it works on
 * air-gapped clusters and in CI, and it is deterministic. It matches words,
 * not meaning: configure an embeddings endpoint for semantic retrieval.
 */
export class HashingEmbeddings extends Embeddings {
  constructor(readonly dimensions = 256) {
    super({});
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map(t => this.embed(t));
  }

  async embedQuery(text: string): Promise<number[]> {
    return this.embed(text);
  }

  embed(text: string): number[] {
    const counts = new Map<string, number>();
    const tokens = tokenize(text);
    tokens.forEach((t, i) => {
      counts.set(t, (counts.get(t) ?? 0) + 1);
      if (i > 0)
        counts.set(
          `${tokens[i - 1]} ${t}`,
          (counts.get(`${tokens[i - 1]} ${t}`) ?? 0) + 0.5,
        );
    });
    const v = new Array<number>(this.dimensions).fill(0);
    for (const [feature, tf] of counts) {
      const h = fnv1a(feature);
      v[h % this.dimensions] += (h & 0x80000000 ? -1 : 1) * (1 + Math.log(tf));
    }
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
    return v.map(x => x / norm);
  }
}
