// @ts-check

/**
 * Findings (the current state of one MCP server identity) and detections
 * (its events merged per layer within the dedup window).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mcpeeker_findings', table => {
    table.string('composite_id', 64).primary();
    table.string('server_name', 256).nullable();
    table.string('host_id_hash', 64).nullable();
    table.string('owner', 256).nullable();
    table.integer('score').notNullable();
    table.string('classification', 16).notNullable();
    table.string('layers', 64).notNullable().comment('comma-separated, sorted');
    table
      .text('signals')
      .notNullable()
      .comment('JSON: counts per layer and source, judge state');
    table
      .text('breakdown')
      .notNullable()
      .comment('JSON: contributions and reasons');
    table.string('registry_status', 16).notNullable().defaultTo('unregistered');
    table.boolean('judge_unavailable').notNullable().defaultTo(false);
    table.timestamp('first_seen', { useTz: true }).notNullable();
    table.timestamp('last_seen', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['score'], 'mcpeeker_findings_score_idx');
    table.index(['last_seen'], 'mcpeeker_findings_last_seen_idx');
    table.index(['owner'], 'mcpeeker_findings_owner_idx');
  });
  await knex.schema.createTable('mcpeeker_detections', table => {
    table.string('composite_id', 64).notNullable();
    table.string('layer', 16).notNullable();
    table
      .bigInteger('window_start')
      .notNullable()
      .comment('start of the dedup window, epoch ms');
    table.integer('event_count').notNullable();
    table.timestamp('first_seen', { useTz: true }).notNullable();
    table.timestamp('last_seen', { useTz: true }).notNullable();
    table.primary(['composite_id', 'layer', 'window_start']);
  });
  // Which host an interface address belongs to, from the agents' reports:
  // how a network event on address:port lands on the agent's server.
  await knex.schema.createTable('mcpeeker_host_addresses', table => {
    table.string('address_hash', 64).primary();
    table.string('host_id_hash', 64).notNullable();
    table.timestamp('last_seen', { useTz: true }).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mcpeeker_host_addresses');
  await knex.schema.dropTable('mcpeeker_detections');
  await knex.schema.dropTable('mcpeeker_findings');
};
