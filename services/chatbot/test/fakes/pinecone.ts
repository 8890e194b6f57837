import { delay, http, HttpResponse } from 'msw';

/**
 * Pinecone's data plane at the HTTP boundary, in the shapes its REST API
 * documents: POST /vectors/upsert {vectors, namespace}, POST /query
 * {vector, topK, namespace, includeMetadata}, POST /vectors/delete
 * {filter | ids | deleteAll, namespace}, POST /describe_index_stats.
 * Records live in memory per namespace; query scores by cosine similarity.
 */
const PINECONE_HOST = 'https://chatbot-index-abc123.svc.test.pinecone.io';

/** The service's settings for the fake index. */
export const PINECONE_ENV = {
  VECTOR_STORE: 'pinecone',
  PINECONE_API_KEY: 'pc-test-key',
  PINECONE_INDEX: 'chatbot-index',
  PINECONE_INDEX_HOST: PINECONE_HOST,
};

type Rec = { id: string; values: number[]; metadata?: Record<string, any> };

export class FakePinecone {
  namespaces = new Map<string, Map<string, Rec>>();
  calls: { path: string; body: any; at: number }[] = [];
  /** Statuses to answer with before behaving, per path: e.g. {'/vectors/upsert': [429, 503]}. */
  failures: Record<string, number[]> = {};
  /** Requests to leave unanswered, per path, before behaving (a stalled upstream). */
  stalls: Record<string, number> = {};
  /** How the fake hosted model embeds text (tests plug in the hashing embedder). */
  embed: (text: string) => number[] = () => [1, 0, 0, 0];

  handlers() {
    const route = (path: string, fn: (body: any) => object) =>
      http.post(`${PINECONE_HOST}${path}`, async ({ request }) => {
        const body = await request.json();
        this.calls.push({ path, body, at: performance.now() });
        if (this.stalls[path] && this.stalls[path]-- > 0)
          await delay('infinite');
        if (request.headers.get('api-key') !== 'pc-test-key') {
          return HttpResponse.json(
            { error: { code: 'UNAUTHENTICATED', message: 'Invalid API Key' } },
            { status: 401 },
          );
        }
        const status = this.failures[path]?.shift();
        if (status) {
          return HttpResponse.json(
            {
              error: {
                code: status === 429 ? 'RESOURCE_EXHAUSTED' : 'UNAVAILABLE',
                message: `fake ${status}`,
              },
            },
            { status },
          );
        }
        return HttpResponse.json(fn(body));
      });
    return [
      // Hosted inference: POST https://api.pinecone.io/embed
      http.post('https://api.pinecone.io/embed', async ({ request }) => {
        const body = (await request.json()) as any;
        this.calls.push({ path: '/embed', body, at: performance.now() });
        if (this.stalls['/embed'] && this.stalls['/embed']-- > 0)
          await delay('infinite');
        const status = this.failures['/embed']?.shift();
        if (status)
          return HttpResponse.json(
            {
              error: { code: 'RESOURCE_EXHAUSTED', message: `fake ${status}` },
            },
            { status },
          );
        return HttpResponse.json({
          model: body.model,
          vector_type: 'dense',
          data: body.inputs.map((i: { text: string }) => ({
            vector_type: 'dense',
            values: this.embed(i.text),
          })),
          usage: { total_tokens: body.inputs.length * 10 },
        });
      }),
      route('/vectors/upsert', body => {
        const ns = this.ns(body.namespace);
        for (const v of body.vectors) ns.set(v.id, v);
        return { upsertedCount: body.vectors.length };
      }),
      route('/query', body => {
        const ns = this.ns(body.namespace);
        const matches = [...ns.values()]
          .map(r => ({
            id: r.id,
            score: cosine(r.values, body.vector),
            values: [],
            metadata: body.includeMetadata ? r.metadata : undefined,
          }))
          .sort((a, b) => b.score - a.score)
          .slice(0, body.topK);
        return {
          matches,
          namespace: body.namespace ?? '',
          usage: { readUnits: 5 },
        };
      }),
      route('/vectors/delete', body => {
        const ns = this.ns(body.namespace);
        if (body.deleteAll) ns.clear();
        for (const id of body.ids ?? []) ns.delete(id);
        const docId = body.filter?.documentId?.$eq;
        if (docId)
          for (const [id, r] of ns)
            if (r.metadata?.documentId === docId) ns.delete(id);
        return {};
      }),
      route('/describe_index_stats', () => ({
        namespaces: Object.fromEntries(
          [...this.namespaces].map(([k, v]) => [k, { vectorCount: v.size }]),
        ),
        dimension: 64,
        indexFullness: 0,
        totalVectorCount: [...this.namespaces.values()].reduce(
          (n, m) => n + m.size,
          0,
        ),
      })),
    ];
  }

  ns(name = '') {
    if (!this.namespaces.has(name)) this.namespaces.set(name, new Map());
    return this.namespaces.get(name)!;
  }
}

function cosine(a: number[], b: number[]) {
  let dot = 0,
    na = 0,
    nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / (Math.sqrt(na * nb) || 1);
}
