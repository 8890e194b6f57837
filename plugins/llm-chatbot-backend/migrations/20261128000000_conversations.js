// @ts-check

/**
 * Conversations of one user with one entity's chatbot, and their messages.
 * service_conversation_id is the chatbot service's own conversation, which
 * holds the memory it rewrites follow-up questions with.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('llm_chatbot_conversations', table => {
    table.uuid('id').primary();
    table.string('user_ref').notNullable();
    table.string('entity_ref').notNullable();
    table.string('title', 200).notNullable();
    table.string('service_conversation_id').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(
      ['user_ref', 'entity_ref', 'updated_at'],
      'llm_chatbot_conversations_owner_idx',
    );
  });
  await knex.schema.createTable('llm_chatbot_messages', table => {
    table.increments('seq').primary();
    table
      .uuid('conversation_id')
      .notNullable()
      .references('id')
      .inTable('llm_chatbot_conversations')
      .onDelete('CASCADE');
    table.string('role', 16).notNullable();
    table.text('content').notNullable();
    /** JSON: the sources an answer cited. */
    table.text('sources').nullable();
    /** complete, stopped (the user stopped it) or failed. */
    table.string('status', 16).notNullable();
    table.string('error', 1000).nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(
      ['conversation_id', 'seq'],
      'llm_chatbot_messages_conversation_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('llm_chatbot_messages');
  await knex.schema.dropTable('llm_chatbot_conversations');
};
