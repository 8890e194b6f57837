import { ResponseError } from '@backstage/errors';
import { LlmChatbotClient } from './LlmChatbotClient';

const entity = { kind: 'component', namespace: 'default', name: 'demo' };

/** A client whose gateway answers every request with `response`. */
function clientAnswering(response: () => Response) {
  const requested: string[] = [];
  const client = new LlmChatbotClient({
    discoveryApi: {
      getBaseUrl: async () => 'http://portal.test/api/llm-chatbot',
    },
    fetchApi: {
      fetch: async (url: any) => {
        requested.push(String(url));
        return response();
      },
    },
    identityApi: {} as any,
  });
  return { client, requested };
}

describe('LlmChatbotClient', () => {
  it("fails with the gateway's own message, not the status line", async () => {
    const said =
      'chatbot service "demo" could not be reached (ECONNREFUSED): check llmChatbot.services.demo.baseUrl and that the service is up';
    const { client, requested } = clientAnswering(
      () =>
        new Response(
          JSON.stringify({
            error: { name: 'ServiceUnavailableError', message: said },
            request: { method: 'GET', url: '/x' },
            response: { statusCode: 502 },
          }),
          { status: 502, headers: { 'content-type': 'application/json' } },
        ),
    );
    const error = await client.listDocuments(entity).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.message).toBe(said);
    expect(error.response.status).toBe(502);
    expect(requested).toEqual([
      'http://portal.test/api/llm-chatbot/entities/component/default/demo/documents',
    ]);
    await expect(
      client.chat(
        entity,
        { conversationId: 'c', message: 'q' },
        () => undefined,
        new AbortController().signal,
      ),
    ).rejects.toThrow(said);
  });

  it('keeps the status line when a proxy answered with no error body', async () => {
    const { client } = clientAnswering(
      () => new Response('<html>Bad gateway</html>', { status: 502 }),
    );
    await expect(client.listDocuments(entity)).rejects.toThrow(/502/);
  });
});
