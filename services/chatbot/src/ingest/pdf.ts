import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** Why a PDF could not be ingested, in words a person can act on. */
export class PdfRejected extends Error {
  name = 'PdfRejected';
  constructor(
    readonly reason: 'not_pdf' | 'encrypted' | 'corrupt' | 'no_text' | 'too_many_pages' | 'empty',
    message: string,
  ) {
    super(message);
  }
}

/** True when the bytes start like a PDF (within the first 1 KB, as readers allow). */
export function looksLikePdf(head: Uint8Array): boolean {
  return Buffer.from(head.subarray(0, 1024)).includes('%PDF-');
}

export interface ParsedPage {
  page: number; // 1-based
  text: string;
}

/**
 * Extracts the text of each page with pdf.js. Encrypted, corrupt, truncated,
 * over-long and image-only documents are rejected with a PdfRejected.
 */
export async function parsePdf(
  data: Uint8Array,
  options: { maxPages: number; onPage?: (parsed: number, total: number) => void | Promise<void> },
): Promise<ParsedPage[]> {
  if (data.byteLength === 0) throw new PdfRejected('empty', 'the file is empty (0 bytes)');
  if (!looksLikePdf(data)) {
    throw new PdfRejected('not_pdf', 'the file is not a PDF: its content does not start with %PDF-');
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
    const name = (error as Error)?.name;
    if (name === 'PasswordException') {
      throw new PdfRejected('encrypted', 'the PDF is password-protected; upload an unencrypted copy');
    }
    throw new PdfRejected('corrupt', `the PDF is corrupt or truncated and cannot be read (${(error as Error).message})`);
  }
  try {
    if (doc.numPages > options.maxPages) {
      throw new PdfRejected(
        'too_many_pages',
        `the PDF has ${doc.numPages} pages; the limit is ${options.maxPages} (MAX_PAGES)`,
      );
    }
    const pages: ParsedPage[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      let text: string;
      try {
        const page = await doc.getPage(n);
        const content = await page.getTextContent();
        text = content.items
          .map(item => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : ''))
          .join('')
          .replace(/[ \t]+/g, ' ')
          .trim();
        page.cleanup();
      } catch (error) {
        throw new PdfRejected('corrupt', `page ${n} of the PDF cannot be read (${(error as Error).message})`);
      }
      if (text) pages.push({ page: n, text });
      await options.onPage?.(n, doc.numPages);
    }
    if (pages.length === 0) {
      throw new PdfRejected(
        'no_text',
        'no extractable text: the PDF holds only images (scanned?); run OCR on it first',
      );
    }
    return pages;
  } finally {
    await doc.destroy();
  }
}
