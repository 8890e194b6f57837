import type { Config } from '@backstage/config';

/** One chatbot service the portal may call. */
export interface ChatbotServiceConfig {
  name: string;
  baseUrl: string;
  token?: string;
  /** Entity refs allowed to use it (lower case); undefined: any. */
  entities?: Set<string>;
}

export interface LlmChatbotConfig {
  services: Map<string, ChatbotServiceConfig>;
  requestTimeoutMs: number;
  streamIdleTimeoutMs: number;
  streamMaxMs: number;
  maxAnswerChars: number;
  maxFileBytes: number;
  maxFiles: number;
  chatRateLimitPerMinute: number;
  pipelineQueueWaitMs: number;
}

/** Reads `llmChatbot` once, applying defaults; a malformed base URL fails start-up naming its key. */
export function readLlmChatbotConfig(config: Config): LlmChatbotConfig {
  const root = config.getOptionalConfig('llmChatbot');
  const services = new Map<string, ChatbotServiceConfig>();
  const servicesConfig = root?.getOptionalConfig('services');
  for (const name of servicesConfig?.keys() ?? []) {
    const entry = servicesConfig!.getConfig(name);
    const baseUrl = entry.getString('baseUrl');
    if (
      baseUrl.includes('{collection}') &&
      !/^https?:\/\/\{collection\}\.[^{}]+$/.test(baseUrl)
    ) {
      throw new Error(
        `llmChatbot.services.${name}.baseUrl may hold {collection} only as the first label of its host, e.g. https://{collection}.chat.example.com`,
      );
    }
    try {
      const url = new URL(baseUrl.replace('{collection}', 'collection'));
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new Error();
    } catch {
      throw new Error(
        `llmChatbot.services.${name}.baseUrl must be an http(s) URL, got "${baseUrl}"`,
      );
    }
    const entities = entry.getOptionalStringArray('entities');
    services.set(name, {
      name,
      baseUrl: baseUrl.replace(/\/+$/, ''),
      token: entry.getOptionalString('token'),
      entities:
        entities && new Set(entities.map(e => e.toLocaleLowerCase('en-US'))),
    });
  }
  return {
    services,
    requestTimeoutMs: root?.getOptionalNumber('requestTimeoutMs') ?? 30_000,
    streamIdleTimeoutMs:
      root?.getOptionalNumber('streamIdleTimeoutMs') ?? 120_000,
    streamMaxMs: root?.getOptionalNumber('streamMaxMs') ?? 600_000,
    maxAnswerChars: root?.getOptionalNumber('maxAnswerChars') ?? 100_000,
    maxFileBytes:
      (root?.getOptionalNumber('uploads.maxFileMb') ?? 25) * 1024 * 1024,
    maxFiles: root?.getOptionalNumber('uploads.maxFiles') ?? 10,
    chatRateLimitPerMinute:
      root?.getOptionalNumber('chatRateLimitPerMinute') ?? 30,
    pipelineQueueWaitMs:
      root?.getOptionalNumber('pipelineQueueWaitMs') ?? 20_000,
  };
}
