import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';

/** A real PDF, one page per string, written by pdf-lib with a standard font. */
export async function textPdf(pages: string[]): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const text of pages) {
    const page = doc.addPage([595, 842]);
    const lines = wrap(text, 90);
    lines.forEach((line, i) =>
      page.drawText(line, { x: 50, y: 790 - i * 14, size: 11, font }),
    );
  }
  return Buffer.from(await doc.save());
}

/** A PDF whose pages hold only drawn shapes: what a scan without OCR looks like. */
export async function imageOnlyPdf(pageCount = 2): Promise<Buffer> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pageCount; i++) {
    const page = doc.addPage([595, 842]);
    page.drawRectangle({
      x: 50,
      y: 50,
      width: 400,
      height: 600,
      color: rgb(0.2, 0.3, 0.4),
    });
  }
  return Buffer.from(await doc.save());
}

/** Encrypts a PDF with a user password using qpdf (Debian's qpdf). */
export function encrypt(pdf: Buffer): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdf-'));
  const input = path.join(dir, 'in.pdf');
  const output = path.join(dir, 'out.pdf');
  fs.writeFileSync(input, pdf);
  execFileSync('qpdf', [
    '--encrypt',
    'user-secret',
    'owner-secret',
    '256',
    '--',
    input,
    output,
  ]);
  const result = fs.readFileSync(output);
  fs.rmSync(dir, { recursive: true, force: true });
  return result;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if ((line + ' ' + word).trim().length > width) {
      lines.push(line);
      line = word;
    } else {
      line = `${line} ${word}`.trim();
    }
  }
  if (line) lines.push(line);
  return lines.slice(0, 50);
}

/**
 * A real-world manual from a Debian documentation package: gnuplot.pdf
 * (311 pages, pdfTeX). Fetched with apt-get download on first use and kept
 * in test/fixtures/generated/, which git ignores.
 */
export function debianManual(): string {
  const dir = path.resolve(import.meta.dirname, '../fixtures/generated');
  const target = path.join(dir, 'gnuplot.pdf');
  if (fs.existsSync(target)) return target;
  fs.mkdirSync(dir, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gnuplot-doc-'));
  execFileSync('apt-get', ['download', 'gnuplot-doc'], {
    cwd: work,
    stdio: 'ignore',
  });
  const deb = fs.readdirSync(work).find(f => f.endsWith('.deb'))!;
  execFileSync('dpkg', ['-x', deb, 'x'], { cwd: work });
  fs.copyFileSync(
    path.join(work, 'x/usr/share/doc/gnuplot/gnuplot.pdf'),
    target,
  );
  fs.rmSync(work, { recursive: true, force: true });
  return target;
}

/**
 * A two-page PDF whose one bookmark points at a page object outside the
 * page tree, whose /Parent links run in a cycle: built to hang a reader
 * that climbs /Parent to number the page (pdf.js's getPageIndex does).
 */
export function parentCyclePdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R /Outlines 8 0 R >>',
    '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Resources << /Font << /F1 7 0 R >> >> >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 6 0 R /Resources << /Font << /F1 7 0 R >> >> >>',
    stream('BT /F1 12 Tf 72 720 Td (Page one text) Tj ET'),
    stream('BT /F1 12 Tf 72 720 Td (Page two text) Tj ET'),
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    '<< /Type /Outlines /First 9 0 R /Last 9 0 R /Count 1 >>',
    '<< /Title (Introduction) /Parent 8 0 R /Dest [10 0 R /Fit] >>',
    '<< /Type /Page /Parent 11 0 R /MediaBox [0 0 595 842] >>',
    '<< /Type /Pages /Parent 12 0 R /Kids [10 0 R 12 0 R] /Count 1 >>',
    '<< /Type /Pages /Parent 11 0 R /Kids [11 0 R] /Count 1 >>',
  ];
  return pdfOf(objects);
}

/**
 * A one-page PDF whose content stream is `content` deflated (FlateDecode):
 * with a large run of spaces after the text, a decompression bomb.
 */
export function deflatedPdf(content: Buffer, level = 9): Buffer {
  const deflated = zlib.deflateSync(content, { level });
  return pdfOf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    Buffer.concat([
      Buffer.from(
        `<< /Length ${deflated.length} /Filter /FlateDecode >>\nstream\n`,
      ),
      deflated,
      Buffer.from('\nendstream'),
    ]),
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]);
}

/** Numbered objects, an xref table and a trailer whose root is object 1. */
function pdfOf(objects: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n')];
  let length = parts[0].length;
  const offsets = objects.map((body, i) => {
    const at = length;
    for (const part of [`${i + 1} 0 obj\n`, body, '\nendobj\n']) {
      const bytes =
        typeof part === 'string' ? Buffer.from(part, 'latin1') : part;
      parts.push(bytes);
      length += bytes.length;
    }
    return at;
  });
  let tail = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const at of offsets)
    tail += `${String(at).padStart(10, '0')} 00000 n \n`;
  tail += `trailer\n<< /Size ${
    objects.length + 1
  } /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`;
  return Buffer.concat([...parts, Buffer.from(tail, 'latin1')]);
}

function stream(content: string) {
  return `<< /Length ${content.length} >>\nstream\n${content}\nendstream`;
}
