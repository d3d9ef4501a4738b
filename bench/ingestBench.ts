/* eslint-disable */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
// The measuring side of bench/ingest.mjs: real NATS, real stores, the
// backend's own IngestService and NatsIngestConsumer.
import { connect } from '@nats-io/transport-node';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { mockServices } from '@backstage/backend-test-utils';
import { openStore } from './benchStores';
import {
  compositeId,
  createEvent,
  hashIdentifier,
  McpEvent,
} from '../plugins/mcpeeker-common/src';
import { DatabaseEventStore } from '../plugins/mcpeeker-backend/src/database/sql/DatabaseEventStore';
import { DatabaseFindingStore } from '../plugins/mcpeeker-backend/src/database/sql/DatabaseFindingStore';
import { DatabaseDeadLetterStore } from '../plugins/mcpeeker-backend/src/database/DeadLetterStore';
import { IngestService } from '../plugins/mcpeeker-backend/src/services/IngestService';
import { NatsIngestConsumer } from '../plugins/mcpeeker-backend/src/consumers/NatsIngestConsumer';
import { ClickHouseStore } from '../plugins/mcpeeker-backend/src/database/clickhouse/ClickHouseStore';
import { EventStore } from '../plugins/mcpeeker-backend/src/database/EventStore';
import { startClickHouseServer } from '../plugins/mcpeeker-backend/src/__testUtils__/clickhouseServer';

const quietLogger: any = {
  info() {},
  warn() {},
  debug() {},
  error: (m: string, meta?: unknown) =>
    console.error(m, meta ? JSON.stringify(meta) : ''),
  child() {
    return quietLogger;
  },
};
const NATS = process.env.MCPEEKER_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const SALT = 'bench-salt-0123456789';

/** A realistic mix: 70 % endpoint (config, process, port), 20 % network, 10 % gateway, over 2,000 hosts. */
export function makeEvent(i: number, observedAt: string): McpEvent {
  const host = hashIdentifier(`host-${i % 2000}`, SALT);
  const address = hashIdentifier(
    `10.0.${Math.floor((i % 2000) / 250)}.${i % 250}`,
    SALT,
  );
  const port = 3000 + (i % 7);
  const kind = i % 10;
  if (kind < 7) {
    const base = {
      layer: 'endpoint' as const,
      observedAt,
      compositeId: compositeId({ hostIdHash: host, port }),
      sensor: {
        id: `agent-${i % 2000}`,
        kind: 'mcpeeker-agent' as const,
        version: '0.1.0',
      },
      host: {
        idHash: host,
        os: 'linux' as const,
        owner: `user:default/dev-${i % 300}`,
        addressHashes: [address],
      },
      evidence: [
        {
          kind: 'config-entry',
          snippet: `cursor server-${port}: npx -y @acme/mcp-${port}`,
        },
      ],
    };
    if (kind < 4) {
      return createEvent({
        ...base,
        detection: {
          source: 'config',
          client: 'cursor',
          serverName: `server-${port}`,
          configPath: '/home/u/.cursor/mcp.json',
          scope: 'user',
          transport: 'stdio',
          command: 'npx',
          args: ['-y', `@acme/mcp-${port}`, `--seq=${i}`],
        },
      });
    }
    if (kind < 6) {
      return createEvent({
        ...base,
        detection: {
          source: 'process',
          pid: 1000 + i,
          command: 'node',
          args: [`/opt/acme/mcp-${port}/index.js`],
          confidence: 0.9,
          launcher: 'node',
        },
      });
    }
    return createEvent({
      ...base,
      detection: {
        source: 'port',
        port,
        url: `http://127.0.0.1:${port}/mcp`,
        transport: 'http',
        serverInfo: { name: `acme-${port}` },
        tools: ['read', 'write'],
      },
    });
  }
  if (kind < 9) {
    return createEvent({
      layer: 'network',
      observedAt,
      compositeId: compositeId({
        processSignature: `net:${address}:${port}:${i}`,
      }),
      sensor: { id: 'zeek-1', kind: 'zeek' },
      flow: {
        srcAddressHash: hashIdentifier(`10.9.0.${i % 200}`, SALT),
        dstAddressHash: address,
        dstPort: port,
        transport: 'http',
      },
      mcp: { method: i % 2 ? 'tools/call' : 'initialize' },
    });
  }
  return createEvent({
    layer: 'gateway',
    observedAt,
    compositeId: compositeId({ processSignature: `gateway:server-${i % 50}` }),
    sensor: { id: 'gw-1', kind: 'llm-gateway' },
    request: {
      requestId: `r-${i}`,
      toolNames: [`mcp__server-${i % 50}__read`],
      mcpServers: [{ name: `server-${i % 50}` }],
    },
    judge: {
      verdict: 'mcp',
      confidence: 0.8,
      explanation: 'tool name pattern',
    },
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** CPU time (ms) of a local process by name, from /proc; undefined when it is not on this machine. */
function processCpuMs(name: string): (() => number) | undefined {
  let pid: string;
  try {
    pid = execSync(`pgrep -n -x ${name}`).toString().trim();
  } catch {
    return undefined;
  }
  const read = () => {
    const fields = fs
      .readFileSync(`/proc/${pid}/stat`, 'utf8')
      .split(') ')[1]
      .split(' ');
    // utime + stime, in clock ticks of 10 ms
    return (Number(fields[11]) + Number(fields[12])) * 10;
  };
  const start = read();
  return () => read() - start;
}

export async function runIngestBench(options: {
  store: string;
  events: number;
  batchSize?: number;
  concurrency?: number;
}) {
  const nc = await connect({ servers: NATS });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const id = `${Date.now()}`;
  const stream = `MCPEEKER_BENCH_${id}`;
  const prefix = `mcpbench${id}`;
  await jsm.streams.add({ name: stream, subjects: [`${prefix}.>`] });
  const publish = async (events: McpEvent[]) => {
    const inFlight: Promise<unknown>[] = [];
    for (const e of events) {
      inFlight.push(
        js.publish(`${prefix}.${e.layer}.bench`, JSON.stringify(e), {
          msgID: e.eventId,
        }),
      );
      if (inFlight.length >= 1000) await Promise.all(inFlight.splice(0));
    }
    await Promise.all(inFlight);
  };

  // 1. Raw JetStream consume-and-ack.
  const t0 = new Date('2026-11-21T00:00:00Z').getTime();
  const events = Array.from({ length: options.events }, (_, i) =>
    makeEvent(i, new Date(t0 + i * 10).toISOString()),
  );
  await publish(events);
  await jsm.consumers.add(stream, {
    durable_name: 'raw',
    ack_policy: AckPolicy.Explicit,
  });
  const raw = await js.consumers.get(stream, 'raw');
  let consumed = 0;
  const rawStarted = performance.now();
  while (consumed < events.length) {
    const batch = await raw.fetch({ max_messages: 200, expires: 1000 });
    for await (const m of batch) {
      m.ack();
      consumed++;
    }
  }
  await nc.flush();
  const rawConsumePerSec = consumed / ((performance.now() - rawStarted) / 1000);

  // 2. End to end through the backend's consumer into the store. The
  // Backstage database keeps dead letters in every case; with ClickHouse it
  // keeps nothing else.
  const { knex, close } = await openStore(
    options.store === 'clickhouse' ? 'sqlite' : options.store,
  );
  const database = mockServices.database({ knex, migrations: { skip: false } });
  const commits = new Map<string, number>();
  const deadLetters = await DatabaseDeadLetterStore.create({
    database,
    salt: SALT,
  });
  let ingest: IngestService;
  let clickhouse: Awaited<ReturnType<typeof startClickHouseServer>> | undefined;
  let chStore: ClickHouseStore | undefined;
  if (options.store === 'clickhouse') {
    clickhouse = await startClickHouseServer();
    chStore = await ClickHouseStore.create({
      url: clickhouse.url,
      database: 'mcpeeker_bench',
    });
    const events: EventStore = {
      ...chStore.events,
      addMany: async batch => {
        const result = await chStore!.events.addMany(batch);
        // Visible to the findings API once addMany returns.
        const now = performance.now();
        for (const e of batch) commits.set(e.event.eventId, now);
        return result;
      },
    };
    ingest = new IngestService({
      events,
      deadLetters,
      salt: SALT,
      logger: quietLogger,
    });
  } else {
    const findings = await DatabaseFindingStore.create({ database });
    const events = await DatabaseEventStore.create({
      database,
      correlator: {
        correlate: async (tx, batch) => {
          await findings.correlate(tx, batch);
          // Visible once the transaction commits, a moment after this returns.
          tx.executionPromise.then(() => {
            const now = performance.now();
            for (const e of batch) commits.set(e.eventId, now);
          });
        },
      },
    });
    ingest = new IngestService({
      events,
      deadLetters,
      salt: SALT,
      logger: quietLogger,
    });
  }
  const consumer = new NatsIngestConsumer({
    config: {
      enabled: true,
      servers: [NATS],
      stream,
      consumer: 'backend',
      subjectPrefix: prefix,
      createStream: false,
      // The defaults readMcpeekerConfig gives each store.
      batchSize:
        options.batchSize ?? (options.store === 'clickhouse' ? 2000 : 500),
      concurrency:
        options.concurrency ?? (options.store === 'clickhouse' ? 4 : 1),
      replicas: 1,
      credentials: {},
    },
    ingest,
    logger: quietLogger,
  });
  // Who spent the CPU of the end-to-end run (the machine's cores are shared).
  const natsCpu = processCpuMs('nats-server');
  const clickhouseCpu =
    options.store === 'clickhouse' ? processCpuMs('chserver') : undefined;
  const backendCpu = process.cpuUsage();
  const e2eStarted = performance.now();
  await consumer.start();
  while (commits.size < events.length)
    await new Promise(r => setTimeout(r, 20));
  const endToEndPerSec =
    events.length / ((performance.now() - e2eStarted) / 1000);
  const backendUsage = process.cpuUsage(backendCpu);
  const e2eCpuMs = {
    backend: Math.round((backendUsage.user + backendUsage.system) / 1000),
    ...(natsCpu ? { nats: natsCpu() } : {}),
    ...(clickhouseCpu ? { clickhouse: clickhouseCpu() } : {}),
  };

  // 3. Latency at 1,000 events/s: publish paced, time to commit.
  const paced = Array.from({ length: Math.min(5000, options.events) }, (_, i) =>
    makeEvent(options.events + i, new Date(t0 + 3_600_000 + i).toISOString()),
  );
  const publishedAt = new Map<string, number>();
  const pacedStarted = performance.now();
  for (let i = 0; i < paced.length; i += 10) {
    const slice = paced.slice(i, i + 10);
    const due = pacedStarted + i; // 10 events every 10 ms
    const wait = due - performance.now();
    if (wait > 0) await new Promise(r => setTimeout(r, wait));
    for (const e of slice) publishedAt.set(e.eventId, performance.now());
    await Promise.all(
      slice.map(e =>
        js.publish(`${prefix}.${e.layer}.bench`, JSON.stringify(e), {
          msgID: e.eventId,
        }),
      ),
    );
  }
  while (paced.some(e => !commits.has(e.eventId)))
    await new Promise(r => setTimeout(r, 20));
  const latencies = paced
    .map(e => commits.get(e.eventId)! - publishedAt.get(e.eventId)!)
    .sort((a, b) => a - b);

  await consumer.stop();
  await jsm.streams.delete(stream);
  await nc.close();
  await chStore?.close();
  await clickhouse?.stop();
  await close();
  return {
    bench: 'ingest',
    store: options.store,
    events: options.events,
    rawConsumePerSec: Math.round(rawConsumePerSec),
    endToEndPerSec: Math.round(endToEndPerSec),
    ratio: Number((endToEndPerSec / rawConsumePerSec).toFixed(3)),
    p50Ms: Math.round(percentile(latencies, 50)),
    p99Ms: Math.round(percentile(latencies, 99)),
    e2eCpuMs,
    // Every process's CPU over the events: what an event costs on the
    // machine, whatever else is running on its cores.
    cpuUsPerEvent: Math.round(
      (Object.values(e2eCpuMs).reduce((sum, ms) => sum + ms, 0) * 1000) /
        options.events,
    ),
    latencyEvents: paced.length,
    ratePerSec: 1000,
  };
}
