// @ts-check

/**
 * Findings judged not to be an MCP server (docs/scoring.md, "Judged not an
 * MCP server"): all their evidence is LLM-gateway requests and the Judge's
 * verdict is not-mcp. A column the lists filter on; what sets it is the
 * correlation step (`judgedNotMcp`), so the findings that only a gateway saw
 * are rebuilt from their events when the store starts, and get it then.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('mcpeeker_findings', table => {
    table
      .boolean('not_mcp')
      .notNullable()
      .defaultTo(false)
      .comment(
        'judged not an MCP server (judgedNotMcp): left out of the default lists, the counts and the catalog',
      );
  });
  await knex('mcpeeker_findings')
    .where('layers', 'gateway')
    .update({ totals: null });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('mcpeeker_findings', table => {
    table.dropColumn('not_mcp');
  });
};
