/**
 * The path a user would write by default with langchain.js, as the Python
 * original did: load the PDF (pdf-parse, the engine behind langchain's
 * PDFLoader, one Document per page), split with the recursive splitter's
 * defaults, put everything in langchain's MemoryVectorStore — and redo all of
 * it on every question.
 */
import { createRequire } from 'node:module';
import { Document } from '@langchain/core/documents';
import type { Embeddings } from '@langchain/core/embeddings';
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import { MemoryVectorStore } from '@langchain/classic/vectorstores/memory';

const require = createRequire(import.meta.url);
// pdf-parse's index.js reads a test file when it has no parent module; load the library itself.
const pdfParse = require('pdf-parse/lib/pdf-parse.js') as (
  data: Buffer,
  options: object,
) => Promise<unknown>;

async function loadPdfLikePdfLoader(data: Buffer): Promise<Document[]> {
  const pages: Document[] = [];
  await pdfParse(data, {
    pagerender: async (pageData: any) => {
      const content = await pageData.getTextContent();
      const text = content.items.map((i: any) => i.str).join('\n');
      pages.push(
        new Document({
          pageContent: text,
          metadata: { loc: { pageNumber: pageData.pageIndex + 1 } },
        }),
      );
      return text;
    },
  });
  return pages;
}

export async function baselineIngest(
  files: Buffer[],
  embeddings: Embeddings,
): Promise<MemoryVectorStore> {
  const docs = (await Promise.all(files.map(loadPdfLikePdfLoader))).flat();
  const splits = await new RecursiveCharacterTextSplitter().splitDocuments(
    docs,
  );
  return MemoryVectorStore.fromDocuments(splits, embeddings);
}

export async function baselineQuestion(
  files: Buffer[],
  embeddings: Embeddings,
  question: string,
) {
  const store = await baselineIngest(files, embeddings);
  return store.similaritySearchWithScore(question, 4);
}
