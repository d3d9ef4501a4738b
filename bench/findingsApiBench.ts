/* eslint-disable */
// The measuring side of bench/findings-api.mjs.
import { mockServices } from '@backstage/backend-test-utils';
import { openStore } from './benchStores';
import {
  DatabaseFindingStore,
  FindingQuery,
} from '../plugins/mcpeeker-backend/src/database/FindingStore';

const CLASSES = ['authorized', 'suspect', 'unauthorized'] as const;
const LAYERS = [
  'endpoint',
  'endpoint,network',
  'gateway',
  'endpoint,gateway,network',
  'network',
];

export async function runFindingsApiBench(options: {
  store: string;
  findings: number;
}) {
  const { knex, close } = await openStore(options.store);
  const store = await DatabaseFindingStore.create({
    database: mockServices.database({ knex, migrations: { skip: false } }),
  });
  const t0 = Date.parse('2026-11-01T00:00:00Z');
  const breakdown = JSON.stringify({
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
  const signals = JSON.stringify({
    counts: { endpoint: { config: 1 } },
    judgeUnavailable: false,
    highSeveritySignatures: 0,
    rules: {},
  });
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
        score,
        classification:
          score <= 4 ? CLASSES[0] : score <= 8 ? CLASSES[1] : CLASSES[2],
        layers: LAYERS[j % LAYERS.length],
        signals,
        breakdown,
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
  await close();
  return {
    bench: 'findings-api',
    store: options.store,
    findings: options.findings,
    p50Ms: Math.round(times[Math.floor(times.length * 0.5)]),
    p95Ms: Math.round(times[Math.floor(times.length * 0.95)]),
    queries: times.length,
    fillSeconds: Math.round(fillSeconds),
    medianMsPerQuery: Object.fromEntries(
      Object.entries(perQuery).map(([k, v]) => [
        k,
        Math.round(v.sort((a, b) => a - b)[2]),
      ]),
    ),
  };
}
