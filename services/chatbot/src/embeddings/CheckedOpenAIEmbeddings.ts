import { OpenAIEmbeddings } from '@langchain/openai';
import type OpenAI from 'openai';
import { UpstreamError } from '../errors.js';

/**
 * langchain's OpenAIEmbeddings, with the answer checked against the request.
 * langchain takes the vectors in array order and trusts their count, but
 * the API numbers each vector by `index` and servers may answer out of
 * order: a shuffled answer stored every chunk under another chunk's vector,
 * and a short one failed with "Cannot read properties of undefined". Here
 * they are put in index order, and a wrong count or dimension is an error
 * naming the embeddings server, as are its own errors.
 */
export class CheckedOpenAIEmbeddings extends OpenAIEmbeddings {
  protected override async embeddingWithRetry(
    request: OpenAI.EmbeddingCreateParams,
  ): Promise<OpenAI.CreateEmbeddingResponse> {
    const response = await super.embeddingWithRetry(request).catch(error => {
      throw new UpstreamError('embeddings', describe(error), false, {
        cause: error,
      });
    });
    const expected = Array.isArray(request.input) ? request.input.length : 1;
    const given = response.data ?? [];
    // Servers that number none of them answer in order; mixed is an error.
    const numbered = given.some(d => typeof d.index === 'number');
    const data = numbered
      ? [...given].sort((a, b) => a.index - b.index)
      : given.map((d, index) => ({ ...d, index }));
    if (data.length !== expected || data.some((d, i) => d.index !== i)) {
      throw new UpstreamError(
        'embeddings',
        `the embeddings server returned ${data.length} vectors (indexes ${data
          .map(d => d.index)
          .join(', ')
          .slice(0, 80)}) for ${expected} inputs`,
        true,
      );
    }
    const size = this.dimensions ?? data[0]?.embedding.length;
    const wrong = data.find(d => d.embedding.length !== size);
    if (wrong) {
      throw new UpstreamError(
        'embeddings',
        `the embeddings server returned a vector of ${wrong.embedding.length} dimensions where ${size} were expected (EMBEDDINGS_DIMENSIONS, or the model's size)`,
        false,
      );
    }
    return { ...response, data };
  }
}

/** The server's status and words, with a hint where the usual fix is ours. */
function describe(error: unknown): string {
  const e = error as { status?: number; message?: string };
  const hint =
    e.status === 400 || e.status === 413
      ? ' (if the server limits inputs per request, lower EMBEDDINGS_BATCH_SIZE)'
      : e.status === 404
      ? ' (check EMBEDDINGS_BASE_URL, which usually ends in /v1, and EMBEDDINGS_MODEL)'
      : '';
  return `${e.status ? `the embeddings server answered ${e.status}: ` : ''}${
    e.message ?? String(error)
  }${hint}`;
}
