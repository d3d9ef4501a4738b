// @ts-check

/**
 * Risk in the findings list and on a finding (docs/scoring.md, Risk):
 * - by score, ties go to the most severe risk that counts: the sort indexes
 *   take `risk_level` after the score (`FINDING_LIST_ORDER`);
 * - a risk report counts only while it is from its owner's latest scan of
 *   the server (a config entry that moved or went away stops counting), and
 *   each owner keeps up to 32 facts of their own: findings holding risk
 *   reports are rebuilt from their events when the store starts.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await replaceSortIndexes(knex, ['score', 'risk_level', 'last_seen']);
  await rebuildFindingsWithRisks(knex);
};

/**
 * The sort indexes without `risk_level`; findings are rebuilt as the older
 * version describes them.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await replaceSortIndexes(knex, ['score', 'last_seen']);
  await rebuildFindingsWithRisks(knex);
};

/**
 * The list's sort by score, alone and under a classification filter: the
 * indexes of 20261122020000_findings_sort_indexes, with these columns.
 *
 * @param {import('knex').Knex} knex
 * @param {string[]} columns
 */
async function replaceSortIndexes(knex, columns) {
  await knex.schema.alterTable('mcpeeker_findings', table => {
    table.dropIndex([], 'mcpeeker_findings_sort_idx');
    table.dropIndex([], 'mcpeeker_findings_class_sort_idx');
  });
  await knex.schema.alterTable('mcpeeker_findings', table => {
    table.index([...columns, 'composite_id'], 'mcpeeker_findings_sort_idx');
    table.index(
      ['classification', ...columns, 'composite_id'],
      'mcpeeker_findings_class_sort_idx',
    );
  });
}

/**
 * Findings whose risk reports hold facts (each fact names its kind; an empty
 * report holds none) are rebuilt from their events when the store starts.
 *
 * @param {import('knex').Knex} knex
 */
async function rebuildFindingsWithRisks(knex) {
  await knex('mcpeeker_findings')
    .where('totals', 'like', '%"risks":%')
    .andWhere('totals', 'like', '%kind%')
    .update({ totals: null });
}
