#!/usr/bin/env node
// Benchmark of the findings list queries the API runs, per store: fills a
// store with N findings and times filtered, sorted, paged list queries.
// Prints one JSON line per store:
// {"bench":"findings-api","store":…,"findings":…,"p50Ms":…,"p95Ms":…}
// Usage: node bench/findings-api.mjs [--findings N] [--stores sqlite,postgres,clickhouse]
import { countArg, loadTs, storesArg } from './harness.mjs';

const { runFindingsApiBench } = loadTs('bench/findingsApiBench.ts');
const findings = countArg('--findings', '1000000');
for (const store of storesArg()) {
  console.log(JSON.stringify(await runFindingsApiBench({ store, findings })));
}
process.exit(0);
