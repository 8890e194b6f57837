import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/store/database.js';
import { Repository } from '../src/store/Repository.js';

test('after a crash, a job whose document committed is settled as succeeded and the rest as failed', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'repo-test-'));
  const db = openDatabase(dir);
  const repo = new Repository(db);
  repo.createCollection('c');
  const committed = repo.createJob('c', 'a.pdf', 'sha-a');
  const unfinished = repo.createJob('c', 'b.pdf', 'sha-b');
  repo.updateJob(committed.id, { status: 'running' });
  repo.updateJob(unfinished.id, { status: 'running' });
  // The process died right after committing a.pdf, before marking its job.
  repo.insertDocument({ id: committed.documentId, collectionId: 'c', filename: 'a.pdf', pages: 1, chunks: 1, bytes: 1, sha256: 'sha-a', createdAt: '' });

  const failed = repo.settleInterruptedJobs();
  assert.deepEqual(failed.map(j => j.id), [unfinished.id]);
  assert.equal(repo.getJob(committed.id)!.status, 'succeeded');
  assert.match(repo.getJob(unfinished.id)!.error!, /interrupted/);
  assert.equal(repo.pendingJobWithHash('c', 'sha-b'), undefined);
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
