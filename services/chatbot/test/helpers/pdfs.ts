import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
