import type { ClickHouseClient } from '@clickhouse/client';

/**
 * The ClickHouse tables of the findings store, created or brought up to date
 * on every start (each statement is idempotent):
 *
 * - `events` (ReplacingMergeTree on finding and event id): every accepted
 *   event with what correlation derived from it;
 * - `lessons`: address → host and host:port → finding, the latest report wins;
 * - `findings` (ReplacingMergeTree, version = distinct events behind it);
 * - kept by ClickHouse from the events as they are inserted (materialised
 *   views): `finding_activity` (the trendlines) and `finding_groups` (what a
 *   finding is recomputed from).
 *
 * `db` is checked to be a plain identifier by the caller.
 */
export async function migrateClickHouse(
  client: ClickHouseClient,
  db: string,
  /** The dedup window, in seconds (names the detections tables of older versions, dropped here). */
  w: number,
): Promise<void> {
  for (const query of [
    `CREATE DATABASE IF NOT EXISTS ${db}`,
    `CREATE TABLE IF NOT EXISTS ${db}.events (
         event_id FixedString(64),
         finding_id String,
         layer LowCardinality(String),
         source LowCardinality(String),
         host_id_hash String,
         observed_at DateTime64(3, 'UTC'),
         received_at DateTime64(3, 'UTC'),
         payload String CODEC(ZSTD(1))
       ) ENGINE = ReplacingMergeTree(received_at)
       PARTITION BY toYYYYMM(observed_at)
       ORDER BY (finding_id, event_id)`,
    // What correlation derived from the event: the finding is recomputed from these.
    `ALTER TABLE ${db}.events
         ADD COLUMN IF NOT EXISTS server_name String,
         ADD COLUMN IF NOT EXISTS owner String,
         ADD COLUMN IF NOT EXISTS judge String,
         ADD COLUMN IF NOT EXISTS judge_confidence Float64,
         ADD COLUMN IF NOT EXISTS judge_missing UInt8,
         ADD COLUMN IF NOT EXISTS high_severity UInt8,
         ADD COLUMN IF NOT EXISTS rules String,
         ADD COLUMN IF NOT EXISTS evidence_key String,
         ADD COLUMN IF NOT EXISTS dst_address_hash String,
         ADD COLUMN IF NOT EXISTS dst_port UInt16`,
    // The same double the correlator compares (it was Float32).
    `ALTER TABLE ${db}.events MODIFY COLUMN judge_confidence Float64`,
    // The server's tools as the event reports them (canonical JSON), compared with a pinned set.
    `ALTER TABLE ${db}.events ADD COLUMN IF NOT EXISTS tools String CODEC(ZSTD(1))`,
    `ALTER TABLE ${db}.events ADD INDEX IF NOT EXISTS dst_idx dst_address_hash TYPE bloom_filter GRANULARITY 4`,
    // What correlation learned: the row with the latest report (then the greatest value) holds.
    `CREATE TABLE IF NOT EXISTS ${db}.lessons (
         lesson_key String,
         value String,
         observed_at Int64
       ) ENGINE = ReplacingMergeTree(observed_at)
       ORDER BY lesson_key`,
    `CREATE TABLE IF NOT EXISTS ${db}.findings (
         composite_id String,
         server_name String,
         host_id_hash String,
         owner String,
         score Int16,
         classification LowCardinality(String),
         layers Array(LowCardinality(String)),
         signals String CODEC(ZSTD(1)),
         breakdown String CODEC(ZSTD(1)),
         registry_status LowCardinality(String),
         judge_unavailable UInt8,
         first_seen DateTime64(3, 'UTC'),
         last_seen DateTime64(3, 'UTC'),
         version UInt64,
         updated_at DateTime64(3, 'UTC')
       ) ENGINE = ReplacingMergeTree(version)
       ORDER BY composite_id`,
    `ALTER TABLE ${db}.findings ADD COLUMN IF NOT EXISTS registry_owner String`,
    `ALTER TABLE ${db}.findings ADD COLUMN IF NOT EXISTS owners Array(String)`,
    // ZSTD(1) rather than (3): a fifth less ClickHouse CPU at ingest, where
    // merges recompress these columns again and again (docs/performance.md).
    // Only the codec changes: parts are rewritten by their next merge.
    `ALTER TABLE ${db}.events MODIFY COLUMN payload CODEC(ZSTD(1))`,
    `ALTER TABLE ${db}.findings MODIFY COLUMN signals CODEC(ZSTD(1)), MODIFY COLUMN breakdown CODEC(ZSTD(1))`,
    // A stdio server's command signature hash, for `command` suppressions (docs/triage.md).
    `ALTER TABLE ${db}.events ADD COLUMN IF NOT EXISTS command_signature_hash String`,
    // What triage said when the finding was written: plain columns the lists filter on ('' = none).
    `ALTER TABLE ${db}.findings
         ADD COLUMN IF NOT EXISTS command_signature_hash String,
         ADD COLUMN IF NOT EXISTS triage_status LowCardinality(String) DEFAULT 'open',
         ADD COLUMN IF NOT EXISTS assignee String,
         ADD COLUMN IF NOT EXISTS verdict LowCardinality(String),
         ADD COLUMN IF NOT EXISTS suppression_id String,
         ADD COLUMN IF NOT EXISTS triage String CODEC(ZSTD(1))`,
    // A config entry's or port probe's risk facts as reported (risksText, '[]' for none; '' from
    // events that do not report risks), and the most severe that counts on a finding (0 none … 3 high).
    `ALTER TABLE ${db}.events ADD COLUMN IF NOT EXISTS risks String CODEC(ZSTD(1))`,
    `ALTER TABLE ${db}.findings ADD COLUMN IF NOT EXISTS risk_level UInt8`,
    // A server its agents no longer report (docs/scoring.md, "No longer reported").
    `ALTER TABLE ${db}.findings ADD COLUMN IF NOT EXISTS no_longer_reported UInt8`,
    // Judged not an MCP server (docs/scoring.md, "Judged not an MCP server"): set by the
    // correlation step (judgedNotMcp); the store recomputes older gateway findings once.
    `ALTER TABLE ${db}.findings ADD COLUMN IF NOT EXISTS not_mcp UInt8`,
    // Detections are read from the events (a moved event moves its detection too).
    `DROP VIEW IF EXISTS ${db}.events_daily_mv`,
    `DROP VIEW IF EXISTS ${db}.detections_${w}s_mv`,
    `DROP TABLE IF EXISTS ${db}.detections_${w}s`,
  ]) {
    await client.command({ query });
  }
  // Addresses learned by an older version become lessons.
  const [{ exists }] = await (
    await client.query({
      query: `SELECT count() AS exists FROM system.tables WHERE database = {db:String} AND name = 'host_addresses'`,
      query_params: { db },
      format: 'JSONEachRow',
    })
  ).json<{ exists: number }>();
  if (Number(exists) > 0) {
    await client.command({
      query: `INSERT INTO ${db}.lessons SELECT concat('address:', address_hash), host_id_hash, toUnixTimestamp64Milli(last_seen) FROM ${db}.host_addresses`,
    });
    await client.command({
      query: `DROP TABLE ${db}.host_addresses`,
    });
  }
  // Kept by ClickHouse from the events as they are inserted.
  await migrateDerived(client, db, findingActivity(db));
  await migrateDerived(client, db, findingGroups(db));
}

/**
 * The distinct (bucket, finding) pairs of the events: each finding's hours,
 * days and weeks (UTC, weeks from Monday) with events, as `finding_activity`
 * keeps them — its view, its backfill and its repair after events move all
 * select this. `where` filters the events.
 */
export function findingActivitySelect(db: string, where?: string): string {
  return `SELECT b.1 AS bucket_size, b.2 AS bucket, finding_id
    FROM ${db}.events
    ARRAY JOIN [
      ('hour', toStartOfHour(observed_at, 'UTC')),
      ('day', toStartOfDay(observed_at, 'UTC')),
      ('week', toDateTime(toStartOfWeek(observed_at, 1, 'UTC'), 'UTC'))
    ] AS b${where ? ` WHERE ${where}` : ''}
    GROUP BY bucket_size, bucket, finding_id`;
}

/**
 * Each finding's events summed per layer, source and (endpoint) evidence key
 * and owner — the groups the correlation step merges — as aggregate states
 * kept by ClickHouse: what `finding_groups` holds, so that a finding touched
 * by a batch is recomputed from a few rows of states rather than from all
 * its events (docs/performance.md). Every function here is a set or an
 * extreme (distinct event ids, min, max, distinct owners), so a state added
 * twice — a redelivered event, a repair racing an insert — changes nothing.
 * Event ids are counted by their 64-bit hash: a set of 8-byte numbers is
 * what makes the states cheap to keep and merge (two of a finding's events
 * sharing one hash: ≈ 3 in 10⁸ for a finding of a million events).
 * Its view, its backfill and its repair after events move all select this.
 * `where` filters the events.
 */
export function findingGroupsSelect(db: string, where?: string): string {
  return `SELECT finding_id, layer, source,
      if(layer = 'endpoint', evidence_key, '') AS evidence_key,
      if(layer = 'endpoint', owner, '') AS report_owner,
      uniqExactState(cityHash64(event_id)) AS n,
      uniqExactIfState(cityHash64(event_id), high_severity = 1) AS high,
      min(observed_at) AS first_seen,
      max(observed_at) AS last_seen,
      maxIf(tuple(toUnixTimestamp64Milli(observed_at), server_name), server_name != '') AS best_name,
      maxIf(tuple(toUnixTimestamp64Milli(observed_at), owner), owner != '') AS best_owner,
      minIfState(host_id_hash, host_id_hash != '') AS host,
      groupUniqArrayIf(owner, owner != '') AS owners,
      maxIf(tuple(judge_confidence, judge), judge != '') AS best_judge,
      maxIf(tuple(toUnixTimestamp64Milli(observed_at), tools), tools != '') AS best_tools,
      maxIf(tuple(toUnixTimestamp64Milli(observed_at), command_signature_hash), command_signature_hash != '') AS best_command,
      maxIf(tuple(toUnixTimestamp64Milli(observed_at), risks), risks != '') AS best_risks,
      max(judge_missing) AS missing,
      uniqExactMapState(mapFromArrays(
        JSONExtractArrayRaw(rules),
        arrayMap(x -> cityHash64(event_id), JSONExtractArrayRaw(rules))
      )) AS rule_hits
    FROM ${db}.events${where ? ` WHERE ${where}` : ''}
    GROUP BY finding_id, layer, source, evidence_key, report_owner`;
}

/**
 * A table ClickHouse keeps from the events as they are inserted (a
 * materialised view), and fills once from the events stored before it
 * existed, a partition at a time; a step interrupted is done again at the
 * next start (what it derives tolerates rows added twice). The store
 * repairs it where events move away (the view sees inserts only).
 */
async function migrateDerived(
  client: ClickHouseClient,
  db: string,
  derived: {
    table: string;
    /** `CREATE TABLE IF NOT EXISTS …` */
    create: string;
    select: (db: string, where?: string) => string;
  },
) {
  for (const query of [
    derived.create,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.${derived.table}_mv
       TO ${db}.${derived.table} AS ${derived.select(db)}`,
  ])
    await client.command({ query });
  await onceSchemaStep(client, db, `${derived.table} from events`, async () => {
    const partitions = await (
      await client.query({
        query: `SELECT DISTINCT partition_id AS id FROM system.parts
          WHERE database = {db:String} AND table = 'events' AND active ORDER BY id`,
        query_params: { db },
        format: 'JSONEachRow',
      })
    ).json<{ id: string }>();
    for (const { id } of partitions)
      await client.command({
        query: `INSERT INTO ${db}.${derived.table} ${derived.select(
          db,
          '_partition_id = {id:String}',
        )}`,
        query_params: { id },
      });
  });
}

/**
 * A schema step that copies data, done once: `schema_steps` remembers it
 * when `run` has finished; a step interrupted is done again at the next
 * start, so `run` must tolerate being repeated.
 */
export async function onceSchemaStep(
  client: ClickHouseClient,
  db: string,
  step: string,
  run: () => Promise<void>,
): Promise<void> {
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${db}.schema_steps (
         step String,
         done_at DateTime('UTC')
       ) ENGINE = ReplacingMergeTree
       ORDER BY step`,
  });
  const done = await (
    await client.query({
      query: `SELECT step FROM ${db}.schema_steps WHERE step = {step:String}`,
      query_params: { step },
      format: 'JSONEachRow',
    })
  ).json<{ step: string }>();
  if (done.length > 0) return;
  await run();
  await client.insert({
    table: `${db}.schema_steps`,
    format: 'JSONEachRow',
    values: [{ step, done_at: Math.floor(Date.now() / 1000) }],
  });
}

/**
 * `finding_activity`: the trendlines' pre-aggregate. Counting distinct
 * findings per bucket from the events reads every event of the range (10 M
 * of them: ≈ 0.7 s here); this table holds one row per finding and bucket,
 * ordered by bucket (docs/performance.md, Analytics). Rows repeat until
 * merged (ReplacingMergeTree): readers count distinct findings.
 */
function findingActivity(db: string) {
  return {
    table: 'finding_activity',
    create: `CREATE TABLE IF NOT EXISTS ${db}.finding_activity (
       bucket_size LowCardinality(String),
       bucket DateTime('UTC'),
       finding_id String
     ) ENGINE = ReplacingMergeTree
     ORDER BY (bucket_size, bucket, finding_id)`,
    select: findingActivitySelect,
  };
}

/**
 * `finding_groups`: each finding's events as aggregate states per group
 * (findingGroupsSelect), read with their -Merge functions. The extremes are
 * plain values merged by min or max: a group with no server name has
 * (0, ''), below any name reported.
 */
function findingGroups(db: string) {
  return {
    table: 'finding_groups',
    create: `CREATE TABLE IF NOT EXISTS ${db}.finding_groups (
       finding_id String,
       layer LowCardinality(String),
       source LowCardinality(String),
       evidence_key String,
       report_owner String,
       n AggregateFunction(uniqExact, UInt64),
       high AggregateFunction(uniqExactIf, UInt64, UInt8),
       first_seen SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
       last_seen SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
       best_name SimpleAggregateFunction(max, Tuple(Int64, String)),
       best_owner SimpleAggregateFunction(max, Tuple(Int64, String)),
       host AggregateFunction(minIf, String, UInt8),
       owners SimpleAggregateFunction(groupUniqArrayArray, Array(String)),
       best_judge SimpleAggregateFunction(max, Tuple(Float64, String)),
       best_tools SimpleAggregateFunction(max, Tuple(Int64, String)),
       best_command SimpleAggregateFunction(max, Tuple(Int64, String)),
       best_risks SimpleAggregateFunction(max, Tuple(Int64, String)),
       missing SimpleAggregateFunction(max, UInt8),
       rule_hits AggregateFunction(uniqExactMap, Map(String, UInt64))
     ) ENGINE = AggregatingMergeTree
     ORDER BY (finding_id, layer, source, evidence_key, report_owner)`,
    select: findingGroupsSelect,
  };
}
