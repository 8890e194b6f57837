import type { Knex } from 'knex';
import { isPostgres, type Migration } from './migration.js';

/**
 * How many chunks of each document hold each term, for stores that keep
 * chunks elsewhere (Pinecone): the collection's document frequencies, which
 * the BM25 half of a sparse-dense query and the decline checks need. Rows
 * go in with the document's row and leave with it (ON DELETE CASCADE).
 */
export const documentTerms: Migration = {
  name: '004_document_terms',
  async up(knex: Knex) {
    const documentId = isPostgres(knex) ? 'UUID' : 'TEXT';
    await knex.raw(
      `CREATE TABLE document_terms (
        document_id ${documentId} NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        collection_id TEXT NOT NULL,
        term TEXT NOT NULL,
        chunks INTEGER NOT NULL,
        PRIMARY KEY (document_id, term)
      )`,
    );
    await knex.raw(
      'CREATE INDEX document_terms_collection_term ON document_terms (collection_id, term)',
    );
  },
};
