// @ts-check

/**
 * The label a host's agent config gives it (`hostLabel`, opt-in: "Dana's
 * MacBook"), kept with the host's latest report so the Hosts list can name
 * the machine beside its hashed id.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('mcpeeker_host_enforcement', table => {
    table
      .string('label', 64)
      .nullable()
      .comment(
        "the label of the host's latest report (null: its agent gives none)",
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('mcpeeker_host_enforcement', table => {
    table.dropColumn('label');
  });
};
