import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { CheckedOpenAIEmbeddings } from '../src/embeddings/CheckedOpenAIEmbeddings.js';
import { EMBED_BASE } from './fakes/openai.js';

const server = setupServer();
before(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
after(() => server.close());

/** A vector that says which text it is for. */
const vectorOf = (text: string) => [text.length, text.charCodeAt(0), 1];

/** An embeddings server whose answer `shape` rearranges, after recording each request's inputs. */
function serve(
  shape: (data: { index: number; embedding: number[] }[]) => unknown[],
  requests: string[][] = [],
) {
  server.use(
    http.post(`${EMBED_BASE}/embeddings`, async ({ request }) => {
      const { input } = (await request.json()) as { input: string[] | string };
      const inputs = Array.isArray(input) ? input : [input];
      requests.push(inputs);
      const data = inputs.map((text, index) => ({
        object: 'embedding',
        index,
        embedding: vectorOf(text),
      }));
      return HttpResponse.json({ object: 'list', data: shape(data) });
    }),
  );
  return requests;
}

const embeddings = (batchSize = 64) =>
  new CheckedOpenAIEmbeddings({
    model: 'bge-small',
    apiKey: 'unused',
    batchSize,
    maxRetries: 0,
    configuration: { baseURL: EMBED_BASE },
  });

const texts = ['alpha', 'be', 'gamma ray', 'd'];

test('vectors answered out of order are put back by their index', async () => {
  serve(data => [...data].reverse());
  assert.deepEqual(
    await embeddings().embedDocuments(texts),
    texts.map(vectorOf),
  );
});

test('a server that numbers no vector answers in order, as before', async () => {
  serve(data =>
    data.map(({ embedding }) => ({ object: 'embedding', embedding })),
  );
  assert.deepEqual(
    await embeddings().embedDocuments(texts),
    texts.map(vectorOf),
  );
});

test('EMBEDDINGS_BATCH_SIZE caps the inputs of each request', async () => {
  const requests = serve(data => data);
  await embeddings(3).embedDocuments(texts);
  assert.deepEqual(requests, [['alpha', 'be', 'gamma ray'], ['d']]);
});

test('too few vectors, or one of another size, is an error naming the embeddings server', async () => {
  serve(data => data.slice(1));
  await assert.rejects(embeddings().embedDocuments(texts), {
    name: 'UpstreamError',
    message:
      'embeddings: the embeddings server returned 3 vectors (indexes 1, 2, 3) for 4 inputs',
  });
  serve(data => data.map((d, i) => (i < 3 ? d : { ...d, embedding: [1, 2] })));
  await assert.rejects(embeddings().embedDocuments(texts), {
    message:
      "embeddings: the embeddings server returned a vector of 2 dimensions where 3 were expected (EMBEDDINGS_DIMENSIONS, or the model's size)",
  });
});

test("the server's refusal is named, with the setting that usually fixes it", async () => {
  server.use(
    http.post(`${EMBED_BASE}/embeddings`, () =>
      HttpResponse.json(
        { error: { message: 'batch size 4 > maximum allowed batch size 2' } },
        { status: 413 },
      ),
    ),
  );
  await assert.rejects(embeddings().embedDocuments(texts), {
    name: 'UpstreamError',
    message:
      /^embeddings: the embeddings server answered 413: .*batch size 4 > maximum allowed batch size 2 \(if the server limits inputs per request, lower EMBEDDINGS_BATCH_SIZE\)$/,
  });
});
