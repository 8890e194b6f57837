import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { PdfParser } from '../src/ingest/PdfParser.js';
import { PdfRejected } from '../src/ingest/pdf.js';
import {
  MAX_INFLATED_STREAM_BYTES,
  overInflatedStream,
} from '../src/ingest/inflatedStreams.js';
import {
  debianManual,
  deflatedPdf,
  parentCyclePdf,
  textPdf,
} from './helpers/pdfs.js';

let manual: Uint8Array;
const one = new PdfParser(1);
const two = new PdfParser(2);

before(() => {
  manual = new Uint8Array(fs.readFileSync(debianManual()));
});
after(() => Promise.all([one.close(), two.close()]));

test('pages shared across two threads come back whole and in order, with progress for every page', async () => {
  const progress: [number, number][] = [];
  const [alone, shared] = await Promise.all([
    one.parse(manual, { maxPages: 5000 }),
    two.parse(manual, {
      maxPages: 5000,
      onPage: (parsed, total) => void progress.push([parsed, total]),
    }),
  ]);
  assert.ok(alone.pages.length > 250, `${alone.pages.length} pages with text`);
  assert.equal(shared.numPages, 311);
  assert.deepEqual(shared, alone);
  assert.equal(progress.length, 311);
  assert.deepEqual(
    progress.map(([parsed]) => parsed),
    Array.from({ length: 311 }, (_, i) => i + 1),
    'counts rise by one',
  );
  assert.ok(progress.every(([, total]) => total === 311));
});

test("each page carries the section titles of the PDF's outline around it", async () => {
  const { pages } = await two.parse(manual, { maxPages: 5000 });
  const section = (n: number) => pages.find(p => p.page === n)?.section;
  // The gnuplot manual's bookmarks: part, command, subsection.
  assert.equal(
    section(120),
    'III Commands › Plot › Ranges › Functions › Parametric',
  );
  assert.match(section(50)!, /^I Gnuplot › Linetypes, colors, and styles/);
  // Before the first bookmark (the cover, the contents) there is none.
  assert.equal(section(1), undefined);
  assert.ok(pages.filter(p => p.section).length > 250);
});

test('a parse that outlasts its deadline is rejected, its thread replaced, and the next parse works', async () => {
  await assert.rejects(
    one.parse(manual, { maxPages: 5000, timeoutMs: 50 }),
    (e: unknown) => {
      assert.ok(e instanceof PdfRejected);
      assert.match(
        e.message,
        /could not be read within 0 s \(PDF_PARSE_TIMEOUT_MS\)/,
      );
      return true;
    },
  );
  const small = await textPdf(['Only one page of text here.']);
  const { pages } = await one.parse(new Uint8Array(small), { maxPages: 10 });
  assert.equal(pages[0].text, 'Only one page of text here.');
});

test('a bookmark whose page climbs a /Parent cycle neither hangs the parse nor gets a section', async () => {
  const { pages } = await one.parse(new Uint8Array(parentCyclePdf()), {
    maxPages: 10,
    timeoutMs: 20_000,
  });
  assert.deepEqual(pages, [
    { page: 1, text: 'Page one text' },
    { page: 2, text: 'Page two text' },
  ]);
});

test('a rejection from any thread rejects the document, and the pool keeps working', async () => {
  await assert.rejects(
    two.parse(manual, { maxPages: 100 }),
    (error: unknown) => {
      assert.ok(error instanceof PdfRejected);
      assert.equal(error.reason, 'too_many_pages');
      assert.match(error.message, /has 311 pages; the limit is 100/);
      return true;
    },
  );
  const truncated = manual.subarray(0, Math.floor(manual.length / 3));
  await assert.rejects(
    two.parse(truncated, { maxPages: 5000 }),
    (error: unknown) =>
      error instanceof PdfRejected && error.reason === 'corrupt',
  );
  assert.equal((await two.parse(manual, { maxPages: 5000 })).numPages, 311);
});

test('a decompression bomb is rejected before pdf.js inflates it, and the pool keeps working', async () => {
  const text = Buffer.from('BT /F1 12 Tf 72 720 Td (Tiny upload) Tj ET\n');
  const bomb = deflatedPdf(
    Buffer.concat([text, Buffer.alloc(MAX_INFLATED_STREAM_BYTES + 1, ' ')]),
    1,
  );
  assert.ok(bomb.length < MAX_INFLATED_STREAM_BYTES / 100, 'a small upload');
  const before = process.memoryUsage().rss;
  await assert.rejects(one.parse(bomb, { maxPages: 10 }), (error: unknown) => {
    assert.ok(error instanceof PdfRejected);
    assert.equal(error.reason, 'decompression_bomb');
    assert.match(error.message, /inflates past 128 MB/);
    return true;
  });
  // pdf.js inflating it whole would take the process past 300 MB more.
  assert.ok(process.memoryUsage().rss - before < 2 * MAX_INFLATED_STREAM_BYTES);
  assert.deepEqual(
    (await one.parse(deflatedPdf(text), { maxPages: 10 })).pages,
    [{ page: 1, text: 'Tiny upload' }],
  );
});

test('only FlateDecode streams that could pass the limit are inflated to check', () => {
  const spaces = (n: number) => Buffer.alloc(n, ' ');
  assert.equal(
    overInflatedStream(deflatedPdf(spaces(2_000_000)), 4_000_000),
    undefined,
  );
  assert.ok(overInflatedStream(deflatedPdf(spaces(2_000_000)), 1_000_000)! > 0);
  // An image is never decoded for its text; an uncompressed stream cannot grow.
  const image = deflatedPdf(spaces(2_000_000))
    .toString('latin1')
    .replace('/Filter /FlateDecode', '/Subtype /Image /Filter /FlateDecode');
  assert.equal(
    overInflatedStream(Buffer.from(image, 'latin1'), 1_000_000),
    undefined,
  );
  assert.equal(overInflatedStream(manual), undefined, 'a real manual passes');
});

test('a failing progress callback fails the parse instead of crashing the process', async () => {
  let calls = 0;
  const onPage = async () => {
    if (++calls === 3) throw new Error('database unreachable');
  };
  await assert.rejects(
    two.parse(manual, { maxPages: 5000, onPage }),
    /database unreachable/,
  );
});
