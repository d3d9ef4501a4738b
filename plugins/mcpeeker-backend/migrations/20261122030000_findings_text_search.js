// @ts-check

/**
 * On PostgreSQL, trigram indexes make the findings list's text search
 * (server name or owner containing the words) an index lookup instead of a
 * scan. pg_trgm is a trusted extension (the database owner may create it);
 * where it is not allowed the search still works, only slower.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (knex.client.config.client !== 'pg') return;
  try {
    await knex.raw('create extension if not exists pg_trgm');
  } catch {
    return;
  }
  await knex.raw(
    'create index if not exists mcpeeker_findings_server_trgm_idx on mcpeeker_findings using gin (lower(server_name) gin_trgm_ops)',
  );
  await knex.raw(
    'create index if not exists mcpeeker_findings_owner_trgm_idx on mcpeeker_findings using gin (lower(owner) gin_trgm_ops)',
  );
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw('drop index if exists mcpeeker_findings_server_trgm_idx');
  await knex.raw('drop index if exists mcpeeker_findings_owner_trgm_idx');
};
