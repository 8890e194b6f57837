import type { TermStatistics } from '../retrieval/LexicalIndex.js';

export interface DocumentRecord {
  id: string;
  collectionId: string;
  filename: string;
  pages: number;
  chunks: number;
  bytes: number;
  sha256: string;
  createdAt: string;
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface JobProgress {
  pagesTotal: number;
  pagesParsed: number;
  chunksEmbedded: number;
  chunksStored: number;
}

export interface JobRecord {
  id: string;
  collectionId: string;
  documentId: string;
  filename: string;
  status: JobStatus;
  progress: JobProgress;
  error?: string;
  createdAt: string;
  updatedAt: string;
}

export type JobPatch = Partial<JobProgress> & {
  status?: JobStatus;
  error?: string;
};

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/**
 * The job is no longer queued or running: another replica found its heartbeat
 * lapsed and settled it. Its holder must drop the work, not overwrite that.
 */
export class JobSettledElsewhere extends Error {
  name = 'JobSettledElsewhere';
  constructor(readonly jobId: string) {
    super(`job ${jobId} was settled by another replica while this one held it`);
  }
}

/** The same file is already queued or running in the collection (maybe on another replica). */
export class DuplicatePendingUpload extends Error {
  name = 'DuplicatePendingUpload';
}

/** The collection was deleted while the request was under way. */
export class UnknownCollection extends Error {
  name = 'UnknownCollection';
}

export const INTERRUPTED_JOB_ERROR =
  'interrupted: the service restarted before ingestion finished; upload the file again';

/** How many of a document's chunks hold a term: anywhere, and in their text. */
export interface TermChunks {
  /** In the text or the section titles: the collection's document frequency. */
  chunks: number;
  /** In the text itself: which documents a question names (documentFocus). */
  textChunks: number;
}

/** Some terms' use across a collection's documents (documentFocus). */
export interface DocumentTermCounts {
  /** Every document of the collection, and whether it was stored with term counts. */
  documents: { documentId: string; chunks: number; counted: boolean }[];
  /** How many of a document's chunks hold a term in their text; none, no row. */
  terms: { documentId: string; term: string; chunks: number }[];
}

/**
 * Collections, documents, ingestion jobs and conversation memory. SQLite (one
 * replica, the default) or PostgreSQL (shared by every replica, so the chart
 * can scale out). Vectors live in the VectorStore.
 */
export interface MetadataStore {
  readonly kind: 'sqlite' | 'postgres';

  createCollection(id: string): Promise<{ created: boolean }>;
  collectionExists(id: string): Promise<boolean>;
  listCollections(): Promise<
    { id: string; createdAt: string; documents: number }[]
  >;
  /** Removes the collection with its documents, jobs and conversations. */
  deleteCollection(id: string): Promise<void>;

  listDocuments(collectionId: string): Promise<DocumentRecord[]>;
  getDocument(
    collectionId: string,
    id: string,
  ): Promise<DocumentRecord | undefined>;
  /** The document of the collection with this content, if any (an index lookup, for duplicate uploads). */
  documentWithHash(
    collectionId: string,
    sha256: string,
  ): Promise<DocumentRecord | undefined>;
  /** Filenames of the given documents that exist in the collection. */
  filenames(
    collectionId: string,
    documentIds: string[],
  ): Promise<Map<string, string>>;
  /**
   * The last step of a commit: only listed documents appear in answers. With
   * `jobId`, the job is marked succeeded in the same transaction, and nothing
   * is written (false) if the job is no longer queued or running.
   */
  insertDocument(
    doc: DocumentRecord,
    jobId?: string,
    termChunks?: Map<string, TermChunks>,
  ): Promise<boolean>;
  /**
   * The collection's document frequencies, from the term counts stored with
   * its documents (`termChunks`): for vector stores that keep no text index
   * of their own. `chunks` counts only documents stored with term counts.
   */
  termStatistics(
    collectionId: string,
    terms: string[],
  ): Promise<TermStatistics>;
  /** The collection's documents, and how many chunks of each hold these terms in their text. */
  documentTermCounts(
    collectionId: string,
    terms: string[],
  ): Promise<DocumentTermCounts>;
  deleteDocument(collectionId: string, id: string): Promise<boolean>;

  /** Throws DuplicatePendingUpload or UnknownCollection. */
  createJob(
    collectionId: string,
    filename: string,
    sha256: string,
  ): Promise<JobRecord>;
  /** Updates a queued or running job; false when it was already settled. */
  updateJob(id: string, patch: JobPatch): Promise<boolean>;
  getJob(id: string): Promise<JobRecord | undefined>;
  /** Marks jobs as alive; a replica's heartbeat for the jobs it holds. */
  touchJobs(ids: string[]): Promise<void>;
  /**
   * Jobs left queued or running by a process that died, judged by a heartbeat
   * older than `staleAfterMs` (0: every such job; right for a single replica
   * at start-up). A job whose document row exists did commit (the
   * process died just after), so it succeeded; the others are failed with the
   * reason. Returns the failed ones, whose partial vectors the caller removes.
   */
  settleInterruptedJobs(staleAfterMs: number): Promise<JobRecord[]>;
  /** A queued or running job for the same file in the collection, if any. */
  pendingJobWithHash(
    collectionId: string,
    sha256: string,
  ): Promise<JobRecord | undefined>;
  /** The queued or running job that will write this document, if any. */
  pendingJobForDocument(
    collectionId: string,
    documentId: string,
  ): Promise<JobRecord | undefined>;

  startConversation(collectionId: string): Promise<string>;
  conversationInCollection(id: string, collectionId: string): Promise<boolean>;
  recentMessages(conversationId: string, turns: number): Promise<ChatMessage[]>;
  appendMessages(
    conversationId: string,
    messages: ChatMessage[],
  ): Promise<void>;

  /** Throws when the store cannot serve requests; used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A turn as stored: a model (or a PDF it quotes) can emit U+0000, which
 * PostgreSQL's text refuses, and one invisible character would lose the
 * turn. Both stores drop it, so both keep the same text.
 */
export const storableTurn = (message: ChatMessage): ChatMessage => ({
  ...message,
  content: message.content.replaceAll('\u0000', ''),
});
