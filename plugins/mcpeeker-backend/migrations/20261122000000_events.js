// @ts-check

/**
 * Every accepted event, once (keyed by its content-hash id), as received
 * after validation and a second redaction. Correlation reads from here.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mcpeeker_events', table => {
    table.string('event_id', 64).primary();
    table.string('layer', 16).notNullable();
    table.string('composite_id', 64).notNullable();
    table.string('host_id_hash', 64).nullable();
    table.timestamp('observed_at', { useTz: true }).notNullable();
    table.timestamp('received_at', { useTz: true }).notNullable();
    table.string('transport', 16).notNullable().comment('http | nats');
    table
      .integer('redacted_values')
      .notNullable()
      .defaultTo(0)
      .comment('secrets the backend had to redact');
    table.text('payload').notNullable().comment('the event as JSON');
    table
      .string('finding_id', 64)
      .nullable()
      .comment('the finding correlation put it in');
    table.index(
      ['composite_id', 'observed_at'],
      'mcpeeker_events_composite_idx',
    );
    table.index(['received_at'], 'mcpeeker_events_received_idx');
    table.index(['finding_id', 'observed_at'], 'mcpeeker_events_finding_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mcpeeker_events');
};
