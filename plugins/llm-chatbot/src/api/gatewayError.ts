import { ResponseError } from '@backstage/errors';

/**
 * Backstage's ResponseError, whose message is what the gateway said (it
 * names the fix: "chatbot service "demo" could not be reached (ECONNREFUSED):
 * check llmChatbot.services.demo.baseUrl…") rather than the status line
 * ("Request failed with 502 Bad Gateway"), which every panel showed.
 */
export async function gatewayError(res: Response): Promise<ResponseError> {
  const error = await ResponseError.fromResponse(res);
  const said = error.body?.error?.message;
  if (said) error.message = said;
  return error;
}
