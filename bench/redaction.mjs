#!/usr/bin/env node
// Benchmark of the one redaction function (redactSecrets, run by the agent
// before anything leaves a machine and by the backend on every event), over
// the ingest bench's event mix, and over 1 MB of hostile text of each kind
// that once made regular expressions slow. Prints one JSON line:
// {"bench":"redaction","events":…,"usPerEventP50":…,"usPerEventMin":…,"hostileMbMaxMs":…}
// Usage: node bench/redaction.mjs [--events N] [--runs N]
import { countArg, loadTs } from './harness.mjs';

const { redactSecrets } = loadTs('plugins/mcpeeker-common/src/index.ts');
const { makeEvent } = loadTs('bench/ingestBench.ts');
const EVENTS = countArg('--events', '20000');
const RUNS = countArg('--runs', '7');

const now = new Date().toISOString();
const events = Array.from({ length: EVENTS }, (_, i) => makeEvent(i, now));
const salt = 'bench-salt';
// Warm up the JIT once before measuring.
for (const event of events.slice(0, 2000)) redactSecrets(event, { salt });
const perEvent = [];
for (let run = 0; run < RUNS; run++) {
  const started = process.hrtime.bigint();
  for (const event of events) redactSecrets(event, { salt });
  perEvent.push(Number(process.hrtime.bigint() - started) / 1000 / EVENTS);
}
perEvent.sort((a, b) => a - b);

const MB = 1 << 20;
const hostile = [
  'aB3/'.repeat(MB / 4),
  'key='.repeat(MB / 4),
  'token: '.repeat(MB / 7),
  'eyJ-'.repeat(MB / 4),
  '-----BEGIN PRIVATE KEY-----'.repeat(MB / 27),
  'https://a:'.repeat(MB / 10),
];
let hostileMbMaxMs = 0;
for (const text of hostile) {
  const started = process.hrtime.bigint();
  redactSecrets({ snippet: text }, { salt });
  hostileMbMaxMs = Math.max(
    hostileMbMaxMs,
    Number(process.hrtime.bigint() - started) / 1e6,
  );
}
const round = n => Math.round(n * 100) / 100;
console.log(
  JSON.stringify({
    bench: 'redaction',
    events: EVENTS,
    usPerEventP50: round(perEvent[Math.floor(perEvent.length / 2)]),
    usPerEventMin: round(perEvent[0]),
    hostileMbMaxMs: Math.round(hostileMbMaxMs),
  }),
);
