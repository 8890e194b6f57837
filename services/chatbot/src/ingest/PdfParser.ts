import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { ExtractResult, ExtractTask } from './extractText.js';
import { PdfRejected, type ParsedPage } from './pdf.js';

// Below this size a document is read by one thread: opening it in several
// costs more than the pages it would share out.
const SHARD_MIN_BYTES = 256 * 1024;

export interface ParseOptions {
  maxPages: number;
  /** Called as pages are read, with the running count; each call waits for the last. */
  onPage?: (parsed: number, total: number) => void | Promise<void>;
  /** This parse's deadline, instead of the parser's. */
  timeoutMs?: number;
}

export interface ParsedDocument {
  numPages: number;
  /** Pages with text, in page order. */
  pages: ParsedPage[];
}

/**
 * Extracts the text of each page with pdf.js on a pool of worker threads
 * (piscina). A large document's pages are shared across the threads, so one
 * manual uses every core, and the event loop stays free for chats. Encrypted,
 * corrupt, truncated, over-long and image-only documents are rejected with a
 * PdfRejected.
 */
export class PdfParser {
  private readonly pool: Piscina<ExtractTask, ExtractResult>;

  /**
   * `timeoutMs` bounds one document's parse: a PDF that keeps pdf.js busy
   * longer (crafted to loop) is rejected, and its threads are replaced.
   */
  constructor(readonly threads: number, private readonly timeoutMs = 300_000) {
    this.pool = new Piscina({
      // tsx maps .js to the .ts source in tests; the build emits the .js.
      filename: new URL('./extractText.js', import.meta.url).href,
      // Kept warm: a fresh thread spends its first document compiling pdf.js.
      minThreads: threads,
      maxThreads: threads,
    });
  }

  async parse(
    data: Uint8Array,
    { maxPages, onPage, timeoutMs = this.timeoutMs }: ParseOptions,
  ): Promise<ParsedDocument> {
    // Empty files and files without %PDF- are refused at upload (415) before
    // a job exists; anything else pdf.js cannot read is rejected below.
    const shards = data.byteLength >= SHARD_MIN_BYTES ? this.threads : 1;
    const abort = new AbortController();
    // Aborting a running task ends its thread (piscina), the only way to
    // stop pdf.js inside a synchronous loop.
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, timeoutMs);
    let total = 0;
    let parsed = 0;
    let reported = Promise.resolve();
    let reportFailed: unknown;
    const results = await Promise.allSettled(
      Array.from({ length: shards }, (_, shard) => {
        const { port1, port2 } = new MessageChannel();
        let markDone: () => void;
        const done = new Promise<void>(resolve => (markDone = resolve));
        port1.on(
          'message',
          (message: { numPages?: number; page?: number; done?: true }) => {
            if (message.done) markDone();
            if (message.numPages) total = message.numPages;
            if (message.page && onPage) {
              const count = ++parsed;
              // Caught here, rethrown below: a rejection left pending until
              // every shard finished would be unhandled and end the process.
              reported = reported
                .then(() => onPage(count, total))
                .catch(error => void (reportFailed ??= error));
            }
          },
        );
        return this.pool
          .run(
            { data, shard, shards, maxPages, progress: port2 },
            { transferList: [port2], signal: abort.signal },
          )
          .then(async result => {
            if (!result.ok) abort.abort();
            // The result can overtake the last progress message; the
            // worker's "done" comes after it on the same port.
            else await settledWithin(done, 2000);
            return result;
          })
          .finally(() => port1.close());
      }),
    );
    clearTimeout(deadline);
    await reported;
    if (timedOut) {
      throw new PdfRejected(
        'corrupt',
        `the PDF could not be read within ${Math.round(
          timeoutMs / 1000,
        )} s (PDF_PARSE_TIMEOUT_MS); it may be damaged or built to stall readers`,
      );
    }
    const pages: ParsedPage[] = [];
    const sections = new Map<number, string>();
    let numPages = 0;
    for (const settled of results) {
      if (settled.status === 'rejected') {
        if (abort.signal.aborted) continue; // stopped because another shard rejected the file
        throw settled.reason;
      }
      const result = settled.value;
      if (!result.ok) throw new PdfRejected(result.reason, result.message);
      numPages = result.numPages;
      pages.push(...result.pages);
      for (const [page, section] of result.sections ?? [])
        sections.set(page, section);
    }
    if (reportFailed) throw reportFailed;
    if (pages.length === 0) {
      throw new PdfRejected(
        'no_text',
        'no extractable text: its pages are blank or only images (scanned?); run OCR on it first if it was scanned',
      );
    }
    return {
      numPages,
      pages: pages
        .map(p =>
          sections.has(p.page) ? { ...p, section: sections.get(p.page) } : p,
        )
        .sort((a, b) => a.page - b.page),
    };
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

/** Resolves when `promise` does, or after ms: a worker that never says done cannot hang a parse. */
function settledWithin(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<void>(resolve => (timer = setTimeout(resolve, ms))),
  ]).finally(() => clearTimeout(timer));
}
