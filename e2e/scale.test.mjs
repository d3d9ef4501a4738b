// End to end, the at-scale configuration: the portal's backend started as
// `yarn start` runs it, with NATS JetStream for events (the machine's server)
// and ClickHouse for findings (the real server of the chdb package). The real
// agent reports over NATS; the analyst reads the finding through the API;
// health and metrics say where the events went.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { agentHome, demoAuthHeaders, startPortal } from './portal.mjs';
import { poll } from './wait.mjs';
import { loadTs } from '../bench/harness.mjs';

const BACKEND = 'http://localhost:7400';
const METRICS_PORT = 9664;
const NATS_URL = process.env.MCPEEKER_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const id = `${Date.now()}`;
const stream = `MCPEEKER_E2E_${id}`;
const prefix = `mcpe2e${id}`;

let clickhouse;
let portal;
let work;

before(
  async () => {
    const { startClickHouseServer } = loadTs(
      'plugins/mcpeeker-backend/src/__testUtils__/clickhouseServer.ts',
    );
    clickhouse = await startClickHouseServer();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpeeker-e2e-scale-'));
    const config = path.join(work, 'app-config.scale.yaml');
    fs.writeFileSync(
      config,
      JSON.stringify({
        backend: { baseUrl: BACKEND, listen: { port: 7400 } },
        mcpeeker: {
          ingest: {
            nats: {
              enabled: true,
              servers: [NATS_URL],
              stream,
              consumer: 'mcpeeker-e2e',
              subjectPrefix: prefix,
            },
          },
          store: {
            kind: 'clickhouse',
            clickhouse: { url: clickhouse.url, database: 'mcpeeker_e2e' },
          },
        },
      }),
    );
    portal = await startPortal({
      apps: ['backend'],
      extraConfigs: [config],
      backendUrl: BACKEND,
      metricsPort: METRICS_PORT,
      logName: 'e2e-scale',
    });
  },
  { timeout: 300_000 },
);

after(async () => {
  await portal?.stop();
  await clickhouse?.stop();
  // The stream this test's backend created.
  const { connect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: NATS_URL });
  await (await jetstreamManager(nc)).streams.delete(stream).catch(() => {});
  await nc.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test(
  'an agent reports over NATS JetStream and the analyst reads the finding from ClickHouse',
  { timeout: 300_000 },
  async () => {
    const secret = 'ghp_e2eScalePlanted0123456789abcdefABCD';
    const run = agentHome({
      secret,
      configLines: [
        'report:',
        '  nats:',
        `    servers: [${NATS_URL}]`,
        `    subjectPrefix: ${prefix}.endpoint`,
      ],
    }).runOnce();
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /sent 1 event to nats/);
    assert.ok(!run.stderr.includes(secret));

    // The analyst finds it; the dedicated analytics store answered.
    const headers = await demoAuthHeaders(BACKEND, 'sam');
    const finding = await poll(
      async () =>
        (
          await (
            await fetch(`${BACKEND}/api/mcpeeker/findings?q=github`, {
              headers,
            })
          ).json()
        ).items?.[0],
    );
    assert.ok(finding, 'the finding never appeared');
    assert.equal(finding.classification, 'suspect');
    assert.equal(finding.owner, 'user:default/dana');
    assert.deepEqual(finding.layers, ['endpoint']);
    const detail = await (
      await fetch(
        `${BACKEND}/api/mcpeeker/findings/${encodeURIComponent(
          finding.compositeId,
        )}`,
        { headers },
      )
    ).text();
    assert.match(detail, /GITHUB_TOKEN/);
    assert.ok(!detail.includes(secret), 'the secret reached the portal');

    // Health names the stream, the consumer and what it processed, and ClickHouse.
    // (The report is cached for 5 s: the first may predate the event.)
    const health = await poll(
      async () => (await fetch(`${BACKEND}/api/mcpeeker/health`)).json(),
      {
        until: h => / 1 processed/.test(h.dependencies.nats.detail ?? ''),
        intervalMs: 1000,
      },
    );
    assert.equal(
      health.dependencies.nats.status,
      'ok',
      JSON.stringify(health.dependencies.nats),
    );
    assert.match(
      health.dependencies.nats.detail,
      new RegExp(
        `stream ${stream}, consumer mcpeeker-e2e, 0 pending, 0 unacknowledged, 1 processed`,
      ),
    );
    assert.equal(health.dependencies.clickhouse.status, 'ok');

    const metrics = await (
      await fetch(`http://localhost:${METRICS_PORT}/metrics`)
    ).text();
    assert.match(
      metrics,
      /^mcpeeker_events_ingested_total\{[^}]*layer="endpoint"[^}]*transport="nats"[^}]*\} 1$/m,
    );
    assert.match(
      metrics,
      new RegExp(
        `^mcpeeker_nats_consumer_pending\\{[^}]*stream="${stream}"`,
        'm',
      ),
    );
  },
);
