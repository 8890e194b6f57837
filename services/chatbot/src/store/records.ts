import type { JobPatch, JobRecord } from './MetadataStore.js';

/** Job fields a patch may set, by column; both stores use the same names. */
export const JOB_COLUMNS: Record<keyof JobPatch, string> = {
  status: 'status',
  error: 'error',
  pagesTotal: 'pages_total',
  pagesParsed: 'pages_parsed',
  chunksEmbedded: 'chunks_embedded',
  chunksStored: 'chunks_stored',
};

const iso = (value: string | Date) =>
  value instanceof Date ? value.toISOString() : value;

/** A jobs row (SQLite text times or PostgreSQL timestamptz) as the API's record. */
export function jobFromRow(row: Record<string, any>): JobRecord {
  return {
    id: row.id,
    collectionId: row.collection_id,
    documentId: row.document_id,
    filename: row.filename,
    status: row.status,
    progress: {
      pagesTotal: Number(row.pages_total),
      pagesParsed: Number(row.pages_parsed),
      chunksEmbedded: Number(row.chunks_embedded),
      chunksStored: Number(row.chunks_stored),
    },
    ...(row.error ? { error: row.error } : {}),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
