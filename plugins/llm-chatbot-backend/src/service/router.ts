import express, { type Request, type Response } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import {
  AuthorizeResult,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  JENKINS_JOB_ANNOTATION,
  llmChatbotChatPermission,
  llmChatbotDocumentsManagePermission,
  llmChatbotDocumentsReadPermission,
  llmChatbotPipelineReadPermission,
  llmChatbotPipelineRunPermission,
} from '@internal/plugin-llm-chatbot-common';
import type { LlmChatbotConfig } from '../config';
import type { ConversationStore } from '../conversations/ConversationStore';
import {
  JenkinsClient,
  parseJobFullName,
  type JenkinsInstance,
} from '@internal/plugin-llm-chatbot-node';
import type { ChatbotTarget, ChatbotTargets } from './ChatbotTargets';
import { UpstreamRefusedError } from './errors';
import { assertUploadHeaders, forwardUpload } from './forwardUpload';
import { UserRateLimiter } from './UserRateLimiter';
import { relayChat } from './relayChat';
import { SseWriter } from './SseWriter';

export interface RouterOptions {
  config: LlmChatbotConfig;
  targets: ChatbotTargets;
  conversations: ConversationStore;
  jenkins: Map<string, JenkinsInstance>;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
}

const DEFAULT_TITLE = 'New conversation';
const titleFrom = (message: string) =>
  message.length > 60 ? `${message.slice(0, 57).trimEnd()}…` : message;
const ENTITY = '/entities/:kind/:namespace/:name';

/** PostgreSQL's text cannot hold U+0000: refused with a reason, not a 500. */
const withoutNul = (field: string) =>
  [
    (text: string) => !text.includes('\u0000'),
    `${field} contains a NUL character (\\u0000), which cannot be stored`,
  ] as const;
const chatBody = z.object({
  conversationId: z
    .string()
    .uuid('conversationId must be a conversation id from POST …/conversations'),
  message: z
    .string()
    .trim()
    .min(1, 'message is empty')
    .max(4000, 'message is longer than 4000 characters')
    .refine(...withoutNul('message')),
});
const titleBody = z.object({
  title: z
    .string()
    .trim()
    .min(1, 'title is empty')
    .max(200, 'title is longer than 200 characters')
    .refine(...withoutNul('title')),
});
const createBody = titleBody.partial();

/**
 * Aborts when the browser goes away before the answer was sent: an upstream
 * answer (a chat, a Jenkins call) is not waited on for nobody.
 */
function closed(res: Response): AbortSignal {
  const gone = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) gone.abort(new Error('client disconnected'));
  });
  return gone.signal;
}

/**
 * Ids the service and the database know are UUIDs; anything else (`..`
 * included) cannot name one, so it is a 404 before any call is made.
 */
function uuidParam(req: Request, name: string): string {
  const value = req.params[name];
  if (!z.string().uuid().safeParse(value).success) {
    throw new NotFoundError(`${name} ${String(value).slice(0, 80)} not found`);
  }
  return value;
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw new InputError(
      result.error.issues
        .map(i => `${i.path.join('.') || 'body'}: ${i.message}`)
        .join('; '),
    );
  }
  return result.data;
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    config,
    targets,
    conversations,
    httpAuth,
    permissions,
    auditor,
    logger,
  } = options;
  const limiter = new UserRateLimiter(config.chatRateLimitPerMinute, 60_000);
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  const user = async (req: Request) =>
    httpAuth.credentials(req, { allow: ['user'] });

  /** The entity if the caller may see it and holds `permission` on it; then its service. */
  async function authorized(
    req: Request,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    permission: ResourcePermission<'catalog-entity'>,
  ): Promise<ChatbotTarget> {
    const { kind, namespace, name } = req.params;
    const entityRef = stringifyEntityRef({ kind, namespace, name });
    // Both need only the ref: asked together, one round trip fewer per request.
    const [entity, [decision]] = await Promise.all([
      targets.entity({ kind, namespace, name }, credentials),
      permissions.authorize([{ permission, resourceRef: entityRef }], {
        credentials,
      }),
    ]);
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `you lack the ${permission.name} permission on ${entityRef}`,
      );
    }
    return await targets.target(entity);
  }

  const scope = (
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    target: ChatbotTarget,
  ) => ({
    userRef: credentials.principal.userEntityRef,
    entityRef: target.entityRef,
  });

  /** Runs `work` as an audit event: initiated, then succeeded (with what it did) or failed. */
  async function audited<T>(
    req: Request,
    eventId: string,
    meta: JsonObject,
    work: () => Promise<T>,
    outcome?: (result: T) => JsonObject,
  ): Promise<T> {
    const event = await auditor.createEvent({
      eventId,
      severityLevel: 'medium',
      request: req,
      meta,
    });
    try {
      const result = await work();
      await event.success(outcome ? { meta: outcome(result) } : undefined);
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  // ---- documents ---------------------------------------------------------

  router.get(`${ENTITY}/documents`, async (req, res) => {
    const target = await authorized(
      req,
      await user(req),
      llmChatbotDocumentsReadPermission,
    );
    try {
      res.json(await target.client.listDocuments(target.collection));
    } catch (error) {
      // The collection is made on first upload: until then there is nothing.
      if (error instanceof UpstreamRefusedError && error.statusCode === 404) {
        res.json({ documents: [] });
        return;
      }
      throw error;
    }
  });

  router.get(`${ENTITY}/jobs/:jobId`, async (req, res) => {
    const target = await authorized(
      req,
      await user(req),
      llmChatbotDocumentsReadPermission,
    );
    res.json(
      await target.client.getJob(target.collection, uuidParam(req, 'jobId')),
    );
  });

  router.post(`${ENTITY}/documents`, async (req, res) => {
    const credentials = await user(req);
    const target = await authorized(
      req,
      credentials,
      llmChatbotDocumentsManagePermission,
    );
    const limits = {
      maxFileBytes: config.maxFileBytes,
      maxFiles: config.maxFiles,
    };
    assertUploadHeaders(req, limits);
    const accepted = await audited(
      req,
      'document-upload',
      { entityRef: target.entityRef, service: target.serviceName },
      async () => {
        await target.client.ensureCollection(target.collection, {
          recheck: true,
        });
        return forwardUpload(req, target.client, target.collection, limits);
      },
      result => ({
        jobs: result.jobs.map(j => ({ id: j.id, filename: j.filename })),
      }),
    );
    res.status(202).json(accepted);
  });

  router.delete(`${ENTITY}/documents/:documentId`, async (req, res) => {
    const credentials = await user(req);
    const target = await authorized(
      req,
      credentials,
      llmChatbotDocumentsManagePermission,
    );
    const documentId = uuidParam(req, 'documentId');
    await audited(
      req,
      'document-delete',
      { entityRef: target.entityRef, documentId: documentId },
      () => target.client.deleteDocument(target.collection, documentId),
    );
    res.status(204).end();
  });

  // ---- conversations -----------------------------------------------------

  router.get(`${ENTITY}/conversations`, async (req, res) => {
    const credentials = await user(req);
    const target = await authorized(req, credentials, llmChatbotChatPermission);
    res.json({
      conversations: await conversations.list(scope(credentials, target)),
    });
  });

  router.post(`${ENTITY}/conversations`, async (req, res) => {
    const credentials = await user(req);
    const target = await authorized(req, credentials, llmChatbotChatPermission);
    const { title } = parse(createBody, req.body);
    res
      .status(201)
      .json(
        await conversations.create(
          scope(credentials, target),
          title ?? DEFAULT_TITLE,
        ),
      );
  });

  router.patch(`${ENTITY}/conversations/:id`, async (req, res) => {
    const credentials = await user(req);
    const target = await authorized(req, credentials, llmChatbotChatPermission);
    const { title } = parse(titleBody, req.body);
    const { serviceConversationId: _hidden, ...conversation } =
      await conversations.rename(
        scope(credentials, target),
        uuidParam(req, 'id'),
        title,
      );
    res.json(conversation);
  });

  router.delete(`${ENTITY}/conversations/:id`, async (req, res) => {
    const credentials = await user(req);
    const target = await authorized(req, credentials, llmChatbotChatPermission);
    await conversations.delete(
      scope(credentials, target),
      uuidParam(req, 'id'),
    );
    res.status(204).end();
  });

  router.get(`${ENTITY}/conversations/:id/messages`, async (req, res) => {
    const credentials = await user(req);
    const target = await authorized(req, credentials, llmChatbotChatPermission);
    res.json({
      messages: await conversations.messages(
        scope(credentials, target),
        uuidParam(req, 'id'),
      ),
    });
  });

  // ---- chat --------------------------------------------------------------

  router.post(`${ENTITY}/chat`, async (req, res) => {
    const credentials = await user(req);
    limiter.take(credentials.principal.userEntityRef);
    const target = await authorized(req, credentials, llmChatbotChatPermission);
    const { conversationId, message } = parse(chatBody, req.body);
    const conversation = await conversations.get(
      scope(credentials, target),
      conversationId,
    );

    const upstreamAbort = new AbortController();
    const clientGone = closed(res);
    clientGone.addEventListener(
      'abort',
      () => upstreamAbort.abort(new Error('the browser went away')),
      { once: true },
    );
    const ask = () =>
      target.client.chat(
        target.collection,
        { message, conversationId: conversation.serviceConversationId },
        upstreamAbort.signal,
      );
    await target.client.ensureCollection(target.collection);
    const upstream = await ask().catch(async error => {
      // Remembered as existing but gone on the service: make it again, once.
      if (!(error instanceof UpstreamRefusedError) || error.statusCode !== 404)
        throw error;
      target.client.forgetCollection(target.collection);
      await target.client.ensureCollection(target.collection);
      return ask();
    });
    // The question is stored while the answer streams: no database write
    // stands between the service's first token and the browser.
    let recordFailed: Error | undefined;
    const recorded = (async () => {
      await conversations.append(conversation.id, {
        role: 'user',
        content: message,
        status: 'complete',
      });
      if (conversation.title === DEFAULT_TITLE) {
        // An untitled conversation is named after its first question.
        await conversations.rename(
          scope(credentials, target),
          conversation.id,
          titleFrom(message),
        );
      }
    })().catch(error => {
      recordFailed = error;
      upstreamAbort.abort(new Error('the conversation could not be stored'));
    });

    const sse = new SseWriter(res);
    try {
      const answer = await relayChat({
        upstream,
        sse,
        conversationId: conversation.id,
        idleTimeoutMs: config.streamIdleTimeoutMs,
        maxStreamMs: config.streamMaxMs,
        maxAnswerChars: config.maxAnswerChars,
        clientGone,
        upstreamAbort,
      });
      await recorded;
      if (recordFailed) throw recordFailed;
      await conversations.append(
        conversation.id,
        {
          role: 'assistant',
          content: answer.answer,
          sources: answer.sources,
          status: answer.outcome,
          ...(answer.error ? { error: answer.error } : {}),
          ...(answer.traceId ? { traceId: answer.traceId } : {}),
        },
        answer.serviceConversationId,
      );
    } catch (error) {
      upstreamAbort.abort(error as Error);
      logger.error('chat relay failed', error as Error);
      sse.send('error', { message: 'the answer failed in the portal; retry' });
    } finally {
      sse.end();
    }
  });

  // ---- pipeline ----------------------------------------------------------

  /** The entity's Jenkins job and a client for its instance, or a 404 saying what to add. */
  async function jenkinsJob(target: ChatbotTarget) {
    const annotation =
      target.entity.metadata.annotations?.[JENKINS_JOB_ANNOTATION];
    if (!annotation) {
      throw new NotFoundError(
        `${target.entityRef} has no ${JENKINS_JOB_ANNOTATION} annotation: set it to <instance>:<folder/job>`,
      );
    }
    const { instance, jobFullName } = parseJobFullName(annotation);
    const jenkins = options.jenkins.get(instance);
    if (!jenkins) {
      throw new NotFoundError(
        `no Jenkins instance "${instance}" is configured: add it under jenkins.instances in app-config`,
      );
    }
    // The default instance's jobs may be written without its name.
    await targets.assertSoleJob(
      target.entityRef,
      JENKINS_JOB_ANNOTATION,
      instance === 'default'
        ? [`default:${jobFullName}`, jobFullName]
        : [`${instance}:${jobFullName}`],
    );
    const client = new JenkinsClient(jenkins, {
      queueWaitMs: config.pipelineQueueWaitMs,
      requestTimeoutMs: config.requestTimeoutMs,
    });
    return { instance, jobFullName, client };
  }

  router.get(`${ENTITY}/pipeline/builds`, async (req, res) => {
    const target = await authorized(
      req,
      await user(req),
      llmChatbotPipelineReadPermission,
    );
    const { instance, jobFullName, client } = await jenkinsJob(target);
    res.json({
      instance,
      job: jobFullName,
      builds: await client.lastBuilds(jobFullName, 5, closed(res)),
    });
  });

  router.post(`${ENTITY}/pipeline/runs`, async (req, res) => {
    const credentials = await user(req);
    const target = await authorized(
      req,
      credentials,
      llmChatbotPipelineRunPermission,
    );
    const { instance, jobFullName, client } = await jenkinsJob(target);
    const build = await audited(
      req,
      'pipeline-run',
      { entityRef: target.entityRef, instance, job: jobFullName },
      () => client.triggerBuild(jobFullName, closed(res)),
      result => ({
        ...result,
        buildNumber: result.buildNumber ?? null,
        buildUrl: result.buildUrl ?? null,
      }),
    );
    res
      .status(build.buildNumber ? 201 : 202)
      .json({ instance, job: jobFullName, ...build });
  });

  // Retry-After from the service (503) and the limiter (429) reaches the browser.
  router.use(
    (
      error: Error,
      _req: Request,
      res: express.Response,
      next: express.NextFunction,
    ) => {
      const retryAfter = (error as { retryAfter?: string }).retryAfter;
      if (retryAfter && !res.headersSent)
        res.setHeader('Retry-After', retryAfter);
      next(error);
    },
  );
  return router;
}
