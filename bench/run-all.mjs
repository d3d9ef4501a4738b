#!/usr/bin/env node
// Every benchmark under bench/, one after the other, at sizes that keep the
// whole run within ten minutes on two busy cores; prints each one's JSON
// lines as they come (stdout), with a line per bench on stderr saying what
// ran and how long it took. `yarn bench` runs this; it is not part of
// `yarn test` (tests never assert on time).
// Usage: node bench/run-all.mjs [--only name,name] [--stores sqlite,postgres,clickhouse]
// The sizes here are for a quick look; docs/performance.md gives each
// bench's own command for the figures it records (larger runs).
// A bench without an entry below runs with its own defaults.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, arg } from './harness.mjs';

/** Arguments per bench: its own defaults take minutes each. */
const QUICK = {
  'agent-scan': ['--projects', '200', '--runs', '2'],
  analytics: ['--detections', '20000', '--rounds', '5'],
  export: ['--findings', '10000'],
  'findings-api': ['--findings', '10000'],
  ingest: ['--events', '4000'],
  'ingest-calls': ['--events', '4000'],
  judge: ['--requests', '200'],
  network: ['--lines', '50000', '--runs', '3', '--sessions', '100'],
  redaction: ['--events', '5000', '--runs', '3'],
};
const TAKES_STORES = new Set(['analytics', 'export', 'findings-api', 'ingest']);
const NOT_A_BENCH = new Set(['harness', 'run-all']);

const found = fs
  .readdirSync(path.join(ROOT, 'bench'))
  .filter(f => f.endsWith('.mjs'))
  .map(f => f.slice(0, -'.mjs'.length))
  .filter(name => !NOT_A_BENCH.has(name))
  .sort();
const only = arg('--only', undefined)?.split(',');
const unknown = (only ?? []).filter(name => !found.includes(name));
if (unknown.length > 0) {
  console.error(
    `run-all.mjs: no bench named ${unknown.join(', ')}; there are ${found.join(
      ', ',
    )}`,
  );
  process.exit(2);
}
const stores = arg('--stores', undefined);

let failed = 0;
const started = performance.now();
for (const name of found.filter(n => !only || only.includes(n))) {
  const args = [
    path.join(ROOT, 'bench', `${name}.mjs`),
    ...(QUICK[name] ?? []),
    ...(stores && TAKES_STORES.has(name) ? ['--stores', stores] : []),
  ];
  const benchStarted = performance.now();
  const code = await new Promise(resolve => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', chunk => {
      out += chunk;
      const lines = out.split('\n');
      out = lines.pop();
      for (const line of lines) if (line.trim()) console.log(line);
    });
    child.stderr.on('data', chunk => (err += chunk));
    child.on('close', exitCode => {
      if (out.trim()) console.log(out);
      if (exitCode !== 0) process.stderr.write(err.slice(-4000));
      resolve(exitCode);
    });
  });
  if (code !== 0) failed++;
  console.error(
    `bench ${name}: ${code === 0 ? 'done' : `FAILED (exit ${code})`} in ${(
      (performance.now() - benchStarted) /
      1000
    ).toFixed(0)} s`,
  );
}
console.error(
  `all benches: ${((performance.now() - started) / 1000).toFixed(0)} s${
    failed ? `, ${failed} failed` : ''
  }`,
);
process.exit(failed ? 1 : 0);
