// @ts-check

/**
 * The tool set an approved entry pinned (names and definition hashes, JSON):
 * a later detection with another set loses the registry discount. Each
 * changed set seen on a finding is told once, with the Judge's explanation.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('mcpeeker_registry_entries', table => {
    table.text('pinned_tools').nullable();
  });
  await knex.schema.createTable('mcpeeker_tool_changes', table => {
    table.string('composite_id', 64).notNullable();
    /** toolSetFingerprint of the set seen. */
    table.string('fingerprint', 64).notNullable();
    table.string('entry_id', 64).notNullable();
    table.text('explanation').notNullable();
    table.string('judged_by', 16).notNullable();
    table.timestamp('noticed_at', { useTz: true }).notNullable();
    table.primary(['composite_id', 'fingerprint']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mcpeeker_tool_changes');
  await knex.schema.alterTable('mcpeeker_registry_entries', table => {
    table.dropColumn('pinned_tools');
  });
};
