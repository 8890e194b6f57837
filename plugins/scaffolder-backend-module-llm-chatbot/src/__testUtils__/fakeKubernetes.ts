import { http, HttpResponse } from 'msw';

/** How the actions name the test cluster, and where the fake resolver says it is. */
export const CLUSTER = {
  project: 'acme-chatbots',
  location: 'asia-southeast1-b',
  cluster: 'llm-chatbots',
};
export const CONNECTION = {
  endpoint: '34.87.10.20',
  caCertificate: 'Q0EtUEVN',
};
/** A resolver that knows only the test cluster, recording what it was asked. */
export function fakeResolver(asked: unknown[] = []) {
  return async (ref: typeof CLUSTER) => {
    asked.push(ref);
    if (ref.cluster !== CLUSTER.cluster)
      throw new Error(`no cluster ${ref.cluster}`);
    return CONNECTION;
  };
}
const API = `https://${CONNECTION.endpoint}/api/v1`;

const status = (code: number, reason: string, message: string) =>
  HttpResponse.json(
    {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message,
      reason,
      code,
    },
    { status: code },
  );

/** The Kubernetes API's namespaces and Secrets, checking the bearer token. */
export class FakeKubernetes {
  readonly namespaces = new Set<string>(['default']);
  readonly secrets = new Map<string, Record<string, any>>();
  readonly requests: string[] = [];

  reset() {
    this.namespaces.clear();
    this.namespaces.add('default');
    this.secrets.clear();
    this.requests.length = 0;
  }

  handlers(token = 'test-access-token') {
    const denied = (request: Request) => {
      this.requests.push(`${request.method} ${new URL(request.url).pathname}`);
      return request.headers.get('authorization') === `Bearer ${token}`
        ? undefined
        : status(401, 'Unauthorized', 'Unauthorized');
    };
    return [
      http.post(`${API}/namespaces`, async ({ request }) => {
        const d = denied(request);
        if (d) return d;
        const body = (await request.json()) as { metadata: { name: string } };
        if (this.namespaces.has(body.metadata.name)) {
          return status(
            409,
            'AlreadyExists',
            `namespaces "${body.metadata.name}" already exists`,
          );
        }
        this.namespaces.add(body.metadata.name);
        return HttpResponse.json(
          { kind: 'Namespace', ...body },
          { status: 201 },
        );
      }),
      http.post(
        `${API}/namespaces/:ns/secrets`,
        async ({ request, params }) => {
          const d = denied(request);
          if (d) return d;
          const body = (await request.json()) as { metadata: { name: string } };
          const key = `${params.ns}/${body.metadata.name}`;
          if (!this.namespaces.has(String(params.ns))) {
            return status(
              404,
              'NotFound',
              `namespaces "${params.ns}" not found`,
            );
          }
          if (this.secrets.has(key)) {
            return status(
              409,
              'AlreadyExists',
              `secrets "${body.metadata.name}" already exists`,
            );
          }
          this.secrets.set(key, body);
          return HttpResponse.json(
            { kind: 'Secret', ...body },
            { status: 201 },
          );
        },
      ),
      http.put(
        `${API}/namespaces/:ns/secrets/:name`,
        async ({ request, params }) => {
          const d = denied(request);
          if (d) return d;
          const key = `${params.ns}/${params.name}`;
          if (!this.secrets.has(key))
            return status(
              404,
              'NotFound',
              `secrets "${params.name}" not found`,
            );
          const body = (await request.json()) as Record<string, any>;
          this.secrets.set(key, body);
          return HttpResponse.json({ kind: 'Secret', ...body });
        },
      ),
    ];
  }
}
