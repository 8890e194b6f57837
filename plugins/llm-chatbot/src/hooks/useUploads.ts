import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type { ChatbotJob } from '@internal/plugin-llm-chatbot-common';
import { llmChatbotApiRef } from '../api';

/** One file on its way in: bytes first, then the service's ingestion. */
export interface UploadState {
  key: string;
  filename: string;
  phase: 'sending' | 'ingesting' | 'done' | 'failed';
  /** 0-100 */
  sentPercent: number;
  job?: ChatbotJob;
  error?: string;
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * Uploads each PDF on its own request (so each has its own progress bar),
 * then follows its ingestion job until it succeeds or says why it failed.
 */
export function useUploads(
  entity: CompoundEntityRef,
  onIngested: () => void,
  pollMs = 500,
) {
  const api = useApi(llmChatbotApiRef);
  const [uploads, setUploads] = useState<UploadState[]>([]);
  // Polling stops when the panel goes away.
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );

  const patch = (key: string, change: Partial<UploadState>) =>
    setUploads(current =>
      current.map(u => (u.key === key ? { ...u, ...change } : u)),
    );

  const uploadOne = useCallback(
    async (file: File, key: string) => {
      try {
        const accepted = await api.uploadDocuments(
          entity,
          [file],
          ({ loaded, total }) =>
            patch(key, {
              sentPercent: total ? Math.round((loaded / total) * 100) : 0,
            }),
        );
        const jobRef = accepted.jobs[0];
        patch(key, { phase: 'ingesting', sentPercent: 100 });
        // Every poll costs the portal a catalog lookup and a permission
        // check: start quick, then back off.
        for (
          let wait = pollMs;
          mounted.current;
          wait = Math.min(wait * 1.5, 3000)
        ) {
          const job = await api.getJob(entity, jobRef.id);
          patch(key, { job });
          if (job.status === 'succeeded') {
            patch(key, { phase: 'done' });
            onIngested();
            return;
          }
          if (job.status === 'failed') {
            patch(key, {
              phase: 'failed',
              error: job.error ?? 'ingestion failed',
            });
            return;
          }
          await sleep(wait);
        }
      } catch (e) {
        patch(key, { phase: 'failed', error: (e as Error).message });
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, entity.kind, entity.namespace, entity.name, onIngested, pollMs],
  );

  const upload = useCallback(
    (files: File[]) => {
      const added = files.map((file, i) => ({
        key: `${Date.now()}-${i}-${file.name}`,
        filename: file.name,
        phase: 'sending' as const,
        sentPercent: 0,
      }));
      setUploads(current => [...added, ...current]);
      files.forEach((file, i) => void uploadOne(file, added[i].key));
    },
    [uploadOne],
  );

  const dismiss = useCallback(
    (key: string) => setUploads(current => current.filter(u => u.key !== key)),
    [],
  );

  return { uploads, upload, dismiss };
}
