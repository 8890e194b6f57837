/**
 * Runs in a worker thread (see PdfParser): pdf.js text extraction is CPU-bound
 * and synchronous in Node (its "fake worker" shares the caller's thread), so
 * on the main thread it would stall every chat while a manual is parsed.
 * Each task reads every `shards`-th page, starting at `shard`.
 */
import type { MessagePort } from 'node:worker_threads';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { ParsedPage, PdfRejectionReason } from './pdf.js';

export interface ExtractTask {
  data: Uint8Array;
  shard: number;
  shards: number;
  maxPages: number;
  /** Receives the page count once, then one message per page read. */
  progress: MessagePort;
}

export type ExtractResult =
  | { ok: true; numPages: number; pages: ParsedPage[] }
  | { ok: false; reason: PdfRejectionReason; message: string };

const rejected = (
  reason: PdfRejectionReason,
  message: string,
): ExtractResult => ({ ok: false, reason, message });

export default async function extractText({
  data,
  shard,
  shards,
  maxPages,
  progress,
}: ExtractTask): Promise<ExtractResult> {
  const task = getDocument({
    data,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: true,
    verbosity: 0,
  });
  let doc;
  try {
    doc = await task.promise;
  } catch (error) {
    await task.destroy().catch(() => undefined);
    progress.close();
    if ((error as Error)?.name === 'PasswordException') {
      return rejected(
        'encrypted',
        'the PDF is password-protected; upload an unencrypted copy',
      );
    }
    return rejected(
      'corrupt',
      `the PDF is corrupt or truncated and cannot be read (${
        (error as Error).message
      })`,
    );
  }
  try {
    if (doc.numPages > maxPages) {
      return rejected(
        'too_many_pages',
        `the PDF has ${doc.numPages} pages; the limit is ${maxPages} (MAX_PAGES)`,
      );
    }
    progress.postMessage({ numPages: doc.numPages });
    const pages: ParsedPage[] = [];
    for (let n = shard + 1; n <= doc.numPages; n += shards) {
      try {
        const page = await doc.getPage(n);
        const content = await page.getTextContent();
        const text = content.items
          .map(item =>
            'str' in item ? item.str + (item.hasEOL ? '\n' : '') : '',
          )
          .join('')
          .replace(/[ \t]+/g, ' ')
          .trim();
        page.cleanup();
        if (text) pages.push({ page: n, text });
      } catch (error) {
        return rejected(
          'corrupt',
          `page ${n} of the PDF cannot be read (${(error as Error).message})`,
        );
      }
      progress.postMessage({ page: n });
    }
    // After every page message on this port: the parser waits for it.
    progress.postMessage({ done: true });
    return { ok: true, numPages: doc.numPages, pages };
  } finally {
    progress.close();
    await doc.destroy();
  }
}
