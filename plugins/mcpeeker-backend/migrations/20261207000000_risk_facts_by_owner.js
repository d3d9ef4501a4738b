// @ts-check

/**
 * Risk facts are each owner's own (docs/scoring.md, Risk):
 * - findings keep each owner's latest risk report apart, and each fact says
 *   whose endpoints reported it: findings holding risk reports are rebuilt
 *   from their events when the store starts (their facts get owners, their
 *   breakdown the words below);
 * - the breakdown names a kind of risk, not its facts (what was seen, in
 *   which file): the score history's risk reasons lose the facts' evidence;
 * - high risks are told to each owner about their own facts, remembered per
 *   finding, kind and owner ('' for facts no report named an owner for).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await rebuildFindingsWithRisks(knex);

  // "inline secret: env GITHUB_TOKEN holds … (+3, 2 counted: …)" → "inline secret (+3, 2 counted: …)".
  for (let after = 0; ; ) {
    const rows = await knex('mcpeeker_score_history')
      .where('seq', '>', after)
      .andWhere('contributions', 'like', '%"layer":"risk"%')
      .orderBy('seq')
      .limit(500)
      .select('seq', 'reason', 'contributions');
    if (rows.length === 0) break;
    after = Number(rows[rows.length - 1].seq);
    for (const row of rows) {
      let reason = row.reason;
      const contributions = JSON.parse(row.contributions).map(
        (/** @type {any} */ c) => {
          if (c.layer !== 'risk' || typeof c.riskKind !== 'string') return c;
          const kind = c.riskKind.replace(/-/g, ' ');
          const said = c.acceptedRisk
            ? `${kind}, accepted by ${c.acceptedRisk.by}: ${c.acceptedRisk.reason}`
            : `${kind}${
                /\s\(\+\d+(, [^()]*)?\)$/.exec(String(c.reason))?.[0] ?? ''
              }`;
          reason = reason.split(c.reason).join(said);
          return { ...c, reason: said };
        },
      );
      await knex('mcpeeker_score_history')
        .where('seq', row.seq)
        .update({ reason, contributions: JSON.stringify(contributions) });
    }
  }

  await replaceRiskAlerts(knex, {
    ownerNeeded: true,
    copy: `SELECT composite_id, kind, COALESCE(owner, ''), alerted_at FROM mcpeeker_risk_alerts`,
  });
};

/**
 * Risk alerts are remembered per finding and kind again (the first owner
 * told of each). The score history keeps the shorter reasons; findings are
 * rebuilt as the older version describes them.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await replaceRiskAlerts(knex, {
    ownerNeeded: false,
    copy: `SELECT composite_id, kind, NULLIF(MIN(owner), ''), MIN(alerted_at)
           FROM mcpeeker_risk_alerts GROUP BY composite_id, kind`,
  });
  await rebuildFindingsWithRisks(knex);
};

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

/**
 * `mcpeeker_risk_alerts` anew, keyed by finding, kind and owner (or by
 * finding and kind), filled from the old one: built beside it, which then
 * gives way. Its primary key is named apart from the old one's (PostgreSQL
 * wants names unique across tables, and a renamed table keeps its key's).
 *
 * @param {import('knex').Knex} knex
 * @param {{ ownerNeeded: boolean, copy: string }} how
 */
async function replaceRiskAlerts(knex, how) {
  await knex.schema.createTable('mcpeeker_risk_alerts_next', table => {
    table.string('composite_id', 64).notNullable();
    table.string('kind', 64).notNullable();
    if (how.ownerNeeded)
      table
        .string('owner', 256)
        .notNullable()
        .defaultTo('')
        .comment("who was told; '' for facts no report named an owner for");
    else table.string('owner', 256).nullable();
    table.timestamp('alerted_at', { useTz: true }).notNullable();
    table.primary(
      how.ownerNeeded
        ? ['composite_id', 'kind', 'owner']
        : ['composite_id', 'kind'],
      // A name, not options: SQLite's dialect takes only that.
      how.ownerNeeded
        ? 'mcpeeker_risk_alerts_by_owner_pkey'
        : 'mcpeeker_risk_alerts_pkey',
    );
  });
  await knex.raw(
    `INSERT INTO mcpeeker_risk_alerts_next (composite_id, kind, owner, alerted_at) ${how.copy}`,
  );
  await knex.schema.dropTable('mcpeeker_risk_alerts');
  await knex.schema.renameTable(
    'mcpeeker_risk_alerts_next',
    'mcpeeker_risk_alerts',
  );
}
