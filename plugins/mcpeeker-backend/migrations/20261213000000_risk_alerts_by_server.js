// @ts-check

/**
 * High risks are told once per owner, server and kind, not per finding: a
 * fix that changes a server's identity (a version pinned, a key moved to an
 * environment reference) makes a new finding of the same server, and its
 * owner was told of its risk already. `server_key` names the server as
 * `riskAlertServerKey` does (its name on its host); rows from before it are
 * still matched by their finding.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('mcpeeker_risk_alerts', table => {
    table
      .string('server_key', 64)
      .nullable()
      .comment('the server told of: riskAlertServerKey (its name on its host)');
    table.unique(['server_key', 'kind', 'owner'], {
      indexName: 'mcpeeker_risk_alerts_by_server',
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('mcpeeker_risk_alerts', table => {
    table.dropUnique(
      ['server_key', 'kind', 'owner'],
      'mcpeeker_risk_alerts_by_server',
    );
    table.dropColumn('server_key');
  });
};
