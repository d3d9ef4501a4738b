#!/usr/bin/env node
// Benchmark of the dashboard's analytics queries, per store: writes N
// detections (ClickHouse: events) of F findings over a time range straight
// into each store, then times the store queries behind GET /analytics/summary,
// /analytics/score-distribution and /analytics/trendlines (day over 30 days,
// the default; hour over 24 h and week over 12 weeks, as the Dashboard asks),
// for the fleet (an analyst) and for one developer. Prints one JSON line per
// store, endpoint and scope:
// {"bench":"analytics","store":…,"endpoint":…,"scope":…,"detections":…,"findings":…,"p50Ms":…,"p95Ms":…,"rounds":…}
// Usage: node bench/analytics.mjs [--detections N] [--findings N] [--days N]
//          [--rounds N] [--stores sqlite,postgres,clickhouse]
// Defaults (or env BENCH_DETECTIONS, BENCH_FINDINGS): 100,000 detections,
// findings = detections / 500 (at least 1,000), 90 days, 20 rounds. SQLite
// and PostgreSQL take at most 200,000 detections (their lines say how many
// they got); ClickHouse generates its events itself from numbers(N), so
// `--detections 10000000 --stores clickhouse` is the large run.
// Needs PostgreSQL on 127.0.0.1:5432 for postgres; ClickHouse is the chdb
// engine served on loopback, as in the tests.
import { countArg, loadTs, storesArg } from './harness.mjs';

const { runAnalyticsBench } = loadTs('bench/analyticsBench.ts');
const detections = countArg(
  '--detections',
  process.env.BENCH_DETECTIONS ?? '100000',
);
const findings = countArg(
  '--findings',
  process.env.BENCH_FINDINGS ??
    String(Math.max(1000, Math.round(detections / 500))),
);
const days = countArg('--days', '90');
const rounds = countArg('--rounds', '20');
for (const store of storesArg()) {
  for (const line of await runAnalyticsBench({
    store,
    detections,
    findings,
    days,
    rounds,
  }))
    console.log(JSON.stringify(line));
}
process.exit(0);
