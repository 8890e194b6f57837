// @ts-check

/**
 * The trace an answer ran under, when the chatbot service reports one, so
 * the chat panel links it in Tempo after a reload too.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('llm_chatbot_messages', table => {
    table.string('trace_id', 32).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('llm_chatbot_messages', table => {
    table.dropColumn('trace_id');
  });
};
