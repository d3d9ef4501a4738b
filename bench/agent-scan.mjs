#!/usr/bin/env node
// Benchmark of `mcpeeker-agent scan`: builds a home with 200 project folders
// (each with client configs, a manifest, and dependency/build folders the
// walk must skip), scans it with the agent from the checkout, and prints one
// JSON line: {"bench":"agent-scan","projects":200,"wallMs":…,"peakRssMb":…}.
// Usage: node bench/agent-scan.mjs [--projects N] [--runs N]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { countArg, ROOT } from './harness.mjs';

const PROJECTS = countArg('--projects', '200');
const RUNS = countArg('--runs', '5');

function write(file, content) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    typeof content === 'string' ? content : JSON.stringify(content),
  );
}

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpeeker-bench-'));
const home = path.join(base, 'home');
const code = path.join(base, 'code');
const server = i => ({
  command: 'npx',
  args: ['-y', `@acme/mcp-${i}`, '--api-key', `sk-bench${i}abcdefghijklmnop`],
  env: { TOKEN: `t${i}` },
});
write(path.join(home, '.claude.json'), {
  mcpServers: { a: server(0) },
  projects: Object.fromEntries(
    Array.from({ length: PROJECTS }, (_, i) => [
      `/code/p${i}`,
      { mcpServers: { [`p${i}`]: server(i) } },
    ]),
  ),
});
write(path.join(home, '.cursor', 'mcp.json'), { mcpServers: { c: server(1) } });
write(path.join(home, '.config', 'Code', 'User', 'mcp.json'), {
  servers: { v: server(2) },
});
write(
  path.join(home, '.codex', 'config.toml'),
  '[mcp_servers.x]\ncommand = "npx"\nargs = ["x"]\n',
);
for (let i = 0; i < PROJECTS; i++) {
  const p = path.join(code, `team-${i % 10}`, `project-${i}`);
  write(path.join(p, '.mcp.json'), {
    mcpServers: { [`proj-${i}`]: server(i) },
  });
  write(path.join(p, '.vscode', 'mcp.json'), {
    servers: { [`vs-${i}`]: server(i) },
  });
  write(path.join(p, '.cursor', 'mcp.json'), {
    mcpServers: { [`cu-${i}`]: server(i) },
  });
  write(path.join(p, 'package.json'), {
    name: `project-${i}`,
    dependencies:
      i % 4 === 0 ? { '@modelcontextprotocol/sdk': '^1' } : { react: '^18' },
  });
  for (let s = 0; s < 5; s++)
    write(path.join(p, 'src', `module-${s}`, 'index.ts'), 'export {};\n');
  // What the walk must not enter.
  for (let n = 0; n < 20; n++)
    write(path.join(p, 'node_modules', `dep-${n}`, 'package.json'), {
      name: `dep-${n}`,
    });
  write(path.join(p, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  write(path.join(p, 'dist', 'index.js'), '');
}

// The agent is measured twice: as shipped (the single-file bundle, on this
// node) and from the checkout (TypeScript through Backstage's loader).
const bundle = path.join(base, 'mcpeeker-agent.cjs');
const built = spawnSync(
  process.execPath,
  [path.join(ROOT, 'plugins/mcpeeker-agent/scripts/bundle.mjs'), bundle],
  { encoding: 'utf8' },
);
if (built.status !== 0) throw new Error(`bundle failed: ${built.stderr}`);

const probe = loader => `
  ${loader}
  const started = process.hrtime.bigint();
  let out = '';
  runCli(process.argv.slice(1), { stdout: t => (out += t), stderr: () => {}, env: { MCPEEKER_HOST_ID_SALT: 'bench-salt-0123456789' } }).then(code => {
    const scanMs = Number(process.hrtime.bigint() - started) / 1e6;
    const report = JSON.parse(out);
    process.stderr.write(JSON.stringify({ code, scanMs, maxRssKb: process.resourceUsage().maxRSS, detections: report.detections.length, errors: report.errors.length, dirs: report.stats.directoriesWalked }));
  });
`;
const forms = {
  bundle: `const { runCli } = require(${JSON.stringify(bundle)});`,
  checkout: `require(${JSON.stringify(
    path.join(ROOT, 'node_modules/@backstage/cli/config/nodeTransform.cjs'),
  )});
    const { runCli } = require(${JSON.stringify(
      path.join(ROOT, 'plugins/mcpeeker-agent/src'),
    )});`,
};
const scanArgs = [
  'scan',
  '--format',
  'json',
  '--home',
  home,
  '--platform',
  'linux',
  '--root',
  code,
  '--no-processes',
  '--no-ports',
];
const results = {};
for (const [form, loader] of Object.entries(forms)) {
  const runs = [];
  for (let r = 0; r < RUNS; r++) {
    const started = process.hrtime.bigint();
    const child = spawnSync(
      process.execPath,
      ['-e', probe(loader), ...scanArgs],
      { encoding: 'utf8' },
    );
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const measured = JSON.parse(child.stderr.trim().split('\n').pop() || '{}');
    if (measured.code !== 0)
      throw new Error(`${form} scan failed: ${child.stderr}`);
    runs.push({ wallMs, ...measured });
  }
  results[form] = runs;
}
fs.rmSync(base, { recursive: true, force: true });

const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = runs => ({
  wallMs: Math.round(median(runs.map(r => r.wallMs))),
  scanMs: Math.round(median(runs.map(r => r.scanMs))),
  peakRssMb: Math.round(Math.max(...runs.map(r => r.maxRssKb)) / 1024),
});
const shipped = summary(results.bundle);
const last = results.bundle[results.bundle.length - 1];
console.log(
  JSON.stringify({
    bench: 'agent-scan',
    projects: PROJECTS,
    ...shipped,
    detections: last.detections,
    foldersWalked: last.dirs,
    runs: RUNS,
    node: process.version,
    fromCheckout: summary(results.checkout),
  }),
);
