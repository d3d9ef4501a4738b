// @ts-check

/**
 * The registry of MCP servers (developers register, admins decide) and the
 * append-only audit log whose rows are chained by HMAC.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mcpeeker_registry_entries', table => {
    table.string('id', 36).primary();
    table.string('name', 128).notNullable();
    table.string('owner', 256).notNullable().index();
    table.string('team', 256).notNullable();
    table.text('purpose').notNullable();
    table
      .text('identity')
      .notNullable()
      .comment('JSON: what identifies the server');
    table
      .string('identity_key', 64)
      .notNullable()
      .comment('SHA-256 of the canonical identity');
    table
      .string('composite_ids', 1024)
      .notNullable()
      .defaultTo('')
      .comment('comma-separated composite ids the entry matches');
    table.string('transport', 8).notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.string('status', 16).notNullable().index();
    table.string('created_by', 256).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.string('decided_by', 256);
    table.timestamp('decided_at', { useTz: true });
    table.text('decision_reason');
    table
      .string('reminded', 16)
      .notNullable()
      .defaultTo('')
      .comment('last expiry reminder sent: 14d, 1d');
    table.timestamp('deleted_at', { useTz: true });
    table.index(['identity_key']);
  });
  await knex.schema.createTable('mcpeeker_audit', table => {
    table.bigInteger('seq').primary();
    table.timestamp('at', { useTz: true }).notNullable();
    table.string('actor', 256).notNullable();
    table.string('action', 32).notNullable();
    table.string('entry_id', 36);
    table.text('details').notNullable();
    table.string('prev_hmac', 64).notNullable();
    table.string('hmac', 64).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mcpeeker_audit');
  await knex.schema.dropTable('mcpeeker_registry_entries');
};
