/* eslint-disable */
// The measuring side of bench/findings-api.mjs.
import { mockServices } from '@backstage/backend-test-utils';
import { createClient } from '@clickhouse/client';
import { openStore } from './benchStores';
import { ClickHouseStore } from '../plugins/mcpeeker-backend/src/database/clickhouse/ClickHouseStore';
import { startClickHouseServer } from '../plugins/mcpeeker-backend/src/__testUtils__/clickhouseServer';
import { FindingQuery } from '../plugins/mcpeeker-backend/src/database/FindingStore';
import { DatabaseFindingStore } from '../plugins/mcpeeker-backend/src/database/sql/DatabaseFindingStore';

const CLASSES = ['authorized', 'suspect', 'unauthorized'] as const;
const LAYERS = [
  'endpoint',
  'endpoint,network',
  'gateway',
  'endpoint,gateway,network',
  'network',
];

const BREAKDOWN = JSON.stringify({
  score: 6,
  classification: 'suspect',
  contributions: [
    {
      layer: 'endpoint',
      points: 6,
      reason: 'the endpoint agent saw it (config ×1)',
    },
  ],
  rules: [],
  tags: [],
});
const SIGNALS = JSON.stringify({
  counts: { endpoint: { config: 1 } },
  judgeUnavailable: false,
  highSeveritySignatures: 0,
  rules: {},
});

export async function runFindingsApiBench(options: {
  store: string;
  findings: number;
}) {
  const t0 = Date.parse('2026-11-01T00:00:00Z');
  const filled = await openFilledStore(options);
  const result = await measure(filled.store, t0);
  await filled.close();
  return benchLine(options, result, filled.fillSeconds);
}

/** A store of the kind asked, holding N generated findings (also bench/export.mjs's). */
export async function openFilledStore(options: {
  store: string;
  findings: number;
}): Promise<{
  store: DatabaseFindingStore | ClickHouseStore;
  fillSeconds: number;
  close: () => Promise<void>;
}> {
  if (options.store === 'clickhouse') return fillClickHouse(options);
  const { knex, close } = await openStore(options.store);
  const store = await DatabaseFindingStore.create({
    database: mockServices.database({ knex, migrations: { skip: false } }),
  });
  const t0 = Date.parse('2026-11-01T00:00:00Z');
  const fillStarted = performance.now();
  const batch = options.store === 'sqlite' ? 500 : 2000;
  for (let i = 0; i < options.findings; i += batch) {
    const rows = [];
    for (let j = i; j < Math.min(options.findings, i + batch); j++) {
      const score = j % 14;
      rows.push({
        composite_id: `mcp_${j.toString(16).padStart(32, '0')}`,
        server_name: `server-${j % 5000}`,
        host_id_hash: (j % 20000).toString(16).padStart(64, '0'),
        owner: `user:default/dev-${j % 3000}`,
        owners: `,user:default/dev-${j % 3000},`,
        score,
        classification:
          score <= 4 ? CLASSES[0] : score <= 8 ? CLASSES[1] : CLASSES[2],
        layers: LAYERS[j % LAYERS.length],
        signals: SIGNALS,
        breakdown: BREAKDOWN,
        registry_status: j % 10 === 0 ? 'approved' : 'unregistered',
        judge_unavailable: false,
        first_seen: new Date(t0 + (j % 86400) * 1000),
        last_seen: new Date(t0 + (j % (20 * 86400)) * 1000),
        updated_at: new Date(),
      });
    }
    await knex('mcpeeker_findings').insert(rows);
  }
  if (options.store === 'postgres') await knex.raw('analyze mcpeeker_findings');
  const fillSeconds = (performance.now() - fillStarted) / 1000;
  return { store, fillSeconds, close };
}

/** The JSON line the bench prints for one store. */
function benchLine(
  options: { store: string; findings: number },
  result: Awaited<ReturnType<typeof measure>>,
  fillSeconds: number,
) {
  return {
    bench: 'findings-api',
    store: options.store,
    findings: options.findings,
    ...result,
    fillSeconds: Math.round(fillSeconds),
  };
}

/** The same findings, written by ClickHouse itself from numbers(N). */
async function fillClickHouse(options: { store: string; findings: number }) {
  const server = await startClickHouseServer();
  const store = await ClickHouseStore.create({
    url: server.url,
    database: 'mcpeeker_bench',
  });
  const client = createClient({ url: server.url });
  const t0 = Date.parse('2026-11-01T00:00:00Z');
  const fillStarted = performance.now();
  await client.command({
    query: `INSERT INTO mcpeeker_bench.findings
              (composite_id, server_name, host_id_hash, owner, owners, score, classification, layers, signals, breakdown, registry_status, judge_unavailable, first_seen, last_seen, version, updated_at)
      SELECT concat('mcp_', leftPad(hex(number), 32, '0')),
        concat('server-', toString(number % 5000)),
        leftPad(hex(number % 20000), 64, '0'),
        concat('user:default/dev-', toString(number % 3000)),
        [concat('user:default/dev-', toString(number % 3000))],
        number % 14 AS s,
        multiIf(s <= 4, 'authorized', s <= 8, 'suspect', 'unauthorized'),
        splitByChar(',', [${LAYERS.map(l => `'${l}'`).join(',')}][number % ${
      LAYERS.length
    } + 1]),
        {signals:String}, {breakdown:String},
        if(number % 10 = 0, 'approved', 'unregistered'), 0,
        fromUnixTimestamp64Milli(toInt64({t0:Int64} + (number % 86400) * 1000)),
        fromUnixTimestamp64Milli(toInt64({t0:Int64} + (number % (20 * 86400)) * 1000)),
        1, now64(3)
      FROM numbers({n:UInt64})`,
    query_params: {
      n: options.findings,
      t0,
      signals: SIGNALS,
      breakdown: BREAKDOWN,
    },
  });
  await client.command({
    query: 'OPTIMIZE TABLE mcpeeker_bench.findings FINAL',
  });
  const fillSeconds = (performance.now() - fillStarted) / 1000;
  await client.close();
  return {
    store,
    fillSeconds,
    close: async () => {
      await store.close();
      await server.stop();
    },
  };
}

/** What analysts do, five rounds, each query with its second page. */
async function measure(
  store: { list(q: FindingQuery): Promise<{ nextCursor?: string }> },
  t0: number,
) {
  // What analysts do: the default list, a classification filter, a layer, a
  // text search, an owner filter (the developer's view), the second page.
  const queries: FindingQuery[] = [
    { limit: 50 },
    { limit: 50, classification: ['unauthorized'] },
    {
      limit: 50,
      classification: ['suspect', 'unauthorized'],
      sort: 'lastSeen',
    },
    { limit: 50, layer: 'network', minScore: 9 },
    { limit: 50, text: 'server-42' },
    { limit: 50, ownerRefs: ['user:default/dev-7'] },
    { limit: 50, since: new Date(t0 + 10 * 86400_000) },
  ];
  const names = [
    'default',
    'classification',
    'classification+lastSeen',
    'layer+minScore',
    'text',
    'owner',
    'since',
  ];
  const times: number[] = [];
  const perQuery: Record<string, number[]> = {};
  for (let round = 0; round < 5; round++) {
    for (const [i, q] of queries.entries()) {
      const started = performance.now();
      const page = await store.list(q);
      if (page.nextCursor) await store.list({ ...q, cursor: page.nextCursor });
      const ms = performance.now() - started;
      times.push(ms);
      (perQuery[names[i]] ??= []).push(ms);
    }
  }
  times.sort((a, b) => a - b);
  return {
    p50Ms: Math.round(times[Math.floor(times.length * 0.5)]),
    p95Ms: Math.round(times[Math.floor(times.length * 0.95)]),
    queries: times.length,
    medianMsPerQuery: Object.fromEntries(
      Object.entries(perQuery).map(([k, v]) => [
        k,
        Math.round(v.sort((a, b) => a - b)[2]),
      ]),
    ),
  };
}
