import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import type { ParsedPage } from './pdf.js';

export interface PageChunk {
  page: number;
  text: string;
  section?: string;
}

/**
 * Splits each page on its own, so every chunk keeps the page it came from
 * for citations. langchain's recursive splitter prefers paragraph, then line,
 * then sentence boundaries.
 */
export async function chunkPages(
  pages: ParsedPage[],
  chunkSize: number,
  chunkOverlap: number,
): Promise<PageChunk[]> {
  const splitter = new RecursiveCharacterTextSplitter({
    chunkSize,
    chunkOverlap,
    separators: ['\n\n', '\n', '. ', ' ', ''],
  });
  const chunks: PageChunk[] = [];
  for (const { page, text, section } of pages) {
    for (const piece of await splitter.splitText(text)) {
      if (piece.trim().length > 0) chunks.push({ page, text: piece, section });
    }
  }
  return chunks;
}
