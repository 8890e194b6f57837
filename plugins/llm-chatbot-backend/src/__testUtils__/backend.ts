import net from 'node:net';
import type { Entity } from '@backstage/catalog-model';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { AuditorServiceEvent } from '@backstage/backend-plugin-api';
import { llmChatbotPlugin } from '../plugin';
import { CHATBOT_TOKEN, CHATBOT_URL, JENKINS_URL } from './handlers';

export const ALICE = 'user:default/alice';
export const BOB = 'user:default/bob';
export const auth = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});

const component = (
  name: string,
  annotations: Record<string, string>,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: {
    type: 'service',
    lifecycle: 'experimental',
    owner: 'group:default/ml-platform',
  },
});

export const ENTITIES: Entity[] = [
  component('demo-chatbot', {
    'llm-chatbot.io/service': 'demo',
    'llm-chatbot.io/collection': 'demo-chatbot',
    'jenkins.io/job-full-name': 'default:chatbots/demo-chatbot',
  }),
  component('url-bot', {
    'llm-chatbot.io/service': 'http://169.254.169.254/latest',
  }),
  component('unknown-bot', { 'llm-chatbot.io/service': 'nope' }),
  component('plain', {}),
  // Names demo's service and collection, but is not on demo's allowlist.
  component('intruder', {
    'llm-chatbot.io/service': 'demo',
    'llm-chatbot.io/collection': 'demo-chatbot',
  }),
  // A service without an allowlist, and no collection annotation.
  component('open-bot', { 'llm-chatbot.io/service': 'open' }),
  // Two entities anyone could register claiming one collection on a service
  // without an allowlist, and a third claiming team-bot's Jenkins job.
  component('team-bot', {
    'llm-chatbot.io/service': 'open',
    'llm-chatbot.io/collection': 'team-bot',
    'jenkins.io/job-full-name': 'default:chatbots/team-bot',
  }),
  component('team-thief', {
    'llm-chatbot.io/service': 'open',
    'llm-chatbot.io/collection': 'team-bot',
  }),
  component('job-thief', {
    'llm-chatbot.io/service': 'open',
    'jenkins.io/job-full-name': 'chatbots/team-bot',
  }),
];

export const CONFIG = {
  llmChatbot: {
    services: {
      demo: {
        baseUrl: CHATBOT_URL,
        token: CHATBOT_TOKEN,
        entities: ['component:default/demo-chatbot'],
      },
      open: { baseUrl: CHATBOT_URL, token: CHATBOT_TOKEN },
    },
    requestTimeoutMs: 500,
    streamIdleTimeoutMs: 800,
    streamMaxMs: 3000,
    maxAnswerChars: 200,
    uploads: { maxFileMb: 1, maxFiles: 2 },
    chatRateLimitPerMinute: 50,
    pipelineQueueWaitMs: 2000,
  },
  jenkins: {
    baseUrl: JENKINS_URL,
    username: 'portal',
    apiKey: 'jenkins-token',
  },
};

/** Permission decisions by user: everything is allowed unless listed here. */
export const denied = new Map<string, Set<string>>();

export interface AuditRecord {
  eventId: string;
  outcome?: 'success' | 'fail';
  meta?: unknown;
}
export const audits: AuditRecord[] = [];

export async function freePort(): Promise<number> {
  return new Promise(resolve => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The real plugin on a test backend; `extra` adds or overrides features. */
export async function startGateway(
  options: { config?: object; extra?: any[] } = {},
) {
  const permissions = mockServices.permissions.mock({
    authorize: async (requests, opts) =>
      requests.map(request => {
        const principal = (
          opts.credentials.principal as { userEntityRef?: string }
        ).userEntityRef;
        const no = denied.get(principal ?? '')?.has(request.permission.name);
        return { result: no ? AuthorizeResult.DENY : AuthorizeResult.ALLOW };
      }),
  });
  const auditor = mockServices.auditor.mock({
    createEvent: async ({ eventId, meta }) => {
      const record: AuditRecord = { eventId, meta };
      audits.push(record);
      const event: AuditorServiceEvent = {
        success: async () => {
          record.outcome = 'success';
        },
        fail: async () => {
          record.outcome = 'fail';
        },
      };
      return event;
    },
  });
  return startTestBackend({
    features: [
      llmChatbotPlugin,
      catalogServiceMock.factory({ entities: ENTITIES }),
      mockServices.rootConfig.factory({ data: options.config ?? CONFIG }),
      permissions.factory,
      auditor.factory,
      ...(options.extra ?? []),
    ],
  });
}
