// @ts-check

/**
 * Indexes for the findings list's sorts (score, then last seen) alone and
 * under a classification filter: measured by bench/findings-api.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('mcpeeker_findings', table => {
    table.index(
      ['score', 'last_seen', 'composite_id'],
      'mcpeeker_findings_sort_idx',
    );
    table.index(
      ['classification', 'score', 'last_seen', 'composite_id'],
      'mcpeeker_findings_class_sort_idx',
    );
    table.index(['last_seen', 'composite_id'], 'mcpeeker_findings_recent_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('mcpeeker_findings', table => {
    table.dropIndex([], 'mcpeeker_findings_sort_idx');
    table.dropIndex([], 'mcpeeker_findings_class_sort_idx');
    table.dropIndex([], 'mcpeeker_findings_recent_idx');
  });
};
