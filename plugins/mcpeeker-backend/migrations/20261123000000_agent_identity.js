// @ts-check

/**
 * Agent identity: enrolment secrets an admin issues for an owner, and the
 * agents that exchanged one for a credential bound to their host. Secrets and
 * credentials are stored as SHA-256 hashes only.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mcpeeker_agent_enrolments', table => {
    table.string('id', 36).primary();
    table
      .string('secret_hash', 64)
      .notNullable()
      .unique()
      .comment('SHA-256 of the secret, which is shown once');
    table
      .string('owner', 256)
      .notNullable()
      .comment('user or group entity ref the enrolled agents report for');
    table.string('label', 200).nullable();
    table.integer('max_uses').notNullable();
    table.integer('uses').notNullable().defaultTo(0);
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.string('created_by', 256).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.string('revoked_by', 256).nullable();
    table.timestamp('revoked_at', { useTz: true }).nullable();
  });
  await knex.schema.createTable('mcpeeker_agents', table => {
    table.string('id', 36).primary();
    table
      .string('credential_hash', 64)
      .notNullable()
      .unique()
      .comment('SHA-256 of the credential, which is returned once');
    table.string('host_id_hash', 64).notNullable().index();
    table.string('owner', 256).notNullable();
    table.string('enrolment_id', 36).notNullable();
    table.timestamp('enrolled_at', { useTz: true }).notNullable();
    table.timestamp('last_seen_at', { useTz: true }).nullable();
    table.string('revoked_by', 256).nullable();
    table.timestamp('revoked_at', { useTz: true }).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mcpeeker_agents');
  await knex.schema.dropTable('mcpeeker_agent_enrolments');
};
