// @ts-check

/**
 * Detections by window start, with their finding: the analytics' trendlines
 * read a time range of detections and the findings behind them from this
 * index alone (the primary key starts with the finding).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('mcpeeker_detections', table => {
    table.index(
      ['window_start', 'composite_id'],
      'mcpeeker_detections_window_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('mcpeeker_detections', table => {
    table.dropIndex([], 'mcpeeker_detections_window_idx');
  });
};
