import type { ServiceConfig } from '../config.js';
import type { ChatProvider } from './ChatProvider.js';
import { ExtractiveChat } from './ExtractiveChat.js';
import { OpenAICompatibleChat } from './OpenAICompatibleChat.js';

export function createChatProvider(config: ServiceConfig): ChatProvider {
  switch (config.LLM_PROVIDER) {
    case 'offline':
      return new ExtractiveChat();
    case 'openai':
      return new OpenAICompatibleChat({
        baseUrl: config.LLM_BASE_URL!,
        model: config.LLM_MODEL,
        apiKey: config.LLM_API_KEY,
        temperature: config.LLM_TEMPERATURE,
        maxTokens: config.LLM_MAX_TOKENS,
        streamUsage: config.LLM_STREAM_USAGE,
        timeoutMs: config.UPSTREAM_TIMEOUT_MS,
        retries: config.UPSTREAM_RETRIES,
      });
    default:
      throw new Error(
        `unknown LLM_PROVIDER ${config.LLM_PROVIDER satisfies never}`,
      );
  }
}
