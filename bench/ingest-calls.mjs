#!/usr/bin/env node
// Where an event's CPU goes on ClickHouse: the backend's IngestService
// storing into ClickHouseStore directly (no NATS), batches one after the
// other, first deliveries as NATS marks them, each ClickHouse call's CPU —
// the server's (/proc, 10 ms ticks) and the backend's — summed per kind of
// call, in µs per event. `--behind N` puts N events of earlier findings (ten
// each) in the table first: what a finding's recompute costs as the table
// grows. `--history R`: the findings the measured events touch already
// hold R events each, as when a fleet reports the same servers scan after
// scan. Prints one JSON line:
// {"bench":"ingest-calls","store":"clickhouse","events":…,"behind":…,"backendUsPerEvent":…,"clickhouseUsPerEvent":…,"calls":{…}}
// Usage: node bench/ingest-calls.mjs [--events N] [--behind N] [--history R] [--batch-size N]
import { arg, countArg, loadTs } from './harness.mjs';

const { runIngestCallsBench } = loadTs('bench/ingestCallsBench.ts');
// 0 (the default) or a positive whole number.
const behind = arg('--behind', '0') === '0' ? 0 : countArg('--behind');
console.log(
  JSON.stringify(
    await runIngestCallsBench({
      events: countArg('--events', '10000'),
      behind,
      history: arg('--history', '0') === '0' ? 0 : countArg('--history'),
      batchSize: countArg('--batch-size', '2000'),
    }),
  ),
);
process.exit(0);
