import { Router, type RequestHandler } from 'express';
import type { MetadataStore } from '../store/MetadataStore.js';
import type { VectorStore } from '../vector/VectorStore.js';
import { notFound } from '../errors.js';
import { assertCollectionId, assertUuid } from '../http/validation.js';

/** 404s unless :collectionId is a valid slug that exists. */
export function collectionGuard(metadata: MetadataStore): RequestHandler {
  return async (req, _res, next) => {
    const id = assertCollectionId(req.params.collectionId as string);
    if (!(await metadata.collectionExists(id))) {
      return next(
        notFound(
          `collection ${id} not found: create it with PUT /v1/collections/${id}`,
        ),
      );
    }
    next();
  };
}

export function collectionRoutes(
  metadata: MetadataStore,
  vectors: VectorStore,
  requireCollection: RequestHandler,
) {
  const router = Router();

  router.get('/', async (_req, res) => {
    res.json({ collections: await metadata.listCollections() });
  });

  router.put('/:collectionId', async (req, res) => {
    const id = assertCollectionId(req.params.collectionId);
    const { created } = await metadata.createCollection(id);
    res.status(created ? 201 : 200).json({ id });
  });

  router.delete('/:collectionId', requireCollection, async (req, res) => {
    const id = req.params.collectionId as string;
    // Vectors first, as for a document: if the store fails, the collection
    // is still there to delete again, not gone with its vectors left behind.
    await vectors.deleteCollection(id);
    await metadata.deleteCollection(id);
    res.status(204).end();
  });

  router.get(
    '/:collectionId/jobs/:jobId',
    requireCollection,
    async (req, res) => {
      const job = await metadata.getJob(
        assertUuid(req.params.jobId as string, 'job'),
      );
      if (!job || job.collectionId !== req.params.collectionId) {
        throw notFound(
          `job ${req.params.jobId} not found in collection ${req.params.collectionId}`,
        );
      }
      res.json(job);
    },
  );

  return router;
}
