import { randomUUID } from 'node:crypto';
import { http, HttpResponse, delay } from 'msw';

/** A fake of services/chatbot's /v1 API in the shapes its openapi.yaml defines. */
export const CHATBOT_URL = 'http://chatbot.test';
export const CHATBOT_TOKEN = 'test-token-0123456789';
export const JENKINS_URL = 'http://jenkins.test';

const error = (
  status: number,
  name: string,
  message: string,
  headers?: Record<string, string>,
) =>
  HttpResponse.json(
    {
      error: { name, message },
      request: { method: 'GET', url: '/' },
      response: { statusCode: status },
      requestId: 'req-1',
    },
    { status, headers },
  );

const frame = (event: string, data: unknown) =>
  new TextEncoder().encode(
    `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`,
  );

export interface ChatScript {
  (args: {
    request: Request;
    body: { message: string; conversationId?: string };
    controller: ReadableStreamDefaultController<Uint8Array>;
    frame: typeof frame;
  }): Promise<void>;
}

/** A normal answer: start, sources, three tokens, done. */
export const answerScript: ChatScript = async ({ body, controller }) => {
  const conversationId = body.conversationId ?? randomUUID();
  controller.enqueue(
    frame('start', { conversationId, standaloneQuestion: body.message }),
  );
  controller.enqueue(
    frame('sources', {
      sources: [
        {
          documentId: randomUUID(),
          filename: 'manual.pdf',
          page: 3,
          snippet: 'Hold reset for ten seconds.',
          score: 0.8,
        },
      ],
    }),
  );
  for (const text of ['Hold ', 'reset ', 'ten seconds.'])
    controller.enqueue(frame('token', { text }));
  controller.enqueue(
    frame('done', {
      conversationId,
      answered: true,
      usage: { promptTokens: 10, completionTokens: 3 },
      timings: { retrievalMs: 1, firstTokenMs: 2, totalMs: 3 },
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    }),
  );
  controller.close();
};

/** A one-token answer, its done event changed by `done` (truncated: true…). */
export const answerWith =
  (text: string, done: Record<string, unknown> = {}): ChatScript =>
  async ({ controller }) => {
    controller.enqueue(
      frame('start', { conversationId: 'c1', standaloneQuestion: 'q' }),
    );
    controller.enqueue(frame('token', { text }));
    controller.enqueue(
      frame('done', {
        conversationId: 'c1',
        answered: true,
        usage: { promptTokens: 1, completionTokens: 2 },
        timings: { retrievalMs: 1, firstTokenMs: 2, totalMs: 3 },
        ...done,
      }),
    );
    controller.close();
  };

export class FakeChatbotService {
  collections = new Set<string>();
  documents = new Map<
    string,
    { id: string; filename: string; bytes: number }[]
  >();
  chatRequests: { message: string; conversationId?: string }[] = [];
  uploads: { contentType: string; files: string[] }[] = [];
  chatScript: ChatScript = answerScript;
  upstreamAborted = false;

  reset() {
    this.collections.clear();
    this.documents.clear();
    this.chatRequests = [];
    this.uploads = [];
    this.chatScript = answerScript;
    this.upstreamAborted = false;
  }

  handlers() {
    const base = `${CHATBOT_URL}/v1/collections/:collection`;
    const authorized = (request: Request) =>
      request.headers.get('authorization') === `Bearer ${CHATBOT_TOKEN}`;
    const guard = (request: Request, collection: string) => {
      if (!authorized(request))
        return error(401, 'Unauthorized', 'invalid bearer token');
      if (!this.collections.has(collection)) {
        return error(404, 'NotFound', `collection ${collection} not found`);
      }
      return undefined;
    };
    return [
      http.put(base, ({ request, params }) => {
        if (!authorized(request))
          return error(401, 'Unauthorized', 'invalid bearer token');
        const collection = params.collection as string;
        const created = !this.collections.has(collection);
        this.collections.add(collection);
        return HttpResponse.json(
          { id: collection },
          { status: created ? 201 : 200 },
        );
      }),
      http.get(`${base}/documents`, ({ request, params }) => {
        const refused = guard(request, params.collection as string);
        if (refused) return refused;
        const documents = (
          this.documents.get(params.collection as string) ?? []
        ).map(d => ({
          ...d,
          pages: 1,
          chunks: 1,
          createdAt: new Date().toISOString(),
        }));
        return HttpResponse.json({ documents });
      }),
      http.post(`${base}/documents`, async ({ request, params }) => {
        const collection = params.collection as string;
        const refused = guard(request, collection);
        if (refused) return refused;
        const form = await request.formData();
        const files = form.getAll('files') as File[];
        if (files.length === 0)
          return error(400, 'BadRequest', 'no files: send one or more PDFs');
        this.uploads.push({
          contentType: request.headers.get('content-type') ?? '',
          files: files.map(f => f.name),
        });
        const jobs = [];
        for (const file of files) {
          const head = Buffer.from(await file.arrayBuffer())
            .subarray(0, 5)
            .toString();
          if (head !== '%PDF-') {
            return error(
              415,
              'UnsupportedMediaType',
              `${file.name} is not a PDF: its content does not start with %PDF-`,
            );
          }
          const doc = {
            id: randomUUID(),
            filename: file.name,
            bytes: file.size,
          };
          this.documents.set(collection, [
            ...(this.documents.get(collection) ?? []),
            doc,
          ]);
          jobs.push({
            id: randomUUID(),
            documentId: doc.id,
            filename: file.name,
            status: 'queued',
            href: `/v1/collections/${collection}/jobs/x`,
          });
        }
        return HttpResponse.json({ jobs }, { status: 202 });
      }),
      http.delete(`${base}/documents/:id`, ({ request, params }) => {
        const collection = params.collection as string;
        const refused = guard(request, collection);
        if (refused) return refused;
        const docs = this.documents.get(collection) ?? [];
        if (!docs.some(d => d.id === params.id)) {
          return error(
            404,
            'NotFound',
            `document ${params.id} not found in collection ${collection}`,
          );
        }
        this.documents.set(
          collection,
          docs.filter(d => d.id !== params.id),
        );
        return new HttpResponse(null, { status: 204 });
      }),
      http.post(`${base}/chat`, async ({ request, params }) => {
        const refused = guard(request, params.collection as string);
        if (refused) return refused;
        const body = (await request.json()) as {
          message: string;
          conversationId?: string;
        };
        this.chatRequests.push(body);
        request.signal.addEventListener('abort', () => {
          this.upstreamAborted = true;
        });
        const script = this.chatScript;
        const stream = new ReadableStream<Uint8Array>({
          cancel: () => {
            this.upstreamAborted = true;
          },
          start: controller => {
            script({ request, body, controller, frame }).catch(e => {
              try {
                controller.error(e);
              } catch {
                // already closed
              }
            });
          },
        });
        return new HttpResponse(stream, {
          headers: {
            'content-type': 'text/event-stream',
            'cache-control': 'no-cache',
          },
        });
      }),
    ];
  }
}

/** A fake Jenkins: crumbs tied to a session cookie, folder jobs, a queue that yields build 7. */
export class FakeJenkins {
  builds: { job: string; crumb: string | null; cookie: string | null }[] = [];
  polls = 0;

  reset() {
    this.builds = [];
    this.polls = 0;
  }

  handlers() {
    const authorized = (request: Request) =>
      request.headers.get('authorization') ===
      `Basic ${Buffer.from('portal:jenkins-token').toString('base64')}`;
    return [
      http.get(`${JENKINS_URL}/crumbIssuer/api/json`, ({ request }) => {
        if (!authorized(request))
          return new HttpResponse('no', { status: 401 });
        return HttpResponse.json(
          {
            _class: 'hudson.security.csrf.DefaultCrumbIssuer',
            crumb: 'crumb-123',
            crumbRequestField: 'Jenkins-Crumb',
          },
          // Path=/crumbIssuer keeps msw's own cookie jar from sending the
          // session along by itself: the client must forward it.
          {
            headers: {
              'set-cookie':
                'JSESSIONID.abc=session-1; Path=/crumbIssuer; HttpOnly',
            },
          },
        );
      }),
      http.post(
        `${JENKINS_URL}/job/:folder/job/:job/build`,
        ({ request, params }) => {
          if (!authorized(request))
            return new HttpResponse('no', { status: 401 });
          const crumb = request.headers.get('jenkins-crumb');
          const cookie = request.headers.get('cookie');
          this.builds.push({
            job: `${params.folder}/${params.job}`,
            crumb,
            cookie,
          });
          // A crumb is only valid with the session it was issued on.
          if (crumb !== 'crumb-123' || cookie !== 'JSESSIONID.abc=session-1') {
            return new HttpResponse(
              'No valid crumb was included in the request',
              { status: 403 },
            );
          }
          if (params.job !== 'demo-chatbot')
            return new HttpResponse('Not Found', { status: 404 });
          // Jenkins names its own root URL, which may not be the one configured.
          return new HttpResponse(null, {
            status: 201,
            headers: {
              location: 'http://jenkins.internal:8080/queue/item/42/',
            },
          });
        },
      ),
      http.get(
        `${JENKINS_URL}/job/chatbots/job/demo-chatbot/api/json`,
        ({ request }) => {
          if (!authorized(request))
            return new HttpResponse('no', { status: 401 });
          return HttpResponse.json({
            builds: [
              {
                number: 6,
                result: 'SUCCESS',
                building: false,
                timestamp: 1764200000000,
                duration: 90000,
                url: `${JENKINS_URL}/job/chatbots/job/demo-chatbot/6/`,
              },
            ],
          });
        },
      ),
      http.get(`${JENKINS_URL}/queue/item/42/api/json`, async () => {
        this.polls++;
        await delay(5);
        return HttpResponse.json(
          this.polls < 2
            ? { id: 42, why: 'Waiting for next available executor' }
            : {
                id: 42,
                executable: {
                  number: 7,
                  url: `${JENKINS_URL}/job/chatbots/job/demo-chatbot/7/`,
                },
              },
        );
      }),
    ];
  }
}
