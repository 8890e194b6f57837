import zlib from 'node:zlib';

/**
 * The most one compressed stream may inflate to. pdf.js decodes a page's
 * content stream whole and has no limit of its own, so a 1.5 MB upload of
 * deflated spaces (deflate reaches about 1,000:1) took the service past
 * 3.5 GB before this check. Worker resourceLimits do not help: decoded
 * streams live in ArrayBuffers, outside the V8 heap they cap.
 */
export const MAX_INFLATED_STREAM_BYTES = 128 * 1024 * 1024;

// Deflate cannot expand data more than about 1,032 times: a smaller
// stream cannot pass the limit, and is not inflated here.
const MAX_DEFLATE_RATIO = 1032;

const STREAM = Buffer.from('stream');
const END_STREAM = Buffer.from('endstream');

/**
 * The first FlateDecode stream of the PDF that inflates past `limit`
 * bytes, as its offset, or undefined. Streams are found by their keywords
 * and the dictionary before them (which may hold `/FlateDecode`); image
 * streams are skipped, as text extraction never decodes them. Streams that
 * do not inflate cleanly are pdf.js's to judge. Other filters (LZW, or
 * Flate behind ASCII85) are not checked.
 */
export function overInflatedStream(
  pdf: Uint8Array,
  limit = MAX_INFLATED_STREAM_BYTES,
): number | undefined {
  const bytes = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  const smallest = Math.floor(limit / MAX_DEFLATE_RATIO);
  for (
    let at = bytes.indexOf(STREAM);
    at !== -1;
    at = bytes.indexOf(STREAM, at + STREAM.length)
  ) {
    if (bytes[at - 1] === 0x64 /* d: "endstream" */) continue;
    let start = at + STREAM.length;
    if (bytes[start] === 0x0d) start++;
    if (bytes[start] !== 0x0a) continue;
    start++;
    const end = bytes.indexOf(END_STREAM, start);
    const stop = end === -1 ? bytes.length : end;
    if (stop - start < smallest) continue;
    const dictionary = bytes
      .subarray(Math.max(0, at - 512), at)
      .toString('latin1');
    const own = dictionary.slice(dictionary.lastIndexOf('obj') + 1);
    if (!/\/FlateDecode\b/.test(own) || /\/Subtype\s*\/Image\b/.test(own))
      continue;
    if (inflatesPast(bytes.subarray(start, stop), limit)) return at;
    at = stop;
  }
  return undefined;
}

function inflatesPast(data: Buffer, limit: number): boolean {
  try {
    zlib.inflateSync(data, {
      maxOutputLength: limit,
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
    });
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
  }
}
