// @ts-check

/**
 * A registry entry may carry the server's official `server.json` (imported,
 * or given at registration): the MCP Registry API view serves it as is.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('mcpeeker_registry_entries', table => {
    table.text('server_json').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('mcpeeker_registry_entries', table => {
    table.dropColumn('server_json');
  });
};
