#!/usr/bin/env node
// Benchmark of the ingest pipeline on the machine's NATS JetStream, per store.
// Prints one JSON line per store:
// {"bench":"ingest","store":…,"events":…,"rawConsumePerSec":…,"endToEndPerSec":…,"ratio":…,"p50Ms":…,"p99Ms":…}
// - rawConsumePerSec: a durable pull consumer fetching and acking, no work;
// - endToEndPerSec: the backend's consumer validating, redacting, storing and
//   correlating into findings, until every event is committed;
// - p50Ms/p99Ms: publish → finding committed (what the findings API reads), at 1,000 events/s.
// - e2eCpuMs: CPU spent during the end-to-end run by the backend (this
//   process), the NATS server and the ClickHouse server, where they run here;
//   cpuUsPerEvent: their sum in µs over the events (compare it across runs
//   more than the rates: the machine's cores are shared).
// Usage: node bench/ingest.mjs [--events N] [--stores sqlite,postgres,clickhouse]
//          [--batch-size N] [--concurrency N]   (the consumer's; default: per store, as config)
// Needs NATS with JetStream on 127.0.0.1:4222 and, for postgres, PostgreSQL on 127.0.0.1:5432.
import { countArg, loadTs, storesArg } from './harness.mjs';

const { runIngestBench } = loadTs('bench/ingestBench.ts');
const events = countArg('--events', '20000');
const batchSize = countArg('--batch-size', undefined);
const concurrency = countArg('--concurrency', undefined);
const stores = storesArg();
for (const store of stores) {
  console.log(
    JSON.stringify(
      await runIngestBench({ store, events, batchSize, concurrency }),
    ),
  );
}
process.exit(0);
