/* eslint-disable */
// The measuring side of bench/analytics.mjs.
import { mockServices } from '@backstage/backend-test-utils';
import { createClient } from '@clickhouse/client';
import { openStore } from './benchStores';
import { ClickHouseStore } from '../plugins/mcpeeker-backend/src/database/clickhouse/ClickHouseStore';
import { startClickHouseServer } from '../plugins/mcpeeker-backend/src/__testUtils__/clickhouseServer';
import type { FindingStore } from '../plugins/mcpeeker-backend/src/database/FindingStore';
import type { AnalyticsScope } from '../plugins/mcpeeker-backend/src/database/findingAnalytics';
import { DatabaseFindingStore } from '../plugins/mcpeeker-backend/src/database/sql/DatabaseFindingStore';
import { classify } from '../plugins/mcpeeker-backend/src/services/correlation/scoring';

/** The SQL stores get at most this many detections: more is not what they are for. */
const SQL_MAX_DETECTIONS = 200_000;
/** The generated data ends here; "now" for the summary. */
const T_END = Date.parse('2026-12-01T00:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WINDOW = 5 * 60_000;
const REGISTRY = ['unregistered', 'approved', 'tools-changed'];
const LAYERS = ['endpoint', 'endpoint', 'endpoint', 'network', 'gateway'];
/** A developer with a user ref and a group, as the permission policy gives them. */
const DEVELOPER = ['user:default/dev-7', 'group:default/team-a'];

type Options = {
  store: string;
  detections: number;
  findings: number;
  days: number;
  rounds: number;
};

/**
 * Detection i belongs to finding i mod F, in a dedup window spread over the
 * range by a stride coprime with the number of windows, so no finding has
 * two detections in one window: the same formula on every store.
 */
function shape(options: Options) {
  const windows = (options.days * DAY) / WINDOW;
  return {
    t0: T_END - options.days * DAY,
    windows,
    hosts: Math.max(1, Math.floor(options.findings / 4)),
    firstSeenSpan: options.days * DAY - 1,
  };
}

export async function runAnalyticsBench(options: Options) {
  const sized =
    options.store === 'clickhouse'
      ? options
      : {
          ...options,
          detections: Math.min(options.detections, SQL_MAX_DETECTIONS),
        };
  if (sized.detections / sized.findings > shape(sized).windows)
    throw new Error('more detections per finding than dedup windows in range');
  const filled =
    sized.store === 'clickhouse'
      ? await fillClickHouse(sized)
      : await fillSql(sized);
  const lines = [];
  for (const [scope, ownerRefs] of [
    ['fleet', undefined],
    ['developer', DEVELOPER],
  ] as const) {
    const results = await measure(
      filled.store,
      ownerRefs ? { ownerRefs: [...ownerRefs] } : {},
      sized.rounds,
    );
    for (const [endpoint, times] of Object.entries(results))
      lines.push({
        bench: 'analytics',
        store: sized.store,
        endpoint,
        scope,
        detections: sized.detections,
        findings: sized.findings,
        ...percentiles(times),
        rounds: sized.rounds,
        fillSeconds: Math.round(filled.fillSeconds),
      });
  }
  await filled.close();
  return lines;
}

function percentiles(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(
      sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] * 10,
    ) / 10;
  return { p50Ms: at(0.5), p95Ms: at(0.95) };
}

/** What the Dashboard asks, a warm-up round first, then `rounds` timed rounds. */
async function measure(
  store: FindingStore,
  scope: AnalyticsScope,
  rounds: number,
) {
  const now = new Date(T_END);
  const trend = (bucket: 'hour' | 'day' | 'week', days: number) => () =>
    store.trendlines({
      ...scope,
      bucket,
      since: new Date(T_END - days * DAY),
      until: now,
    });
  const queries: Record<string, () => Promise<unknown>> = {
    summary: () => store.analyticsSummary(scope, now),
    'score-distribution': () => store.scoreDistribution(scope),
    trendlines: trend('day', 30),
    'trendlines-hour': trend('hour', 1),
    'trendlines-week': trend('week', 84),
  };
  const times: Record<string, number[]> = {};
  for (let round = -1; round < rounds; round++)
    for (const [name, query] of Object.entries(queries)) {
      const started = performance.now();
      await query();
      if (round >= 0) (times[name] ??= []).push(performance.now() - started);
    }
  return times;
}

/** SQLite or PostgreSQL: findings and detections written in batches. */
async function fillSql(options: Options) {
  const { knex, close } = await openStore(options.store);
  const store = await DatabaseFindingStore.create({
    database: mockServices.database({ knex, migrations: { skip: false } }),
  });
  const { t0, windows, hosts, firstSeenSpan } = shape(options);
  const started = performance.now();
  const batch = options.store === 'sqlite' ? 500 : 2000;
  const signals = JSON.stringify({
    counts: {},
    judgeUnavailable: false,
    highSeveritySignatures: 0,
  });
  for (let i = 0; i < options.findings; i += batch) {
    const rows = [];
    for (let f = i; f < Math.min(options.findings, i + batch); f++) {
      const score = f % 23;
      rows.push({
        composite_id: `mcp_${f.toString(16).padStart(32, '0')}`,
        server_name: `server-${f % 5000}`,
        host_id_hash: (f % hosts).toString(16).padStart(64, '0'),
        owner: `user:default/dev-${f % 3000}`,
        owners: `,user:default/dev-${f % 3000},`,
        score,
        classification: classify(score),
        layers: 'endpoint',
        signals,
        breakdown: JSON.stringify({
          score,
          classification: classify(score),
          contributions: [],
          rules: [],
          tags: [],
        }),
        registry_status: REGISTRY[f % 3],
        judge_unavailable: false,
        first_seen: new Date(t0 + ((f * 104_729) % firstSeenSpan)),
        last_seen: new Date(T_END - ((f * 7919) % (3 * DAY))),
        updated_at: new Date(),
      });
    }
    await knex('mcpeeker_findings').insert(rows);
  }
  for (let i = 0; i < options.detections; i += batch) {
    const rows = [];
    for (let d = i; d < Math.min(options.detections, i + batch); d++) {
      const f = d % options.findings;
      const windowStart =
        t0 +
        ((Math.floor(d / options.findings) * 7919 + f * 31) % windows) * WINDOW;
      const seen = new Date(windowStart + (d % 300) * 1000);
      rows.push({
        composite_id: `mcp_${f.toString(16).padStart(32, '0')}`,
        layer: LAYERS[d % 5],
        window_start: windowStart,
        event_count: 1,
        first_seen: seen,
        last_seen: seen,
      });
    }
    await knex('mcpeeker_detections').insert(rows);
  }
  if (options.store === 'postgres')
    await knex.raw('analyze mcpeeker_findings, mcpeeker_detections');
  return {
    store: store as FindingStore,
    fillSeconds: (performance.now() - started) / 1000,
    close,
  };
}

/** ClickHouse writes the same findings, and one event per detection, itself from numbers(N). */
export async function fillClickHouse(options: Options) {
  const server = await startClickHouseServer();
  const store = await ClickHouseStore.create({
    url: server.url,
    database: 'mcpeeker_bench',
  });
  const client = createClient({
    url: server.url,
    request_timeout: 3_600_000,
    // Keeps the connection of a long insert alive.
    clickhouse_settings: {
      send_progress_in_http_headers: 1,
      http_headers_progress_interval_ms: '60000',
    },
  });
  const { t0, windows, hosts, firstSeenSpan } = shape(options);
  const started = performance.now();
  const params = {
    t0,
    tEnd: T_END,
    f: options.findings,
    hosts,
    windows,
    firstSeenSpan,
    window: WINDOW,
    day: DAY,
  };
  const findingId = (n: string) =>
    `concat('mcp_', leftPad(lower(hex(${n})), 32, '0'))`;
  await client.command({
    query: `INSERT INTO mcpeeker_bench.findings
      (composite_id, server_name, host_id_hash, owner, owners, score, classification, layers, signals, breakdown, registry_status, judge_unavailable, first_seen, last_seen, version, updated_at)
      SELECT ${findingId('number')},
        concat('server-', toString(number % 5000)),
        leftPad(lower(hex(number % {hosts:UInt64})), 64, '0'),
        concat('user:default/dev-', toString(number % 3000)),
        [concat('user:default/dev-', toString(number % 3000))],
        number % 23 AS s,
        multiIf(s <= 4, 'authorized', s <= 8, 'suspect', 'unauthorized'),
        ['endpoint'], '{}', '{}',
        ['unregistered', 'approved', 'tools-changed'][number % 3 + 1], 0,
        fromUnixTimestamp64Milli(toInt64({t0:Int64} + (number * 104729) % {firstSeenSpan:Int64})),
        fromUnixTimestamp64Milli(toInt64({tEnd:Int64} - (number * 7919) % (3 * {day:Int64}))),
        1, now64(3)
      FROM numbers({f:UInt64})`,
    query_params: params,
  });
  // A million events per statement: each is one insert for the view too.
  const chunk = 1_000_000;
  for (let start = 0; start < options.detections; start += chunk)
    await client.command({
      query: `INSERT INTO mcpeeker_bench.events
        (event_id, finding_id, layer, source, host_id_hash, observed_at, received_at, payload, server_name, owner)
        SELECT leftPad(lower(hex(number)), 64, '0'),
          ${findingId('number % {f:UInt64}')},
          ['endpoint', 'endpoint', 'endpoint', 'network', 'gateway'][number % 5 + 1],
          'config',
          leftPad(lower(hex(number % {f:UInt64} % {hosts:UInt64})), 64, '0'),
          fromUnixTimestamp64Milli(toInt64({t0:Int64}
            + ((intDiv(number, {f:UInt64}) * 7919 + (number % {f:UInt64}) * 31) % {windows:UInt64}) * {window:Int64}
            + (number % 300) * 1000)) AS t,
          t, '{}',
          concat('server-', toString(number % {f:UInt64} % 5000)),
          concat('user:default/dev-', toString(number % {f:UInt64} % 3000))
        FROM numbers({start:UInt64}, {count:UInt64})`,
      query_params: {
        ...params,
        start,
        count: Math.min(chunk, options.detections - start),
      },
    });
  // As background merges leave them in a running system.
  for (const table of ['findings', 'finding_activity'])
    await client.command({
      query: `OPTIMIZE TABLE mcpeeker_bench.${table} FINAL`,
    });
  const fillSeconds = (performance.now() - started) / 1000;
  await client.close();
  return {
    store: store as FindingStore,
    fillSeconds,
    url: server.url,
    close: async () => {
      await store.close();
      await server.stop();
    },
  };
}
