import { Embeddings } from '@langchain/core/embeddings';
import { Pinecone } from '@pinecone-database/pinecone';
import { UpstreamError } from '../errors.js';
import { withRetry } from '../util/retry.js';

/** Pinecone's hosted models accept at most 96 inputs per embed request. */
export const PINECONE_EMBED_BATCH = 96;

const RETRYABLE = /\b(429|5\d\d|RESOURCE_EXHAUSTED|UNAVAILABLE|Internal|timed out)\b/i;

/**
 * Pinecone's hosted inference (for example `multilingual-e5-large` or
 * `llama-text-embed-v2`) through the SDK's `inference.embed`, with passages
 * and queries embedded with their own input types as the models expect.
 */
export class PineconeInferenceEmbeddings extends Embeddings {
  private readonly client: Pinecone;

  constructor(
    apiKey: string,
    private readonly model: string,
    private readonly retries: number,
  ) {
    super({});
    this.client = new Pinecone({ apiKey, maxRetries: 0 });
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    const vectors: number[][] = [];
    for (let i = 0; i < texts.length; i += PINECONE_EMBED_BATCH) {
      vectors.push(...(await this.embed(texts.slice(i, i + PINECONE_EMBED_BATCH), 'passage')));
    }
    return vectors;
  }

  async embedQuery(text: string): Promise<number[]> {
    return (await this.embed([text], 'query'))[0];
  }

  private async embed(inputs: string[], inputType: 'passage' | 'query'): Promise<number[][]> {
    try {
      const result = await withRetry(
        () => this.client.inference.embed({ model: this.model, inputs, parameters: { inputType, truncate: 'END' } }),
        { retries: this.retries, isRetryable: e => RETRYABLE.test(`${(e as Error)?.name} ${(e as Error)?.message}`) },
      );
      return result.data.map(d => {
        if (!('values' in d) || !d.values) throw new Error(`model ${this.model} returned no dense values`);
        return d.values;
      });
    } catch (error) {
      throw new UpstreamError('pinecone-inference', `embed failed: ${(error as Error).message}`, RETRYABLE.test(String(error)));
    }
  }
}
