import { delay, http, HttpResponse } from 'msw';

/**
 * Pinecone's data plane at the HTTP boundary, in the shapes its REST API
 * documents: POST /vectors/upsert {vectors, namespace}, POST /query
 * {vector, topK, namespace, includeMetadata}, POST /vectors/delete
 * {filter | ids | deleteAll, namespace}, POST /describe_index_stats.
 * Records live in memory per namespace; query scores by cosine similarity,
 * or, on a `dotproduct` index, by dense plus sparse dot products. As the
 * docs say, only a dotproduct index takes sparse values, in records or
 * queries (400 otherwise); a sparse vector holds at most 1,000 uint32
 * indices, each with a value; an upsert request is at most 2 MB; and
 * deleting from a namespace that holds nothing answers 404.
 */
const PINECONE_HOST = 'https://chatbot-index-abc123.svc.test.pinecone.io';

/** The control plane, for a service given PINECONE_CONTROLLER_HOST and no index host. */
export const PINECONE_CONTROLLER = 'https://controller.pinecone.test';

/** The service's settings for the fake index. */
export const PINECONE_ENV = {
  VECTOR_STORE: 'pinecone',
  PINECONE_API_KEY: 'pc-test-key',
  PINECONE_INDEX: 'chatbot-index',
  PINECONE_INDEX_HOST: PINECONE_HOST,
};

type Sparse = { indices: number[]; values: number[] };
type Rec = {
  id: string;
  values: number[];
  sparseValues?: Sparse;
  metadata?: Record<string, any>;
};

/** Why Pinecone would refuse this sparse vector, if it would. */
function sparseProblem(sparse: Sparse | undefined): string | undefined {
  if (!sparse) return undefined;
  const { indices, values } = sparse;
  if (indices.length !== values.length)
    return 'Sparse vector indices and values must have the same length';
  if (indices.length > 1000)
    return 'Sparse vector size 1001 exceeds the maximum size of 1000';
  if (!indices.every(i => Number.isInteger(i) && i >= 0 && i <= 0xffffffff))
    return 'Sparse vector indices must be uint32';
  if (new Set(indices).size !== indices.length)
    return 'Sparse vector indices must be unique';
  return undefined;
}

export class FakePinecone {
  namespaces = new Map<string, Map<string, Rec>>();
  calls: { path: string; body: any; at: number }[] = [];
  /** Statuses to answer with before behaving, per path: e.g. {'/vectors/upsert': [429, 503]}. */
  failures: Record<string, number[]> = {};
  /** Requests to leave unanswered, per path, before behaving (a stalled upstream). */
  stalls: Record<string, number> = {};
  /** Paths of stalled requests the client cancelled (closed), in order. */
  cancelled: string[] = [];
  /** The index's metric: only dotproduct indexes take sparse queries. */
  metric: 'cosine' | 'dotproduct' = 'cosine';
  /** How the fake hosted model embeds text (tests plug in the hashing embedder). */
  embed: (text: string) => number[] = () => [1, 0, 0, 0];

  /** Never answers; notes when the client gives up on the request. */
  private async stall(path: string, request: Request): Promise<never> {
    request.signal.addEventListener('abort', () => this.cancelled.push(path));
    return delay('infinite') as Promise<never>;
  }

  handlers() {
    const route = (
      path: string,
      fn: (body: any, bytes: number) => object | Response,
    ) =>
      http.post(`${PINECONE_HOST}${path}`, async ({ request }) => {
        const raw = await request.text();
        const body = JSON.parse(raw);
        this.calls.push({ path, body, at: performance.now() });
        if (this.stalls[path] && this.stalls[path]-- > 0)
          await this.stall(path, request);
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
        const answer = fn(body, Buffer.byteLength(raw));
        return answer instanceof Response ? answer : HttpResponse.json(answer);
      });
    const invalid = (message: string) =>
      HttpResponse.json(
        { error: { code: 'INVALID_ARGUMENT', message }, status: 400 },
        { status: 400 },
      );
    return [
      // Control plane: GET /indexes/{name} (describe_index) names the host.
      http.get(`${PINECONE_CONTROLLER}/indexes/:name`, ({ params }) => {
        this.calls.push({
          path: `/indexes/${params.name}`,
          body: null,
          at: performance.now(),
        });
        return HttpResponse.json({
          name: params.name,
          dimension: 64,
          metric: this.metric,
          host: new URL(PINECONE_HOST).host,
          vector_type: 'dense',
          deletion_protection: 'disabled',
          spec: { serverless: { cloud: 'gcp', region: 'us-central1' } },
          status: { ready: true, state: 'Ready' },
        });
      }),
      // Hosted inference: POST https://api.pinecone.io/embed
      http.post('https://api.pinecone.io/embed', async ({ request }) => {
        const body = (await request.json()) as any;
        this.calls.push({ path: '/embed', body, at: performance.now() });
        if (this.stalls['/embed'] && this.stalls['/embed']-- > 0)
          await this.stall('/embed', request);
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
      route('/vectors/upsert', (body, bytes) => {
        if (bytes > 2 * 1024 * 1024)
          return invalid(
            `Request size ${(bytes / 1024 / 1024).toFixed(
              1,
            )}MB exceeds the maximum supported size of 2MB`,
          );
        if (
          this.metric !== 'dotproduct' &&
          body.vectors.some((v: Rec) => v.sparseValues)
        )
          return invalid('Index configuration does not support sparse values');
        for (const v of body.vectors) {
          const problem = sparseProblem(v.sparseValues);
          if (problem) return invalid(problem);
        }
        const ns = this.ns(body.namespace);
        for (const v of body.vectors) ns.set(v.id, v);
        return { upsertedCount: body.vectors.length };
      }),
      route('/query', body => {
        if (body.sparseVector && this.metric !== 'dotproduct')
          return invalid(
            'Cannot query index with sparse values. Index metric must be dotproduct.',
          );
        const problem = sparseProblem(body.sparseVector);
        if (problem) return invalid(problem);
        const ns = this.ns(body.namespace);
        const score = (r: Rec) =>
          this.metric === 'dotproduct'
            ? dot(r.values, body.vector) +
              sparseDot(r.sparseValues, body.sparseVector)
            : cosine(r.values, body.vector);
        const matches = [...ns.values()]
          .map(r => ({
            id: r.id,
            score: score(r),
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
        if (!this.namespaces.get(body.namespace ?? '')?.size)
          return HttpResponse.json(
            { code: 5, message: 'Namespace not found', details: [] },
            { status: 404 },
          );
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
  return dot(a, b) / (Math.sqrt(dot(a, a) * dot(b, b)) || 1);
}

function dot(a: number[], b: number[]) {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

function sparseDot(a: Sparse | undefined, b: Sparse | undefined) {
  if (!a || !b) return 0;
  const values = new Map(a.indices.map((index, i) => [index, a.values[i]]));
  return b.indices.reduce(
    (sum, index, i) => sum + (values.get(index) ?? 0) * b.values[i],
    0,
  );
}
