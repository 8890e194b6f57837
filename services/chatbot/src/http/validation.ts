import path from 'node:path';
import { badRequest, notFound } from '../errors.js';
import { contractPattern } from './contract.js';
import { isUuid } from '../util/ids.js';

const COLLECTION_ID = contractPattern('CollectionId');

export function assertCollectionId(id: string): string {
  if (!COLLECTION_ID.test(id)) {
    throw badRequest(
      `invalid collection id "${id.slice(
        0,
        80,
      )}": use 1-63 lowercase letters, digits and dashes, starting and ending with a letter or digit`,
    );
  }
  return id;
}

/** Malformed ids cannot exist, so they get the same 404 as unknown ones. */
export function assertUuid(id: string, what: string): string {
  if (!isUuid(id)) throw notFound(`${what} ${id.slice(0, 80)} not found`);
  return id;
}

/**
 * The client's filename is kept only as a label: never as a path. Multer
 * hands over the raw header bytes as latin1; decode them as UTF-8.
 */
export function displayFilename(original: string): string {
  const decoded = Buffer.from(original, 'latin1').toString('utf8');
  const base = path.posix.basename(decoded.replace(/\\/g, '/'));
  const clean = base
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  // 200 characters, not UTF-16 units: a cut inside an emoji would leave
  // half of it, which the database stores as U+FFFD.
  const short = Array.from(clean).slice(0, 200).join('');
  return short && short !== '.' && short !== '..' ? short : 'document.pdf';
}
