/**
 * Where pdf.js spends its time reading the benchmark's manual: a CPU profile
 * (the inspector's sampling profiler, in process) of text extraction with
 * the options the service's parser threads use, summed by function. This is
 * what bounds ingestion (parsing is ~85 % of it: see the README).
 *
 *   npm run bench:profile-pdf
 */
import fs from 'node:fs';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import { debianManual } from '../test/helpers/pdfs.js';
import { pdfjs5 as extract } from './pdfEngines.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

const manual = fs.readFileSync(debianManual());
await extract(manual); // warm: JIT compilation is not what we look for
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });
await session.post('Profiler.start');
const start = performance.now();
await extract(manual);
const ms = performance.now() - start;
const { profile } = await session.post('Profiler.stop');
session.disconnect();

const nodes = profile.nodes as ProfileNode[];
const samples = nodes.reduce((n, node) => n + (node.hitCount ?? 0), 0);
const byFunction = new Map<string, number>();
const byArea = new Map<string, number>();
// pdf.js is one bundled file, so areas are told apart by function names.
const AREAS: [string, RegExp][] = [
  [
    'text layout: glyph positions, runs, bidi, normalisation',
    /^(transform|buildTextContentItem|compareWithLastPosition|charsToGlyphs|ensureTextContentItem|runBidiTransform|bidi|normalizeUnicode|handleSetFont|getTextContent|flushTextContentItem|applyInverseRotation|showSpacedText|addFakeSpaces)$/,
  ],
  [
    "messages between pdf.js's API and its in-thread worker: structured clone, promises",
    /^(structuredClone|promiseBody|clone|runMicrotasks|postMessage|onMessage|_onComObjOnMessage)$/,
  ],
  [
    'PDF object parsing and stream decoding',
    /^(getObj|getString|getName|get|getNumber|getBytes|getByte|readBlock|shift|makeSubStream|fetch|fetchUncompressed|getOperatorList|read|ensureBuffer|makeInlineImage|lookahead)$|Lexer|Parser|Stream|Decode|Flate/,
  ],
  [
    'fonts: loading and glyph maps',
    /font|glyph|cff|type1|truetype|cmap|encoding|charstring/i,
  ],
  ['garbage collection and idle', /garbage|\(idle\)|\(program\)|\(root\)/],
];
const area = (name: string) =>
  AREAS.find(([, pattern]) => pattern.test(name))?.[0] ?? 'other';
for (const node of nodes) {
  const hits = node.hitCount ?? 0;
  if (!hits) continue;
  const name = node.callFrame.functionName || '(anonymous)';
  const file = path.basename(node.callFrame.url || '(native)');
  const key = `${name}  ${file}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
  byArea.set(area(name), (byArea.get(area(name)) ?? 0) + hits);
}
const pct = (hits: number) => `${((hits / samples) * 100).toFixed(1)} %`;
console.log(`pdf.js text extraction, ${ms.toFixed(0)} ms, ${samples} samples`);
console.log('\nby area (function names):');
for (const [name, hits] of [...byArea].sort((a, b) => b[1] - a[1]))
  console.log(`  ${pct(hits).padStart(7)}  ${name}`);
console.log('\ntop functions (self time):');
for (const [name, hits] of [...byFunction]
  .sort((a, b) => b[1] - a[1])
  .slice(0, 20))
  console.log(`  ${pct(hits).padStart(7)}  ${name}`);
