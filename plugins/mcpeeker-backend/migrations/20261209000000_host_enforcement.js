// @ts-check

/**
 * Each host's latest word on the managed MCP policy its clients are under
 * (`host.enforcement` of its endpoint events, or the status an agent sends
 * after a scan that found nothing): what the portal shows as "enforces" or
 * "reports only".
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mcpeeker_host_enforcement', table => {
    table
      .string('host_id_hash', 64)
      .notNullable()
      .comment('salted hash of the host id, as its events carry it');
    table
      .string('owner', 256)
      .notNullable()
      .index()
      .comment(
        "the owner its reports are stored for ('' for none): who else may see it; a shared host has a row per owner",
      );
    table.primary(['host_id_hash', 'owner']);
    table.string('os', 16).notNullable();
    table
      .text('clients')
      .notNullable()
      .comment(
        'JSON array of { client, mode, byMcpeeker, allowed?, appliedAt? }; empty: reports only',
      );
    table
      .boolean('enforcing')
      .notNullable()
      .comment(
        'at least one client enforces: what the list filters and counts on',
      );
    table
      .timestamp('reported_at', { useTz: true })
      .notNullable()
      .comment(
        'when the agent read the policy files; an older report never replaces a newer one',
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mcpeeker_host_enforcement');
};
