export type PdfRejectionReason =
  | 'encrypted'
  | 'corrupt'
  | 'no_text'
  | 'too_many_pages'
  | 'decompression_bomb';

/** Why a PDF could not be ingested, in words a person can act on. */
export class PdfRejected extends Error {
  name = 'PdfRejected';
  constructor(readonly reason: PdfRejectionReason, message: string) {
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
  /** The PDF outline's section titles around the page, outermost first. */
  section?: string;
}
