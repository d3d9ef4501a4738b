// @ts-check

/**
 * Analyst triage (docs/triage.md):
 * - feedback on findings (verdict, note, tags, who, when);
 * - each finding's triage state (status, assignee, latest verdict), for the
 *   findings someone triaged;
 * - suppressions: patterns of findings left out of the default views, with
 *   who made them, why, until when, and their revocation;
 * - each finding's score history: a row whenever its score, classification,
 *   registry status or suppression changed, with the reasons in words;
 * - on findings, what triage says of them (written by the correlator, so
 *   lists filter on plain columns) and the stdio command's signature hash.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('mcpeeker_findings', table => {
    table.string('triage_status', 16).notNullable().defaultTo('open').index();
    table.string('assignee', 256).nullable().index();
    table.string('verdict', 16).nullable();
    table.string('suppression_id', 36).nullable().index();
    table
      .text('triage')
      .nullable()
      .comment(
        'JSON: the FindingTriage (status, assignee, verdict, suppression)',
      );
    table
      .string('command_signature_hash', 64)
      .nullable()
      .index()
      .comment('SHA-256 of the stdio command signature');
  });
  await knex.schema.createTable('mcpeeker_feedback', table => {
    table.string('id', 36).primary();
    table.string('composite_id', 64).notNullable();
    table.string('verdict', 16).notNullable();
    table.text('note').nullable();
    table.text('tags').notNullable().comment('JSON array');
    table.string('author', 256).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(
      ['composite_id', 'created_at'],
      'mcpeeker_feedback_finding_idx',
    );
  });
  await knex.schema.createTable('mcpeeker_finding_triage', table => {
    table.string('composite_id', 64).primary();
    table.string('status', 16).notNullable();
    table.string('assignee', 256).nullable();
    table
      .string('verdict', 16)
      .nullable()
      .comment('the latest feedback verdict');
    table.string('updated_by', 256).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('mcpeeker_suppressions', table => {
    table.string('id', 36).primary();
    table.string('scope', 16).notNullable();
    table
      .string('pattern_key', 64)
      .notNullable()
      .index()
      .comment('SHA-256 of scope and pattern: one active suppression each');
    table.string('composite_id', 64).nullable();
    table.string('server_name', 256).nullable();
    table.string('team', 256).nullable();
    table
      .text('team_members')
      .nullable()
      .comment('JSON: the team members as the catalog last said');
    table.string('command_signature_hash', 64).nullable();
    table.string('label', 512).notNullable();
    table.text('reason').notNullable();
    table.timestamp('expires_at', { useTz: true }).nullable();
    table.string('created_by', 256).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.string('from_finding', 64).nullable();
    table.timestamp('revoked_at', { useTz: true }).nullable();
    table.string('revoked_by', 256).nullable();
    table.text('revoke_reason').nullable();
    table
      .boolean('expiry_noted')
      .notNullable()
      .defaultTo(false)
      .comment('its expiry was audited and its findings rescored');
  });
  await knex.schema.createTable('mcpeeker_score_history', table => {
    table.bigIncrements('seq').primary();
    table.string('composite_id', 64).notNullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.integer('score').notNullable();
    table.string('classification', 16).notNullable();
    table.string('registry_status', 16).notNullable();
    table.string('suppression_id', 36).nullable();
    table.text('reason').notNullable().comment('the contributions in words');
    table.text('contributions').notNullable().comment('JSON');
    table.index(['composite_id', 'seq'], 'mcpeeker_score_history_finding_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mcpeeker_score_history');
  await knex.schema.dropTable('mcpeeker_suppressions');
  await knex.schema.dropTable('mcpeeker_finding_triage');
  await knex.schema.dropTable('mcpeeker_feedback');
  await knex.schema.alterTable('mcpeeker_findings', table => {
    table.dropIndex(['triage_status']);
    table.dropIndex(['assignee']);
    table.dropIndex(['suppression_id']);
    table.dropIndex(['command_signature_hash']);
  });
  await knex.schema.alterTable('mcpeeker_findings', table => {
    table.dropColumn('triage_status');
    table.dropColumn('assignee');
    table.dropColumn('verdict');
    table.dropColumn('suppression_id');
    table.dropColumn('triage');
    table.dropColumn('command_signature_hash');
  });
};
