// Starts a portal of its own for an end-to-end test: the backend and the
// frontend dev server exactly as `yarn start` runs them, on the ports of
// app-config.e2e.yaml, with a fresh data directory.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { poll } from './wait.mjs';

export const ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
);
export const APP_URL = 'http://localhost:3300';
export const BACKEND_URL = 'http://localhost:7300';
export const METRICS_PORT = 9564;

async function waitFor(url, { timeoutMs, processes }) {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer';
  while (Date.now() < deadline) {
    const exited = processes.find(p => p.exitCode !== null);
    if (exited) {
      throw new Error(
        `${exited.name} exited with ${exited.exitCode} before ${url} answered; see ${exited.logFile}`,
      );
    }
    try {
      const res = await fetch(url);
      if (res.ok) return;
      lastError = `HTTP ${res.status}`;
    } catch (e) {
      lastError = e.cause?.code ?? e.message;
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(
    `${url} did not answer within ${timeoutMs / 1000}s (${lastError})`,
  );
}

/**
 * Starts the portal (or only its backend, `apps: ['backend']`), with more
 * config files on top of the e2e one; `backendUrl`, `appUrl` and
 * `metricsPort` must match what those files set.
 */
export async function startPortal({
  apps = ['backend', 'app'],
  extraConfigs = [],
  backendUrl = BACKEND_URL,
  appUrl = APP_URL,
  metricsPort = METRICS_PORT,
  logName = 'e2e',
} = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpeeker-e2e-'));
  const logDir = path.join(ROOT, 'test-results');
  fs.mkdirSync(logDir, { recursive: true });
  const configArgs = [
    '--config',
    '../../app-config.yaml',
    '--config',
    '../../e2e/app-config.e2e.yaml',
    ...extraConfigs.flatMap(file => ['--config', file]),
  ];
  const processes = apps.map(name => {
    const logFile = path.join(logDir, `${logName}-${name}.log`);
    const out = fs.openSync(logFile, 'w');
    const child = spawn('yarn', ['workspace', name, 'start', ...configArgs], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', out, out],
      env: {
        ...process.env,
        MCPEEKER_DATA_DIR: dataDir,
        MCPEEKER_METRICS_PORT: String(metricsPort),
        BROWSER: 'none',
      },
    });
    return Object.assign(child, { name, logFile });
  });
  const stop = async () => {
    for (const child of processes) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await Promise.all(
      processes.map(c =>
        c.exitCode !== null ? undefined : new Promise(r => c.once('exit', r)),
      ),
    );
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor(`${backendUrl}/api/mcpeeker/health`, {
      timeoutMs: 180_000,
      processes,
    });
    if (apps.includes('app'))
      await waitFor(appUrl, { timeoutMs: 240_000, processes });
  } catch (e) {
    await stop();
    throw e;
  }
  return { stop };
}

/**
 * Where a screenshot goes: docs/screenshots/<name>.png, the README's, when
 * MCPEEKER_UPDATE_SCREENSHOTS=1 asks to renew them; else
 * test-results/e2e-<name>.png, so a test run leaves tracked files alone.
 */
export function screenshotPath(name) {
  return process.env.MCPEEKER_UPDATE_SCREENSHOTS === '1'
    ? path.join(ROOT, 'docs', 'screenshots', `${name}.png`)
    : path.join(ROOT, 'test-results', `e2e-${name}.png`);
}

export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  const executablePath = process.env.MCPEEKER_CHROMIUM ?? '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}: apt-get install chromium (or set MCPEEKER_CHROMIUM)`,
    );
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A home directory with one Cursor MCP server whose env holds `secret`, and
 * a function that runs the real agent once there (`--config` from
 * `configLines`, more environment on top). Returns spawnSync's result.
 */
export function agentHome({ secret, configLines, spool }) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpeeker-e2e-home-'));
  fs.mkdirSync(path.join(home, '.cursor'));
  fs.writeFileSync(
    path.join(home, '.cursor', 'mcp.json'),
    JSON.stringify({
      mcpServers: {
        github: {
          command: 'npx',
          args: ['-y', '@modelcontextprotocol/server-github'],
          env: { GITHUB_TOKEN: secret },
        },
      },
    }),
  );
  const config = path.join(home, 'agent.yaml');
  fs.writeFileSync(
    config,
    [
      'processes: false',
      'ports: false',
      'owner: user:default/dana',
      ...configLines,
    ].join('\n'),
  );
  const spoolDir = spool ?? path.join(home, 'spool');
  const runOnce = (env = {}) =>
    spawnSync(
      process.execPath,
      [
        path.join(ROOT, 'plugins/mcpeeker-agent/bin/mcpeeker-agent'),
        'run',
        '--once',
        '--config',
        config,
      ],
      {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          HOME: home,
          MCPEEKER_SPOOL_DIR: spoolDir,
          MCPEEKER_HOST_ID_SALT: 'mcpeeker-development-salt',
          ...env,
        },
      },
    );
  return { home, spool: spoolDir, runOnce };
}

/**
 * A demo user's Authorization header, once the portal's (fresh) catalog
 * knows the user (a 404 until then): within 120 s.
 */
export async function demoAuthHeaders(backendUrl, name) {
  const { ok, auth } = await poll(
    async () => {
      const res = await fetch(
        `${backendUrl}/api/auth/demo/refresh?env=development`,
        { headers: { 'x-mcpeeker-demo-user': name } },
      );
      return { ok: res.ok, status: res.status, auth: await res.json() };
    },
    {
      until: answer => answer.status !== 404,
      timeoutMs: 120_000,
      intervalMs: 1000,
    },
  );
  if (!ok) throw new Error(`demo sign-in as ${name}: ${JSON.stringify(auth)}`);
  return { authorization: `Bearer ${auth.backstageIdentity.token}` };
}

/**
 * Runs the real agent's `gateway --read FILE --send` once over an LLM
 * gateway's request log of these lines (objects, one JSON line each), with a
 * spool of its own. Returns spawnSync's result and the spool directory.
 */
export function sendGatewayLog(lines, { backendUrl, token }) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpeeker-e2e-gateway-'));
  const log = path.join(work, 'requests.jsonl');
  fs.writeFileSync(
    log,
    lines.map(line => `${JSON.stringify(line)}\n`).join(''),
  );
  const spool = path.join(work, 'spool');
  const result = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'plugins/mcpeeker-agent/bin/mcpeeker-agent'),
      'gateway',
      '--read',
      log,
      '--send',
      '--gateway',
      'e2e-proxy',
    ],
    {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: work,
        MCPEEKER_SPOOL_DIR: spool,
        MCPEEKER_HOST_ID_SALT: 'mcpeeker-development-salt',
        MCPEEKER_HTTP_URL: `${backendUrl}/api/mcpeeker/events`,
        MCPEEKER_TOKEN: token,
      },
    },
  );
  return { ...result, spool };
}

/**
 * One backend process as `yarn workspace backend start` runs it (the same
 * TypeScript loader, instrumentation and config files on top of the e2e
 * one), but without the CLI's file watcher: a replica that restarts only
 * when the test says so, and whose process is the backend itself — `kill()`
 * with SIGKILL is a crash mid-work. `start()` waits until
 * `${backendUrl}/api/mcpeeker/health` answers.
 */
export function backendReplica({ name, extraConfigs, backendUrl, env = {} }) {
  const logDir = path.join(ROOT, 'test-results');
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  fs.writeFileSync(logFile, '');
  const backendDir = path.join(ROOT, 'packages', 'backend');
  const requireFrom = createRequire(path.join(backendDir, 'package.json'));
  const cliBuild = path.dirname(
    requireFrom.resolve('@backstage/cli-module-build/package.json'),
  );
  const transform = createRequire(path.join(cliBuild, 'package.json')).resolve(
    '@backstage/cli-node/config/nodeTransform.cjs',
  );
  let child;
  const replica = {
    name,
    logFile,
    get pid() {
      return child?.pid;
    },
    async start({ timeoutMs = 180_000 } = {}) {
      const out = fs.openSync(logFile, 'a');
      child = spawn(
        process.execPath,
        [
          '--enable-source-maps',
          '--require',
          transform,
          '--require',
          './src/instrumentation.js',
          'src/index.ts',
          '--config',
          '../../app-config.yaml',
          '--config',
          '../../e2e/app-config.e2e.yaml',
          ...extraConfigs.flatMap(file => ['--config', file]),
        ],
        {
          cwd: backendDir,
          stdio: ['ignore', out, out],
          env: {
            ...process.env,
            NODE_ENV: 'development',
            ESBK_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.json'),
            MCPEEKER_METRICS_PORT: 'off',
            ...env,
          },
        },
      );
      fs.closeSync(out);
      Object.assign(child, { name, logFile });
      await waitFor(`${backendUrl}/api/mcpeeker/health`, {
        timeoutMs,
        processes: [child],
      });
    },
    /** SIGKILL: no shutdown hook runs, nothing in flight is finished or acked. */
    async kill() {
      if (!child || child.exitCode !== null || child.signalCode !== null)
        return;
      const exited = new Promise(r => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (!child || child.exitCode !== null || child.signalCode !== null)
        return;
      const exited = new Promise(r => child.once('exit', r));
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killed);
    },
  };
  return replica;
}
