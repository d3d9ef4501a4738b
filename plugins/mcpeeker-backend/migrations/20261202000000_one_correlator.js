// @ts-check

/**
 * One correlator (docs/scoring.md):
 * - findings keep their per-source totals (`totals`), from which the finding
 *   is described and scored; rows of older versions are rebuilt from their
 *   events when the store starts;
 * - events keep what correlation derived from them: the evidence key (a
 *   rescan of the same config entry is one piece of evidence) and, for
 *   network events, the destination, so that they move to the right finding
 *   when an agent later reports that address or port;
 * - what correlation learned (address → host, host:port → finding) lives in
 *   `mcpeeker_lessons`, keyed by what was reported and when it was observed,
 *   so the latest report wins whatever order reports arrive in.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('mcpeeker_findings', table => {
    table
      .text('totals')
      .nullable()
      .comment('JSON: per layer and source totals; null = rebuild from events');
    table
      .text('owners')
      .nullable()
      .comment(
        'everyone whose evidence it holds, as ,ref,ref, (each may see it)',
      );
  });
  await knex.schema.alterTable('mcpeeker_events', table => {
    table.string('evidence_key', 32).nullable();
    table.string('dst_address_hash', 64).nullable();
    table.integer('dst_port').nullable();
    table.index(['dst_address_hash'], 'mcpeeker_events_dst_idx');
  });
  await knex.schema.createTable('mcpeeker_lessons', table => {
    table
      .string('lesson_key', 160)
      .primary()
      .comment('address:<hash> or port:<host hash>:<port>');
    table.string('value', 64).notNullable().comment('a host or finding id');
    table
      .bigInteger('observed_at')
      .notNullable()
      .comment('epoch ms of the report that taught it');
  });
  const old = await knex('mcpeeker_host_addresses').select();
  for (let i = 0; i < old.length; i += 300)
    await knex('mcpeeker_lessons').insert(
      old.slice(i, i + 300).map(r => ({
        lesson_key: `address:${r.address_hash}`,
        value: r.host_id_hash,
        observed_at: new Date(r.last_seen).getTime(),
      })),
    );
  await knex.schema.dropTable('mcpeeker_host_addresses');
  // Derived columns of older events are filled, and their findings rebuilt, by the store.
  await knex('mcpeeker_findings').update({ totals: null });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.createTable('mcpeeker_host_addresses', table => {
    table.string('address_hash', 64).primary();
    table.string('host_id_hash', 64).notNullable();
    table.timestamp('last_seen', { useTz: true }).notNullable();
  });
  const lessons = await knex('mcpeeker_lessons')
    .where('lesson_key', 'like', 'address:%')
    .select();
  for (let i = 0; i < lessons.length; i += 300)
    await knex('mcpeeker_host_addresses').insert(
      lessons.slice(i, i + 300).map(r => ({
        address_hash: String(r.lesson_key).slice('address:'.length),
        host_id_hash: r.value,
        last_seen: new Date(Number(r.observed_at)),
      })),
    );
  await knex.schema.dropTable('mcpeeker_lessons');
  await knex.schema.alterTable('mcpeeker_events', table => {
    table.dropIndex([], 'mcpeeker_events_dst_idx');
    table.dropColumn('evidence_key');
    table.dropColumn('dst_address_hash');
    table.dropColumn('dst_port');
  });
  await knex.schema.alterTable('mcpeeker_findings', table => {
    table.dropColumn('totals');
    table.dropColumn('owners');
  });
};
