// @ts-check

/**
 * Servers no longer reported (docs/scoring.md, "No longer reported"):
 * - each host's and owner's latest complete scan inventory (the servers its
 *   agent's last scan found in the clients' configs; a scan that could not
 *   read a config file is not kept);
 * - on findings, whether the finding is no longer reported: what the lists
 *   leave out by default.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mcpeeker_scan_inventories', table => {
    table
      .string('host_id_hash', 64)
      .notNullable()
      .comment('salted hash of the host id, as its events carry it');
    table
      .string('owner', 256)
      .notNullable()
      .comment(
        "the owner its reports are stored for ('' for none): a shared host has a row per owner",
      );
    table.primary(['host_id_hash', 'owner']);
    table
      .bigInteger('scanned_at')
      .notNullable()
      .comment(
        'the scan time (epoch ms); an older inventory never replaces a newer one',
      );
    table
      .text('config_ids')
      .notNullable()
      .comment('JSON array of the composite ids its config entries named');
  });
  await knex.schema.alterTable('mcpeeker_findings', table => {
    table
      .boolean('no_longer_reported')
      .notNullable()
      .defaultTo(false)
      .comment(
        'no agent reports it any more (breakdown.noLongerReported): left out of the default lists',
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('mcpeeker_findings', table => {
    table.dropColumn('no_longer_reported');
  });
  await knex.schema.dropTable('mcpeeker_scan_inventories');
};
