/**
 * How fast can any PDF engine available here read the manual on one thread?
 * This bounds what ingestion can reach: with the pages shared perfectly
 * across the parser threads, a document cannot be ingested faster than the
 * fastest engine's single-thread time divided by the threads. The benchmark
 * prints that as the ceiling on the ingestion ratio, whichever engine it is
 * (poppler included, though the service does not use it).
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

const require = createRequire(import.meta.url);
const pdfParse = require('pdf-parse/lib/pdf-parse.js') as (
  data: Buffer,
  options: object,
) => Promise<unknown>;

/** pdf.js 5 with the options the service's parser threads use. */
export async function pdfjs5(data: Buffer) {
  const doc = await getDocument({
    data: new Uint8Array(data),
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: true,
    verbosity: 0,
  }).promise;
  try {
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      await page.getTextContent();
      page.cleanup();
    }
  } finally {
    await doc.destroy();
  }
}

/** pdf.js 1.10 inside pdf-parse, the engine of langchain's PDFLoader. */
async function pdfjs110(data: Buffer) {
  await pdfParse(data, {
    pagerender: async (page: any) => (await page.getTextContent()).items.length,
  });
}

/** Poppler's pdftotext (C++), when the machine has it. */
function poppler(data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'pdftotext',
      ['-q', '-', '-'],
      { maxBuffer: 64 * 1024 * 1024 },
      error => (error ? reject(error) : resolve()),
    );
    child.stdin!.on('error', reject); // EPIPE if pdftotext exits early
    child.stdin!.end(data);
  });
}

const hasPoppler = () =>
  new Promise<boolean>(resolve =>
    execFile('pdftotext', ['-v'], error => resolve(!error)),
  );

/** Best of `runs` warm single-thread runs per engine, in ms. */
export async function pdfEngineTimes(
  data: Buffer,
  runs: number,
): Promise<Record<string, number>> {
  const engines: Record<string, (d: Buffer) => Promise<unknown>> = {
    'pdf.js 5 (ours)': pdfjs5,
    'pdf.js 1.10 (pdf-parse)': pdfjs110,
  };
  if (await hasPoppler()) engines['poppler pdftotext'] = poppler;
  const best: Record<string, number> = {};
  for (const [name, run] of Object.entries(engines)) {
    await run(data); // warm-up
    for (let r = 0; r < runs; r++) {
      const start = performance.now();
      await run(data);
      best[name] = Math.min(best[name] ?? Infinity, performance.now() - start);
    }
  }
  return best;
}
