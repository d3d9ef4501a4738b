#!/usr/bin/env node
// Benchmark of the Judge (plugins/mcpeeker-backend/src/services/judge):
// a verdict from Backstage's memory cache, the offline judge, and Claude
// through the real SDK against a local Messages API server that answers after
// a fixed delay (so the figure above the delay is our own overhead: prompt,
// SDK, HTTP, schema check, cache write). Prints one JSON line:
// {"bench":"judge","cachedP95Ms":…,"offlineP50Ms":…,"offlineP95Ms":…,"claudeP95Ms":…,"answerDelayMs":…,"claudeOverheadP95Ms":…,"plainHttpP95Ms":…}
// (plainHttpP95Ms: the same POST with plain fetch, no SDK: what loopback and
// the server's timer cost on this machine, not ours)
// Usage: node bench/judge.mjs [--requests N] [--delay MS]
import { createRequire } from 'node:module';
import { countArg, loadTs, ROOT } from './harness.mjs';

const require = createRequire(`${ROOT}/package.json`);
const { JudgeService } = loadTs(
  'plugins/mcpeeker-backend/src/services/judge/JudgeService.ts',
);
const { readJudgeConfig } = loadTs(
  'plugins/mcpeeker-backend/src/services/judge/judgeConfig.ts',
);
const { startMessagesApiServer } = loadTs(
  'plugins/mcpeeker-backend/src/__testUtils__/messagesApiServer.ts',
);
const { CacheManager } = require('@backstage/backend-defaults/cache');
const { ConfigReader } = require('@backstage/config');

const REQUESTS = countArg('--requests', '400');
const DELAY_MS = countArg('--delay', '50');

const logger = {
  warn() {},
  info() {},
  error() {},
  debug() {},
  child() {
    return logger;
  },
};
const cache = () =>
  CacheManager.fromConfig(new ConfigReader({})).forPlugin('mcpeeker');

/** Requests of the kinds gateways see: MCP tool names, connectors, plain function tools. */
function request(i) {
  const kinds = [
    {
      toolNames: [`mcp__github__create_issue`, `mcp__fs${i}__read_file`],
      mcpServers: [],
    },
    {
      toolNames: [],
      mcpServers: [{ name: `asana-${i}`, url: 'https://mcp.asana.com/sse' }],
    },
    { toolNames: ['get_weather', `book_flight_${i}`], mcpServers: [] },
    { toolNames: ['read_file', 'search'], mcpServers: [] },
  ];
  return {
    excerpt: `request ${i}: tools ${kinds[i % 4].toolNames.join(
      ', ',
    )} — proxied from @modelcontextprotocol/server-github`,
    toolDefinitions: [],
    ...kinds[i % 4],
  };
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
};
const round = n => Math.round(n * 1000) / 1000;

async function timeEach(n, fn) {
  const ms = [];
  for (let i = 0; i < n; i++) {
    const started = process.hrtime.bigint();
    const outcome = await fn(i);
    ms.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (!outcome.ok) throw new Error(`no verdict: ${outcome.reason}`);
  }
  return ms;
}

const api = await startMessagesApiServer({
  fallback: {
    delayMs: DELAY_MS,
    toolInput: {
      verdict: 'mcp',
      confidence: 0.9,
      servers: ['github'],
      explanation:
        'The tools are named mcp__github__*. MCP clients name MCP tools that way.',
    },
  },
});
try {
  const claudeConfig = ttl =>
    readJudgeConfig(
      new ConfigReader({
        judge: {
          timeoutMs: 10_000,
          cacheTtlSeconds: ttl,
          anthropic: {
            apiKey: 'bench',
            baseUrl: api.url,
            model: 'claude-bench',
          },
        },
      }),
    );

  const offline = JudgeService.fromConfig(
    readJudgeConfig(new ConfigReader({})),
    {
      cache: cache(),
      logger,
    },
  );
  await timeEach(200, i => offline.classify(request(i))); // warm-up
  const offlineMs = await timeEach(REQUESTS, i => offline.classify(request(i)));

  const claude = JudgeService.fromConfig(claudeConfig(0), {
    cache: cache(),
    logger,
  });
  await timeEach(5, i => claude.classify(request(1e6 + i))); // warm-up: connections, JIT
  const claudeMs = await timeEach(Math.min(REQUESTS, 200), i =>
    claude.classify(request(i)),
  );

  // The floor: the same POST with plain fetch, no SDK and no Judge around it.
  const body = JSON.stringify(api.messageCalls().at(-1).body);
  const floorMs = await timeEach(Math.min(REQUESTS, 200), async () => {
    const res = await fetch(`${api.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'bench' },
      body,
    });
    await res.json();
    return { ok: res.ok };
  });

  const cached = JudgeService.fromConfig(claudeConfig(3600), {
    cache: cache(),
    logger,
  });
  for (let i = 0; i < 20; i++) await cached.classify(request(i));
  const cachedMs = await timeEach(REQUESTS, i =>
    cached.classify(request(i % 20)),
  );

  const claudeP95Ms = percentile(claudeMs, 95);
  console.log(
    JSON.stringify({
      bench: 'judge',
      cachedP95Ms: round(percentile(cachedMs, 95)),
      offlineP50Ms: round(percentile(offlineMs, 50)),
      offlineP95Ms: round(percentile(offlineMs, 95)),
      claudeP95Ms: round(claudeP95Ms),
      answerDelayMs: DELAY_MS,
      claudeOverheadP95Ms: round(claudeP95Ms - DELAY_MS),
      plainHttpP95Ms: round(percentile(floorMs, 95)),
    }),
  );
} finally {
  await api.close();
}
