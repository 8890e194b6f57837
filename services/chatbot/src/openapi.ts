/** The /v1 API, served at /v1/openapi.json. The portal's gateway proxies it. */
const error = { $ref: '#/components/schemas/Error' };
const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: error } },
});
const collectionId = { name: 'collectionId', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$' } };
const uuidParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string', format: 'uuid' } });

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'LLM chatbot service',
    version: '1.0.0',
    description:
      'Upload PDFs into a collection and chat with them. Answers stream as Server-Sent Events and cite document and page.',
  },
  security: [{ bearer: [] }],
  paths: {
    '/v1/collections': {
      get: { summary: 'List collections', responses: { '200': { description: 'Collections with document counts' } } },
    },
    '/v1/collections/{collectionId}': {
      parameters: [collectionId],
      put: {
        summary: 'Create a collection (idempotent)',
        responses: { '201': { description: 'Created' }, '200': { description: 'Already existed' }, '400': errorResponse('Invalid id') },
      },
      delete: { summary: 'Delete a collection, its documents, chunks and conversations', responses: { '204': { description: 'Deleted' }, '404': errorResponse('Unknown collection') } },
    },
    '/v1/collections/{collectionId}/documents': {
      parameters: [collectionId],
      post: {
        summary: 'Upload one or more PDFs; each becomes an ingestion job',
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: { type: 'object', properties: { files: { type: 'array', items: { type: 'string', format: 'binary' } } } },
            },
          },
        },
        responses: {
          '202': {
            description: 'Accepted: one job per file',
            content: { 'application/json': { schema: { type: 'object', properties: { jobs: { type: 'array', items: { $ref: '#/components/schemas/JobRef' } } } } } },
          },
          '400': errorResponse('No files, empty file or bad multipart body'),
          '404': errorResponse('Unknown collection'),
          '409': errorResponse('The same file is already in the collection'),
          '413': errorResponse('A file is over MAX_UPLOAD_MB'),
          '415': errorResponse('A file is not a PDF'),
          '503': errorResponse('Ingestion queue full'),
        },
      },
      get: {
        summary: 'List documents',
        responses: { '200': { description: 'Documents', content: { 'application/json': { schema: { type: 'object', properties: { documents: { type: 'array', items: { $ref: '#/components/schemas/Document' } } } } } } } },
      },
    },
    '/v1/collections/{collectionId}/documents/{documentId}': {
      parameters: [collectionId, uuidParam('documentId')],
      get: { summary: 'One document', responses: { '200': { description: 'Document', content: { 'application/json': { schema: { $ref: '#/components/schemas/Document' } } } }, '404': errorResponse('Unknown document') } },
      delete: { summary: 'Delete a document and all of its chunks', responses: { '204': { description: 'Deleted' }, '404': errorResponse('Unknown document') } },
    },
    '/v1/collections/{collectionId}/jobs/{jobId}': {
      parameters: [collectionId, uuidParam('jobId')],
      get: { summary: 'Ingestion job status and progress', responses: { '200': { description: 'Job', content: { 'application/json': { schema: { $ref: '#/components/schemas/Job' } } } }, '404': errorResponse('Unknown job') } },
    },
    '/v1/collections/{collectionId}/chat': {
      parameters: [collectionId],
      post: {
        summary: 'Ask a question; the answer streams as Server-Sent Events',
        description:
          'Events, in order: `start` {conversationId, standaloneQuestion}; `sources` {sources: [{documentId, filename, page, snippet, score}]}; `token` {text} (many); `done` {conversationId, answered, usage, timings}. On failure mid-stream: `error` {message, requestId}. Send the returned conversationId with follow-up questions to keep memory.',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['message'],
                properties: { conversationId: { type: 'string', format: 'uuid' }, message: { type: 'string', minLength: 1, maxLength: 4000 } },
              },
            },
          },
        },
        responses: {
          '200': { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
          '400': errorResponse('Bad body'),
          '404': errorResponse('Unknown collection or conversation'),
          '503': errorResponse('Too many chats in progress'),
        },
      },
    },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Error: {
        type: 'object',
        properties: { error: { type: 'object', properties: { name: { type: 'string' }, message: { type: 'string' } } }, requestId: { type: 'string' } },
      },
      JobRef: {
        type: 'object',
        properties: { id: { type: 'string' }, documentId: { type: 'string' }, filename: { type: 'string' }, status: { type: 'string' }, href: { type: 'string' } },
      },
      Job: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          collectionId: { type: 'string' },
          documentId: { type: 'string' },
          filename: { type: 'string' },
          status: { type: 'string', enum: ['queued', 'running', 'succeeded', 'failed'] },
          progress: {
            type: 'object',
            properties: { pagesTotal: { type: 'integer' }, pagesParsed: { type: 'integer' }, chunksEmbedded: { type: 'integer' }, chunksStored: { type: 'integer' } },
          },
          error: { type: 'string' },
          createdAt: { type: 'string', format: 'date-time' },
          updatedAt: { type: 'string', format: 'date-time' },
        },
      },
      Document: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          filename: { type: 'string' },
          pages: { type: 'integer' },
          chunks: { type: 'integer' },
          bytes: { type: 'integer' },
          createdAt: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
};
