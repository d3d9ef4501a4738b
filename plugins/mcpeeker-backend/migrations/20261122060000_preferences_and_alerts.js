// @ts-check

/**
 * Each person's finding-alert preferences, and the alerts already sent (one
 * per finding and classification, so a finding seen again alerts no more).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mcpeeker_user_preferences', table => {
    table.string('user_ref', 256).primary();
    table.boolean('finding_alerts').notNullable();
    table.integer('min_score').notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('mcpeeker_finding_alerts', table => {
    table.string('composite_id', 64).notNullable();
    table.string('classification', 16).notNullable();
    table.string('owner', 256).notNullable();
    table.timestamp('alerted_at', { useTz: true }).notNullable();
    table.primary(['composite_id', 'classification']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mcpeeker_finding_alerts');
  await knex.schema.dropTable('mcpeeker_user_preferences');
};
