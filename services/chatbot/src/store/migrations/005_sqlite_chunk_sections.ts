import type { Knex } from 'knex';
import { isPostgres, type Migration } from './migration.js';

/**
 * Each chunk's section titles (the PDF outline's, around its page), and the
 * lexical index over text and section both: a section title is the author's
 * own name for what a page is about, so a match there weighs more
 * (SqliteLexicalIndex). The index is rebuilt with the new column and its
 * triggers; chunks stored before have an empty section.
 */
export const sqliteChunkSections: Migration = {
  name: '005_sqlite_chunk_sections',
  async up(knex: Knex) {
    if (isPostgres(knex)) return;
    for (const statement of [
      `ALTER TABLE chunks ADD COLUMN section TEXT NOT NULL DEFAULT ''`,
      'DROP TRIGGER chunks_fts_insert',
      'DROP TRIGGER chunks_fts_delete',
      'DROP TABLE chunks_fts',
      `CREATE VIRTUAL TABLE chunks_fts USING fts5(
        text, section, content='chunks', content_rowid='rowid',
        tokenize='porter unicode61 remove_diacritics 2'
      )`,
      `CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
        INSERT INTO chunks_fts (rowid, text, section) VALUES (new.rowid, new.text, new.section);
      END`,
      `CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
        INSERT INTO chunks_fts (chunks_fts, rowid, text, section) VALUES ('delete', old.rowid, old.text, old.section);
      END`,
      `INSERT INTO chunks_fts (chunks_fts) VALUES ('rebuild')`,
    ]) {
      await knex.raw(statement);
    }
  },
};
