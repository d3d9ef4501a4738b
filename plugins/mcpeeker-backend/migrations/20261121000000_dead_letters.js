// @ts-check

/**
 * Events that could not be accepted, kept with the reason so that nothing is
 * dropped silently. The payload is redacted before it is stored.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mcpeeker_dead_letters', table => {
    table.bigIncrements('id').primary();
    table.string('transport', 16).notNullable().comment('http | nats');
    table
      .string('layer', 16)
      .nullable()
      .comment('endpoint | network | gateway, when known');
    table
      .string('message_id', 255)
      .nullable()
      .comment('NATS message id or batch item, when known');
    table.text('reason').notNullable();
    table
      .text('payload')
      .notNullable()
      .comment('redacted, truncated to 64 KiB');
    table
      .integer('payload_bytes')
      .notNullable()
      .comment('size of the original payload');
    table.timestamp('received_at', { useTz: true }).notNullable();
    table.index(['received_at'], 'mcpeeker_dead_letters_received_idx');
    table.unique(['transport', 'message_id'], {
      indexName: 'mcpeeker_dead_letters_message_uq',
    });
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mcpeeker_dead_letters');
};
