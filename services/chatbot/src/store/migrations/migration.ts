import type { Knex } from 'knex';

/** One step of the metadata schema's history; never edit one that shipped. */
export interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
}

export const isPostgres = (knex: Knex) => knex.client.config.client === 'pg';
