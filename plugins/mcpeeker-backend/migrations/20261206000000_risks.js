// @ts-check

/**
 * Risk facts (docs/scoring.md, Risk): the most severe risk that counts on
 * each finding (0 none, 1 low, 2 medium, 3 high: what `minRisk` lists by),
 * the kinds an admin accepted on an approved registry entry, and which high
 * risks each finding's owner was told of (once per finding and kind).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('mcpeeker_findings', table => {
    table.integer('risk_level').notNullable().defaultTo(0);
  });
  await knex.schema.alterTable('mcpeeker_registry_entries', table => {
    table.text('accepted_risks').nullable();
  });
  await knex.schema.createTable('mcpeeker_risk_alerts', table => {
    table.string('composite_id', 64).notNullable();
    table.string('kind', 64).notNullable();
    table.string('owner', 256).nullable();
    table.timestamp('alerted_at', { useTz: true }).notNullable();
    table.primary(['composite_id', 'kind']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mcpeeker_risk_alerts');
  await knex.schema.alterTable('mcpeeker_registry_entries', table => {
    table.dropColumn('accepted_risks');
  });
  await knex.schema.alterTable('mcpeeker_findings', table => {
    table.dropColumn('risk_level');
  });
};
