import type { Knex } from 'knex';
import type { Migration } from './migration.js';

/**
 * How many of a document's chunks hold a term in their text, apart from
 * their section titles: a chapter's title words ("Terminal types") repeat
 * over every page of the chapter, so counted with the titles they look like
 * the document's own vocabulary and point questions at it (Retriever's
 * documentFocus). Null for rows stored before: their counts stand in.
 */
export const documentTermTextChunks: Migration = {
  name: '006_document_term_text_chunks',
  async up(knex: Knex) {
    await knex.raw('ALTER TABLE document_terms ADD COLUMN text_chunks INTEGER');
  },
};
