import { Embeddings } from '@langchain/core/embeddings';
import { UpstreamError } from '../errors.js';
import type { Pinecone } from '@pinecone-database/pinecone';
import {
  callPinecone,
  pineconeClient,
  type PineconeCallOptions,
} from '../util/pinecone.js';

/** Pinecone's hosted models accept at most 96 inputs per embed request. */
export const PINECONE_EMBED_BATCH = 96;

/**
 * Pinecone's hosted inference (for example `multilingual-e5-large` or
 * `llama-text-embed-v2`) through the SDK's `inference.embed`, with passages
 * and queries embedded with their own input types as the models expect.
 */
export class PineconeInferenceEmbeddings extends Embeddings {
  private readonly client: Pinecone;
  private readonly calls: PineconeCallOptions;

  constructor(
    apiKey: string,
    private readonly model: string,
    {
      controllerHost,
      ...limits
    }: { retries: number; timeoutMs: number; controllerHost?: string },
  ) {
    super({});
    this.client = pineconeClient({ apiKey, controllerHost, ...limits });
    this.calls = { provider: 'pinecone-inference', ...limits };
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    const vectors: number[][] = [];
    for (let i = 0; i < texts.length; i += PINECONE_EMBED_BATCH) {
      vectors.push(
        ...(await this.embed(
          texts.slice(i, i + PINECONE_EMBED_BATCH),
          'passage',
        )),
      );
    }
    return vectors;
  }

  async embedQuery(text: string): Promise<number[]> {
    return (await this.embed([text], 'query'))[0];
  }

  private async embed(
    inputs: string[],
    inputType: 'passage' | 'query',
  ): Promise<number[][]> {
    const result = await callPinecone(
      'embed',
      () =>
        this.client.inference.embed({
          model: this.model,
          inputs,
          parameters: { inputType, truncate: 'END' },
        }),
      this.calls,
    );
    return result.data.map(d => {
      if (!('values' in d) || !d.values) {
        throw new UpstreamError(
          'pinecone-inference',
          `model ${this.model} returned no dense values`,
          false,
        );
      }
      return d.values;
    });
  }
}
