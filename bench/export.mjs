#!/usr/bin/env node
// Benchmark of findings exports, per store and format: fills a store with N
// findings and exports them all as GET /findings/export does (a page at a
// time), into a sink that counts bytes. Prints one JSON line per store and format:
// {"bench":"export","store":…,"format":…,"findings":…,"seconds":…,"findingsPerSec":…,"megabytes":…,"rssBeforeMb":…,"peakRssMb":…}
// A streamed export's peak memory stays near where it started, whatever N is.
// Usage: node bench/export.mjs [--findings N] [--stores sqlite,postgres,clickhouse] [--formats json,csv,sarif]
import { arg, countArg, loadTs, storesArg } from './harness.mjs';

const { runExportBench } = loadTs('bench/exportBench.ts');
const findings = countArg('--findings', '100000');
const formats = arg('--formats', 'json,csv,sarif').split(',');
for (const store of storesArg()) {
  for (const line of await runExportBench({ store, findings, formats }))
    console.log(JSON.stringify(line));
}
process.exit(0);
