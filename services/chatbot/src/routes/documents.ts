import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import multer from 'multer';
import {
  DuplicatePendingUpload,
  UnknownCollection,
  type DocumentRecord,
  type JobRecord,
  type MetadataStore,
} from '../store/MetadataStore.js';
import type { VectorStore } from '../vector/VectorStore.js';
import type { IngestionQueue } from '../ingest/IngestionQueue.js';
import { looksLikePdf } from '../ingest/pdf.js';
import {
  badRequest,
  conflict,
  notFound,
  payloadTooLarge,
  unsupportedMediaType,
} from '../errors.js';
import { assertUuid, displayFilename } from '../http/validation.js';

export interface DocumentRoutesOptions {
  uploadDir: string;
  maxUploadBytes: number;
  maxFiles: number;
}

export function documentRoutes(
  metadata: MetadataStore,
  vectors: VectorStore,
  queue: IngestionQueue,
  options: DocumentRoutesOptions,
  requireCollection: RequestHandler,
) {
  fs.mkdirSync(options.uploadDir, { recursive: true });
  const upload = multer({
    storage: multer.diskStorage({
      destination: options.uploadDir,
      filename: (_req, _file, cb) => cb(null, `${randomUUID()}.upload`),
    }),
    limits: {
      fileSize: options.maxUploadBytes,
      files: options.maxFiles,
      fields: 10,
      parts: options.maxFiles + 10,
    },
  }).array('files', options.maxFiles);

  const receive: RequestHandler = (req, res, next) =>
    upload(req, res, error => {
      if (!error) return next();
      const files = (req.files as Express.Multer.File[] | undefined) ?? [];
      void Promise.all(files.map(f => fsp.rm(f.path, { force: true })));
      if (error instanceof multer.MulterError) {
        if (error.code === 'LIMIT_FILE_SIZE') {
          return next(
            payloadTooLarge(
              `a file is larger than the ${
                options.maxUploadBytes / 1024 / 1024
              } MB limit (MAX_UPLOAD_MB)`,
            ),
          );
        }
        // multer says LIMIT_UNEXPECTED_FILE for one file too many as well.
        if (
          error.code === 'LIMIT_FILE_COUNT' ||
          (error.code === 'LIMIT_UNEXPECTED_FILE' && error.field === 'files')
        ) {
          return next(
            badRequest(
              `send at most ${options.maxFiles} PDFs in the multipart field "files"`,
            ),
          );
        }
        if (error.code === 'LIMIT_UNEXPECTED_FILE') {
          return next(
            badRequest(
              `a file came in the multipart field "${
                error.field ?? ''
              }": send PDFs in the field "files" (at most ${options.maxFiles})`,
            ),
          );
        }
        return next(badRequest(`bad multipart upload: ${error.message}`));
      }
      next(badRequest(`bad multipart upload: ${(error as Error).message}`));
    });

  const router = Router({ mergeParams: true });

  router.post('/', requireCollection, receive, async (req, res) => {
    const collectionId = req.params.collectionId as string;
    const files = (req.files as Express.Multer.File[] | undefined) ?? [];
    try {
      if (files.length === 0) {
        throw badRequest(
          'no files: send one or more PDFs as multipart/form-data in the field "files"',
        );
      }
      queue.assertCapacity(files.length);
      const checked: {
        file: Express.Multer.File;
        filename: string;
        sha256: string;
      }[] = [];
      const inThisRequest = new Set<string>();
      for (const file of files) {
        const filename = displayFilename(file.originalname);
        if (file.size === 0) throw badRequest(`${filename} is empty (0 bytes)`);
        const head = await readHead(file.path);
        if (!looksLikePdf(head)) {
          throw unsupportedMediaType(
            `${filename} is not a PDF: its content does not start with %PDF- (whatever its name or type says)`,
          );
        }
        const sha256 = await hashFile(file.path);
        if (inThisRequest.has(sha256))
          throw conflict(`${filename} is sent twice in this upload`);
        const existing = await metadata.documentWithHash(collectionId, sha256);
        if (existing) {
          throw conflict(
            `${filename} is already in this collection as document ${existing.id} (${existing.filename})`,
          );
        }
        const pending = await metadata.pendingJobWithHash(collectionId, sha256);
        if (pending) {
          throw conflict(
            `${filename} is already being ingested into this collection by job ${pending.id}`,
          );
        }
        inThisRequest.add(sha256);
        checked.push({ file, filename, sha256 });
      }
      const jobs: JobRecord[] = [];
      try {
        for (const { filename, sha256 } of checked)
          jobs.push(await metadata.createJob(collectionId, filename, sha256));
      } catch (error) {
        // Jobs created before the failure would wait forever: fail them, say why.
        for (const job of jobs) {
          await metadata
            .updateJob(job.id, {
              status: 'failed',
              error:
                'the upload failed before ingestion started; upload the files again',
            })
            .catch(() => undefined);
        }
        const filename = checked[jobs.length].filename;
        if (error instanceof DuplicatePendingUpload)
          throw conflict(
            `${filename} is already being ingested into this collection`,
          );
        if (error instanceof UnknownCollection)
          throw notFound(
            `collection ${collectionId} was deleted during the upload`,
          );
        throw error;
      }
      jobs.forEach((job, i) =>
        queue.enqueue({
          job,
          path: checked[i].file.path,
          bytes: checked[i].file.size,
          sha256: checked[i].sha256,
        }),
      );
      res.status(202).json({
        jobs: jobs.map(j => ({
          id: j.id,
          documentId: j.documentId,
          filename: j.filename,
          status: j.status,
          href: `/v1/collections/${collectionId}/jobs/${j.id}`,
        })),
      });
    } catch (error) {
      await Promise.all(files.map(f => fsp.rm(f.path, { force: true })));
      throw error;
    }
  });

  router.get('/', requireCollection, async (req, res) => {
    res.json({
      documents: (
        await metadata.listDocuments(req.params.collectionId as string)
      ).map(publicDocument),
    });
  });

  router.get('/:documentId', requireCollection, async (req, res) => {
    const { collectionId, documentId } = req.params as Record<string, string>;
    const doc = await metadata.getDocument(
      collectionId,
      assertUuid(documentId, 'document'),
    );
    if (!doc)
      throw notFound(
        `document ${documentId} not found in collection ${collectionId}`,
      );
    res.json(publicDocument(doc));
  });

  router.delete('/:documentId', requireCollection, async (req, res) => {
    const { collectionId, documentId } = req.params as Record<string, string>;
    if (
      !(await metadata.getDocument(
        collectionId,
        assertUuid(documentId, 'document'),
      ))
    ) {
      const pending = await metadata.pendingJobForDocument(
        collectionId,
        documentId,
      );
      if (pending)
        throw conflict(
          `document ${documentId} is still being ingested (job ${pending.id}, ${pending.status}); delete it once the job has finished`,
        );
      throw notFound(
        `document ${documentId} not found in collection ${collectionId}`,
      );
    }
    // Vectors first: if the store fails, the document is still listed and
    // the same DELETE can be sent again; the other way round, its vectors
    // would be left in the store with nothing pointing at them.
    await vectors.deleteDocument(collectionId, documentId);
    await metadata.deleteDocument(collectionId, documentId);
    res.status(204).end();
  });

  return router;
}

function publicDocument(d: DocumentRecord) {
  const { sha256: _omit, collectionId: _c, ...rest } = d;
  return rest;
}

async function readHead(file: string): Promise<Uint8Array> {
  const handle = await fsp.open(file, 'r');
  try {
    const buffer = Buffer.alloc(1024);
    const { bytesRead } = await handle.read(buffer, 0, 1024, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    fs.createReadStream(file)
      .on('data', chunk => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}
