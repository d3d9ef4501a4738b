// @ts-check

/**
 * Who registered the approved entry a finding matches: they see the finding
 * too, beside the endpoint's owner.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('mcpeeker_findings', table => {
    table.string('registry_owner', 256).nullable().index();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('mcpeeker_findings', table => {
    table.dropColumn('registry_owner');
  });
};
