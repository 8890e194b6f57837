import { Router, type RequestHandler } from 'express';
import type { Repository } from '../store/Repository.js';
import type { VectorStore } from '../vector/VectorStore.js';
import { notFound } from '../errors.js';
import { assertCollectionId, assertUuid } from '../http/validation.js';

/** 404s unless :collectionId is a valid slug that exists. */
export function collectionGuard(repo: Repository): RequestHandler {
  return (req, _res, next) => {
    const id = assertCollectionId(req.params.collectionId as string);
    if (!repo.collectionExists(id)) {
      return next(notFound(`collection ${id} not found: create it with PUT /v1/collections/${id}`));
    }
    next();
  };
}

export function collectionRoutes(repo: Repository, store: VectorStore, requireCollection: RequestHandler) {
  const router = Router();

  router.get('/', (_req, res) => {
    res.json({ collections: repo.listCollections() });
  });

  router.put('/:collectionId', (req, res) => {
    const id = assertCollectionId(req.params.collectionId);
    const { created } = repo.createCollection(id);
    res.status(created ? 201 : 200).json({ id });
  });

  router.delete('/:collectionId', requireCollection, async (req, res) => {
    const id = req.params.collectionId as string;
    await store.deleteCollection(id);
    repo.deleteCollection(id);
    res.status(204).end();
  });

  router.get('/:collectionId/jobs/:jobId', requireCollection, (req, res) => {
    const job = repo.getJob(assertUuid(req.params.jobId as string, 'job'));
    if (!job || job.collectionId !== req.params.collectionId) {
      throw notFound(`job ${req.params.jobId} not found in collection ${req.params.collectionId}`);
    }
    res.json(job);
  });

  return router;
}
