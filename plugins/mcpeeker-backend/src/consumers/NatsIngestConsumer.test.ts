import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { connect, NatsConnection } from '@nats-io/transport-node';
import {
  jetstream,
  jetstreamManager,
  JetStreamManager,
} from '@nats-io/jetstream';
import request from 'supertest';
import { Knex } from 'knex';
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { endpointEvent } from '../__testUtils__/events';
import { mcpeekerPlugin } from '../plugin';
import { freePort } from '../__testUtils__/freePort';
import { AckPolicy } from '@nats-io/jetstream';
import { IngestService } from '../services/IngestService';
import { NatsIngestConsumer } from './NatsIngestConsumer';
import {
  compositeId,
  createEvent,
  hostStatusSubject,
  McpEvent,
} from '@mcpeeker/plugin-mcpeeker-common';
import { HOST } from '../__testUtils__/events';
import { sqlPipeline } from '../__testUtils__/sqlPipeline';

jest.setTimeout(60_000);

const NATS_URL = process.env.MCPEEKER_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

let nc: NatsConnection;
let jsm: JetStreamManager;
let stream: string;
let prefix: string;
let knex: Knex;

beforeAll(async () => {
  nc = await connect({ servers: NATS_URL });
  jsm = await jetstreamManager(nc);
});
afterAll(async () => {
  await nc.close();
});
beforeEach(async () => {
  const id = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  stream = `MCPEEKER_INGEST_TEST_${id}`;
  prefix = `mcpingesttest${id}`;
  knex = await databases.init('SQLITE_3');
});
afterEach(async () => {
  await jsm.streams.delete(stream).catch(() => undefined);
});

async function startBackend(
  nats: {
    servers: string[];
    stream: string;
    consumer: string;
    subjectPrefix: string;
  } = {
    servers: [NATS_URL],
    stream,
    consumer: 'mcpeeker-test',
    subjectPrefix: prefix,
  },
) {
  return startTestBackend({
    features: [
      mcpeekerPlugin,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: {
          mcpeeker: {
            ingest: {
              nats: { enabled: true, ...nats },
            },
          },
        },
      }),
    ],
  });
}

async function waitFor(predicate: () => Promise<boolean>) {
  for (let i = 0; i < 150; i++) {
    if (await predicate()) return;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error('timed out');
}

describe('NATS JetStream ingest', () => {
  it('creates the stream and durable consumer, stores valid events once, dead-letters bad ones, acks all after commit', async () => {
    const backend = await startBackend();
    const info = await jsm.streams.info(stream);
    expect(info.config.subjects).toEqual([
      `${prefix}.endpoint.>`,
      `${prefix}.network.>`,
      `${prefix}.gateway.>`,
    ]);
    expect(info.config.max_age).toBe(7 * 24 * 3600 * 1e9);

    const js = jetstream(nc);
    const a = endpointEvent({ port: 1 });
    const b = endpointEvent({ port: 2 });
    const invalid: any = endpointEvent({ port: 3 });
    invalid.detection.scope = 'everywhere';
    await js.publish(`${prefix}.endpoint.host`, JSON.stringify(a), {
      msgID: a.eventId,
    });
    await js.publish(`${prefix}.endpoint.host`, JSON.stringify(b), {
      msgID: b.eventId,
    });
    // The same event under another message id (two replicas of a sender): stored once.
    await js.publish(`${prefix}.endpoint.host`, JSON.stringify(a), {
      msgID: `${a.eventId}-again`,
    });
    await js.publish(`${prefix}.endpoint.host`, JSON.stringify(invalid));
    await js.publish(`${prefix}.endpoint.host`, '{ this is not json');

    await waitFor(
      async () =>
        Number((await knex('mcpeeker_dead_letters').count({ c: '*' }))[0].c) ===
        2,
    );
    await waitFor(
      async () =>
        (await jsm.consumers.info(stream, 'mcpeeker-test')).num_ack_pending ===
        0,
    );
    const stored = await knex('mcpeeker_events')
      .select('event_id', 'transport')
      .orderBy('event_id');
    expect(stored).toEqual(
      [a.eventId, b.eventId]
        .sort()
        .map(event_id => ({ event_id, transport: 'nats' })),
    );
    const letters = await knex('mcpeeker_dead_letters')
      .select('transport', 'reason', 'message_id')
      .orderBy('id');
    expect(letters).toEqual([
      {
        transport: 'nats',
        reason: expect.stringContaining('detection.scope'),
        message_id: `${stream}:4`,
      },
      {
        transport: 'nats',
        reason: expect.stringMatching(/^not JSON: /),
        message_id: `${stream}:5`,
      },
    ]);
    const consumer = await jsm.consumers.info(stream, 'mcpeeker-test');
    expect(consumer).toMatchObject({ num_pending: 0, num_ack_pending: 0 });

    const health = await request(backend.server).get('/api/mcpeeker/health');
    expect(health.body.dependencies.nats).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining(
        `consumer mcpeeker-test, 0 pending, 0 unacknowledged, 5 processed`,
      ),
    });
    await backend.stop();
  });

  it('takes an agent’s host status: the last server leaving a host’s configs is no longer reported; a malformed status is dead-lettered', async () => {
    const backend = await startBackend();
    const js = jetstream(nc);
    const id = compositeId({ hostIdHash: HOST, port: 8 });
    // Dana's scan finds one server, and says so in its inventory.
    const {
      eventId: _id,
      schemaVersion: _v,
      ...content
    } = endpointEvent({
      port: 8,
      observedAt: '2026-12-01T09:00:00Z',
    }) as any;
    const event: McpEvent = createEvent({
      ...content,
      scan: { configIds: [id], unreadConfigs: [] },
    });
    await js.publish(`${prefix}.endpoint.${HOST}`, JSON.stringify(event), {
      msgID: event.eventId,
    });
    const finding = async () =>
      (
        await request(backend.server)
          .get(`/api/mcpeeker/findings/${id}`)
          .set('Authorization', mockCredentials.user.header())
      ).body;
    const listed = async () =>
      (
        await request(backend.server)
          .get('/api/mcpeeker/findings')
          .set('Authorization', mockCredentials.user.header())
          .expect(200)
      ).body.items.map((f: any) => f.compositeId);
    await waitFor(async () => (await finding()).compositeId === id);
    expect((await finding()).breakdown.noLongerReported).toBeUndefined();
    expect(await listed()).toEqual([id]);

    // She removes it; her agent's next scan finds nothing and, over NATS,
    // publishes its host status on the status subject, as `run` does.
    const subject = hostStatusSubject(`${prefix}.endpoint`, HOST);
    const status = {
      idHash: HOST,
      os: 'linux',
      owner: 'user:default/dana',
      enforcement: [],
      observedAt: '2026-12-02T09:00:00Z',
      scan: { configIds: [], unreadConfigs: [] },
    };
    await js.publish(subject, JSON.stringify(status));
    // Malformed: an unknown OS, a field no status has, and no JSON at all.
    await js.publish(subject, JSON.stringify({ ...status, os: 'plan9' }));
    await js.publish(subject, JSON.stringify({ ...status, events: [] }));
    await js.publish(subject, '{ not json');

    await waitFor(async () =>
      Boolean((await finding()).breakdown.noLongerReported),
    );
    expect((await finding()).breakdown.noLongerReported).toEqual({
      since: '2026-12-01T09:00:00.000Z',
      missingFrom: '2026-12-02T09:00:00.000Z',
    });
    expect(await listed()).toEqual([]);
    await waitFor(
      async () =>
        (await jsm.consumers.info(stream, 'mcpeeker-test')).num_ack_pending ===
          0 &&
        Number((await knex('mcpeeker_dead_letters').count({ c: '*' }))[0].c) ===
          3,
    );
    expect(
      await knex('mcpeeker_dead_letters')
        .select('transport', 'layer', 'reason', 'message_id')
        .orderBy('id'),
    ).toEqual([
      {
        transport: 'nats',
        layer: 'host-status',
        reason: expect.stringMatching(/^host status: os: /),
        message_id: `${stream}:3`,
      },
      {
        transport: 'nats',
        layer: 'host-status',
        reason: expect.stringMatching(/^host status: .*events/),
        message_id: `${stream}:4`,
      },
      {
        transport: 'nats',
        layer: 'host-status',
        reason: expect.stringMatching(/^not JSON: /),
        message_id: `${stream}:5`,
      },
    ]);
    // Nothing of the statuses is stored as an event.
    expect(Number((await knex('mcpeeker_events').count({ c: '*' }))[0].c)).toBe(
      1,
    );
    await backend.stop();
  });

  it('leaves nothing behind when the database fails: messages are redelivered and stored after recovery', async () => {
    const backend = await startBackend();
    // Break the store: the batch cannot commit, so it must not be acked.
    await knex.schema.renameTable('mcpeeker_events', 'mcpeeker_events_away');
    const js = jetstream(nc);
    const event = endpointEvent({ port: 7 });
    await js.publish(`${prefix}.endpoint.host`, JSON.stringify(event), {
      msgID: event.eventId,
    });
    await waitFor(
      async () =>
        (await jsm.consumers.info(stream, 'mcpeeker-test')).num_redelivered > 0,
    );
    const health = await request(backend.server).get('/api/mcpeeker/health');
    expect(health.body.dependencies.nats).toMatchObject({
      status: 'down',
      error: expect.stringContaining('mcpeeker_events'),
    });

    await knex.schema.renameTable('mcpeeker_events_away', 'mcpeeker_events');
    await waitFor(
      async () =>
        (
          await knex('mcpeeker_events').where('event_id', event.eventId)
        ).length === 1,
    );
    await waitFor(
      async () =>
        (await jsm.consumers.info(stream, 'mcpeeker-test')).num_ack_pending ===
        0,
    );
    await backend.stop();
  });
});

/**
 * A pipeline on the test database and a durable consumer `shared` holding
 * `count` endpoint events, for replicas (batches of 10, one at a time).
 */
async function sharedConsumerWith(
  count: number,
  consumer: { ack_wait?: number } = {},
) {
  const database = mockServices.database({
    knex,
    migrations: { skip: false },
  });
  const { findings, events: stored, ingest } = await sqlPipeline(database);
  await jsm.streams.add({ name: stream, subjects: [`${prefix}.>`] });
  await jsm.consumers.add(stream, {
    durable_name: 'shared',
    ack_policy: AckPolicy.Explicit,
    ...consumer,
  });
  const config = {
    enabled: true,
    servers: [NATS_URL],
    stream,
    consumer: 'shared',
    subjectPrefix: prefix,
    createStream: false,
    batchSize: 10,
    concurrency: 1,
    replicas: 1,
    credentials: {},
  };
  const js = jetstream(nc);
  for (let i = 0; i < count; i++) {
    const e = endpointEvent({
      observedAt: new Date(Date.UTC(2026, 10, 21, 10, 0, i)).toISOString(),
    });
    await js.publish(`${prefix}.endpoint.host`, JSON.stringify(e), {
      msgID: e.eventId,
    });
  }
  return { findings, stored, ingest, config };
}

describe('a stream that cannot be created', () => {
  it('names the stream that already takes the subjects, and keeps no connection open', async () => {
    await jsm.streams.add({
      name: stream,
      subjects: [`${prefix}.endpoint.>`, `${prefix}.network.>`],
    });
    const consumer = new NatsIngestConsumer({
      config: {
        enabled: true,
        servers: [NATS_URL],
        stream: `${stream}_OTHER`,
        consumer: 'mcpeeker-test',
        subjectPrefix: prefix,
        createStream: true,
        batchSize: 10,
        concurrency: 1,
        replicas: 1,
        credentials: {},
      },
      ingest: {} as IngestService,
      logger: mockServices.logger.mock(),
    });
    const message = `cannot create NATS stream ${stream}_OTHER: stream ${stream} already takes ${prefix}.endpoint.>, ${prefix}.network.>, ${prefix}.gateway.> — set mcpeeker.ingest.nats.stream to ${stream}, or another subjectPrefix`;
    await expect(consumer.start()).rejects.toThrow(message);
    expect(await consumer.health()).toEqual({
      status: 'down',
      detail: `jetstream ${NATS_URL}`,
      error: message,
    });
  });
});

describe('replicas sharing the consumer', () => {
  it('leave no backlog to a stuck replica: it holds at most its batches in flight and one more', async () => {
    const { stored, ingest, config } = await sharedConsumerWith(100);
    // Replica A's store hangs on its first batch.
    let release: () => void = () => {};
    let stuck = false;
    const hang = new Promise<void>(r => (release = r));
    const replicaA = new NatsIngestConsumer({
      config,
      logger: mockServices.logger.mock(),
      ingest: Object.assign(Object.create(ingest), {
        ingestParsed: async () => {
          stuck = true;
          await hang;
          throw new Error('store timed out');
        },
      }),
    });
    const replicaB = new NatsIngestConsumer({
      config,
      ingest,
      logger: mockServices.logger.mock(),
    });
    await replicaA.start();
    try {
      await waitFor(async () => stuck);
      await replicaB.start();
      // A holds one batch in flight and one fetched ahead: B stores the other 80.
      await waitFor(async () => (await stored.count()) >= 80);
      await new Promise(r => setTimeout(r, 500));
      expect(await stored.count()).toBe(80);
      expect(replicaB.processed).toBe(80);
      const info = await jsm.consumers.info(stream, 'shared');
      expect(info.num_ack_pending).toBe(20);
    } finally {
      release();
      await replicaA.stop();
      await replicaB.stop();
    }
  });
});

/**
 * A loopback proxy to the test NATS whose replies can be held back: while
 * held, the client hears nothing (no messages, no heartbeats) until released.
 */
async function holdingProxy() {
  const target = new URL(NATS_URL);
  const sockets = new Set<net.Socket>();
  const held: Array<() => void> = [];
  let holding = false;
  const server = net.createServer(client => {
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.on('data', chunk => {
      if (holding) held.push(() => client.write(chunk));
      else client.write(chunk);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `nats://127.0.0.1:${port}`,
    hold: () => (holding = true),
    release: () => {
      holding = false;
      for (const write of held.splice(0)) write();
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise(r => server.close(r));
    },
  };
}

describe('a fetch whose heartbeats are missed', () => {
  it('is fetched again at once: no error, health stays ok, nothing is lost', async () => {
    const { stored, ingest, config } = await sharedConsumerWith(0);
    const proxy = await holdingProxy();
    const logger = mockServices.logger.mock();
    const consumer = new NatsIngestConsumer({
      config: { ...config, servers: [proxy.url] },
      ingest,
      logger,
    });
    await consumer.start();
    try {
      await new Promise(r => setTimeout(r, 200));
      // Silence for longer than two heartbeats (500 ms each on a 1 s fetch).
      proxy.hold();
      await waitFor(async () =>
        (logger.debug as jest.Mock).mock.calls.some(
          ([message]) =>
            message === 'NATS fetch ended after 0 messages: heartbeats missed',
        ),
      );
      proxy.release();
      expect(logger.error).not.toHaveBeenCalled();
      expect(await consumer.health()).toMatchObject({ status: 'ok' });

      const js = jetstream(nc);
      for (let i = 0; i < 3; i++) {
        const e = endpointEvent({ port: 100 + i });
        await js.publish(`${prefix}.endpoint.host`, JSON.stringify(e), {
          msgID: e.eventId,
        });
      }
      await waitFor(async () => (await stored.count()) === 3);
      expect(logger.error).not.toHaveBeenCalled();
    } finally {
      proxy.release();
      await consumer.stop();
      await proxy.close();
    }
  });
});

describe('a consumer that crashes', () => {
  it('between commit and ack: its batch is redelivered to another replica, nothing is lost or counted twice', async () => {
    // A short ack wait, so the test need not wait a minute for redelivery.
    const { findings, stored, ingest, config } = await sharedConsumerWith(30, {
      ack_wait: 1e9,
    });

    // Replica A commits its first batch, then dies before acking it.
    let crashed = false;
    const replicaA: NatsIngestConsumer = new NatsIngestConsumer({
      config,
      logger: mockServices.logger.mock(),
      ingest: Object.assign(Object.create(ingest), {
        ingestParsed: async (
          ...args: Parameters<IngestService['ingestParsed']>
        ) => {
          await ingest.ingestParsed(...args);
          crashed = true;
          await (replicaA as any).connection.close();
          return new Promise(() => {});
        },
      }),
    });
    await replicaA.start();
    await waitFor(async () => crashed);
    expect(await stored.count()).toBe(10);

    const replicaB = new NatsIngestConsumer({
      config,
      ingest,
      logger: mockServices.logger.mock(),
    });
    await replicaB.start();
    try {
      await waitFor(async () => {
        const info = await jsm.consumers.info(stream, 'shared');
        return info.num_pending === 0 && info.num_ack_pending === 0;
      });
      // B saw A's 10 again (redelivered) plus the other 20.
      expect(replicaB.processed).toBe(30);
      expect(await stored.count()).toBe(30);
      const id = compositeId({ hostIdHash: HOST, port: 3001 });
      // 30 reports of one config entry: one piece of evidence, 30 events in its detections.
      expect((await findings.get(id))!.signals.counts.endpoint).toEqual({
        config: 1,
      });
      const detections = await findings.detections(id);
      expect(detections.reduce((n, d) => n + d.eventCount, 0)).toBe(30);
    } finally {
      await replicaB.stop();
    }
  });
});

describe('NATS restart mid-stream', () => {
  const NATS_SERVER = '/usr/sbin/nats-server';
  let server: ChildProcess | undefined;
  let port = 0;
  let storeDir = '';

  async function startNats() {
    server = spawn(
      NATS_SERVER,
      ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir],
      { stdio: 'ignore' },
    );
    const target = port;
    const canConnect = () =>
      new Promise<boolean>(r => {
        const s = net.connect(target, '127.0.0.1', () => {
          s.end();
          r(true);
        });
        s.on('error', () => r(false));
      });
    for (let i = 0; i < 100; i++) {
      if (await canConnect()) return;
      await new Promise(r => setTimeout(r, 100));
    }
    throw new Error('nats-server did not start');
  }
  async function stopNats() {
    const exited = new Promise(r => server!.once('exit', r));
    server!.kill('SIGTERM');
    await exited;
  }
  afterEach(async () => {
    if (server && server.exitCode === null) await stopNats();
  });

  it('resumes consuming after the NATS server restarts, losing nothing', async () => {
    port = await freePort();
    storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpeeker-nats-'));
    await startNats();
    const url = `nats://127.0.0.1:${port}`;
    const backend = await startBackend({
      servers: [url],
      stream: 'RESTART',
      consumer: 'c',
      subjectPrefix: 'mcprestart',
    });
    const publishAll = async (ports: number[]) => {
      const pub = await connect({ servers: url });
      const js = jetstream(pub);
      for (const p of ports) {
        const e = endpointEvent({ port: p });
        await js.publish('mcprestart.endpoint.host', JSON.stringify(e), {
          msgID: e.eventId,
        });
      }
      await pub.close();
    };
    const stored = async () =>
      Number((await knex('mcpeeker_events').count({ c: '*' }))[0].c);

    await publishAll([1, 2, 3]);
    await waitFor(async () => (await stored()) === 3);

    await stopNats();
    await startNats();
    await publishAll([4, 5, 6]);
    await waitFor(async () => (await stored()) === 6);
    const ids = await knex('mcpeeker_events').select('event_id');
    expect(new Set(ids.map(r => r.event_id)).size).toBe(6);
    await backend.stop();
  });
});
