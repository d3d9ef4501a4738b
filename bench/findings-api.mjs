#!/usr/bin/env node
// Benchmark of the findings list queries the API runs, per store: fills a
// store with N findings and times filtered, sorted, paged list queries.
// Prints one JSON line per store:
// {"bench":"findings-api","store":…,"findings":…,"p50Ms":…,"p95Ms":…}
// Usage: node bench/findings-api.mjs [--findings N] [--stores sqlite,postgres]
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
require(path.join(
  ROOT,
  'node_modules/@backstage/cli/config/nodeTransform.cjs',
));
const { runFindingsApiBench } = require(path.join(
  ROOT,
  'bench/findingsApiBench.ts',
));

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const findings = Number(arg('--findings', '1000000'));
for (const store of arg('--stores', 'sqlite,postgres').split(',')) {
  console.log(JSON.stringify(await runFindingsApiBench({ store, findings })));
}
process.exit(0);
