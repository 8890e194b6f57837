/**
 * Runs in a worker thread (see PdfParser): pdf.js text extraction is CPU-bound
 * and synchronous in Node (its "fake worker" shares the caller's thread), so
 * on the main thread it would stall every chat while a manual is parsed.
 * Each task reads every `shards`-th page, starting at `shard`.
 */
import type { MessagePort } from 'node:worker_threads';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { ParsedPage, PdfRejectionReason } from './pdf.js';
import {
  MAX_INFLATED_STREAM_BYTES,
  overInflatedStream,
} from './inflatedStreams.js';

export interface ExtractTask {
  data: Uint8Array;
  shard: number;
  shards: number;
  maxPages: number;
  /** Receives the page count once, then one message per page read. */
  progress: MessagePort;
}

export type ExtractResult =
  | {
      ok: true;
      numPages: number;
      pages: ParsedPage[];
      /** Each page's section titles, from the first shard only. */
      sections?: [page: number, section: string][];
    }
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
  const bomb = overInflatedStream(data);
  if (bomb !== undefined) {
    progress.close();
    return rejected(
      'decompression_bomb',
      `the PDF has a compressed stream (at byte ${bomb}) that inflates past ${
        MAX_INFLATED_STREAM_BYTES / 1024 / 1024
      } MB; no real document needs that, so it is not read`,
    );
  }
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
    // The outline is the whole document's: one shard reads it, not each.
    const sections = shard === 0 ? await outlineSections(doc) : undefined;
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
    return {
      ok: true,
      numPages: doc.numPages,
      pages,
      ...(sections?.size && { sections: [...sections] }),
    };
  } finally {
    progress.close();
    await doc.destroy();
  }
}

type PdfDocument = Awaited<ReturnType<typeof getDocument>['promise']>;
type OutlineItem = Awaited<ReturnType<PdfDocument['getOutline']>>[number];

/** At most this many outline entries are read (a bound on the work). */
const MAX_OUTLINE_ENTRIES = 5000;
/** Titles kept per page, and the length of a page's section string. */
const MAX_TITLES = 6;
const MAX_SECTION_CHARS = 300;

/**
 * The section titles around each page, from the PDF's outline (bookmarks):
 * the path of the last entry starting on or before the page, plus any other
 * entries starting on it, joined by " › ". Empty when the PDF has no
 * outline, or one that cannot be resolved: sections only help ranking.
 */
async function outlineSections(doc: PdfDocument): Promise<Map<number, string>> {
  const sections = new Map<number, string>();
  let outline: OutlineItem[] | null;
  try {
    outline = await doc.getOutline();
  } catch {
    return sections;
  }
  if (!outline?.length) return sections;
  // Destinations name page objects; which page number each is comes from
  // the page tree, read top down (pdf.js guards that walk against cycles).
  // Not doc.getPageIndex: it climbs /Parent links without such a guard, and
  // a crafted cycle there would hang this thread.
  const pageOf = new Map<string, number>();
  for (let n = 1; n <= doc.numPages; n++) {
    const { ref } = await doc.getPage(n);
    if (ref) pageOf.set(`${ref.num}:${ref.gen}`, n);
  }
  const starts: { page: number; path: string[] }[] = [];
  let visited = 0;
  const walk = async (items: OutlineItem[] | null, trail: string[]) => {
    for (const item of items ?? []) {
      if (++visited > MAX_OUTLINE_ENTRIES) return;
      const path = [...trail, item.title.replace(/\s+/g, ' ').trim()];
      const page = await destinationPage(doc, item.dest, pageOf);
      if (page) starts.push({ page, path });
      await walk(item.items, path);
    }
  };
  await walk(outline, []);
  starts.sort((a, b) => a.page - b.page);
  let current: string[] = [];
  for (let page = 1, k = 0; page <= doc.numPages && starts.length; page++) {
    const here: string[] = [];
    for (; k < starts.length && starts[k].page <= page; k++) {
      if (starts[k].page === page) here.push(starts[k].path.at(-1)!);
      current = starts[k].path;
    }
    const titles = [...new Set([...current, ...here])]
      .filter(Boolean)
      .slice(0, MAX_TITLES);
    if (titles.length)
      sections.set(page, titles.join(' › ').slice(0, MAX_SECTION_CHARS));
  }
  return sections;
}

/** The 1-based page an outline destination points at, if it resolves. */
async function destinationPage(
  doc: PdfDocument,
  dest: OutlineItem['dest'],
  pageOf: Map<string, number>,
): Promise<number | undefined> {
  try {
    const explicit =
      typeof dest === 'string' ? await doc.getDestination(dest) : dest;
    const target = explicit?.[0] as unknown;
    if (typeof target === 'number')
      return target >= 0 && target < doc.numPages ? target + 1 : undefined;
    if (target && typeof target === 'object' && 'num' in target) {
      const { num, gen } = target as { num: number; gen: number };
      return pageOf.get(`${num}:${gen}`);
    }
  } catch {
    // A broken destination leaves its entry out.
  }
  return undefined;
}
