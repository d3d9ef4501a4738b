import { mockServices } from '@backstage/backend-test-utils';
import { createClient } from '@clickhouse/client';
import { compositeId } from '@mcpeeker/plugin-mcpeeker-common';
import { startClickHouseServer } from '../../__testUtils__/clickhouseServer';
import {
  endpointEvent,
  gatewayEvent,
  HOST,
  networkEvent,
} from '../../__testUtils__/events';
import { IngestService } from '../../services/IngestService';
import { ClickHouseStore } from './ClickHouseStore';
import { DeadLetterStore } from '../DeadLetterStore';

jest.setTimeout(60_000);

const deadLetters: DeadLetterStore = {
  add: async () => {
    throw new Error('no dead letters expected');
  },
} as unknown as DeadLetterStore;

describe('ClickHouseStore on a real ClickHouse', () => {
  let server: Awaited<ReturnType<typeof startClickHouseServer>>;
  const stores: ClickHouseStore[] = [];
  let n = 0;
  const open = async (database = `mcpeeker_ch_${n++}`) => {
    const store = await ClickHouseStore.create({ url: server.url, database });
    stores.push(store);
    return { store, database };
  };
  const ingestInto = (store: ClickHouseStore) =>
    new IngestService({
      events: store.events,
      deadLetters,
      salt: 'test-salt-0123456789',
      logger: mockServices.logger.mock(),
    });
  beforeAll(async () => {
    server = await startClickHouseServer();
  });
  afterAll(async () => {
    await Promise.all(stores.map(s => s.close()));
    await server?.stop();
  });

  const id = compositeId({ hostIdHash: HOST, port: 3001 });

  it('gives two replicas writing the same finding at once the finding of all their events', async () => {
    const { store: a, database } = await open();
    const { store: b } = await open(database);
    const events = Array.from({ length: 40 }, (_, i) =>
      endpointEvent({
        observedAt: new Date(Date.UTC(2026, 10, 21, 10, 0, i)).toISOString(),
        source: i % 2 ? 'port' : 'config',
      }),
    );
    await Promise.all(
      events.map((e, i) => ingestInto(i % 2 ? a : b).ingest([e], 'nats')),
    );
    for (const store of [a, b]) {
      const finding = await store.get(id);
      // One config entry and one port, each reported 20 times: refreshed, not counted again.
      expect(finding!.signals.counts.endpoint).toEqual({ config: 1, port: 1 });
      expect(finding!.firstSeen).toBe('2026-11-21T10:00:00.000Z');
      expect(finding!.lastSeen).toBe('2026-11-21T10:00:39.000Z');
      const detections = await store.detections(id);
      expect(detections.reduce((sum, d) => sum + d.eventCount, 0)).toBe(40);
    }
    expect(await a.events.count({ compositeId: id })).toBe(40);
  });

  it('heals a batch whose finding write failed when it is redelivered', async () => {
    const { store } = await open();
    const ingest = ingestInto(store);
    const batch = [endpointEvent(), networkEvent()];
    const recompute = jest
      .spyOn(store as any, 'recompute')
      .mockRejectedValueOnce(new Error('connection reset'));
    await expect(ingest.ingest(batch, 'nats')).rejects.toThrow(
      'connection reset',
    );
    expect(await store.get(id)).toBeUndefined();
    recompute.mockRestore();
    // The events were written before the crash: redelivered, they count as
    // duplicates, and the finding is there all the same.
    const result = await ingest.ingest(batch, 'nats');
    expect(result).toMatchObject({ accepted: 0, duplicates: 2 });
    expect(await store.get(id)).toMatchObject({
      score: 9,
      layers: ['endpoint', 'network'],
    });
  });

  it('rescores when the registry changes, and counts each event once per detection window however often it came', async () => {
    let approved = false;
    const database = `mcpeeker_ch_${n++}`;
    const store = await ClickHouseStore.create(
      { url: server.url, database },
      {
        registry: {
          match: async () =>
            approved ? { approved, entryName: 'github' } : { approved },
        },
      },
    );
    stores.push(store);
    const ingest = ingestInto(store);
    const batch = [
      endpointEvent({ observedAt: '2026-11-20T10:00:00Z' }),
      endpointEvent({ observedAt: '2026-11-21T10:00:00Z' }),
      gatewayEvent({ judge: { verdict: 'mcp', confidence: 0.8 } }),
    ];
    await ingest.ingest(batch, 'http');
    await ingest.ingest(batch, 'nats');
    expect(await store.get(id)).toMatchObject({
      score: 6,
      registryStatus: 'unregistered',
    });
    approved = true;
    expect(await store.rescore({ compositeIds: [id, 'mcp_never_seen'] })).toBe(
      1,
    );
    expect(await store.get(id)).toMatchObject({
      score: 0,
      classification: 'authorized',
      registryStatus: 'approved',
    });
    expect(
      (await store.detections(id)).map(d => [
        d.layer,
        d.windowStart,
        d.eventCount,
      ]),
    ).toEqual([
      ['endpoint', '2026-11-20T10:00:00.000Z', 1],
      ['endpoint', '2026-11-21T10:00:00.000Z', 1],
    ]);
  });

  it('takes a first NATS delivery as new without looking, and still counts an event once', async () => {
    const { store } = await open();
    const ingest = ingestInto(store);
    const event = endpointEvent();
    await ingest.ingest([event], 'http');
    // Re-published after JetStream's duplicate window: a first delivery again.
    const again = await ingest.ingestParsed(
      [{ value: event, messageId: 'MCP_EVENTS:2', firstDelivery: true }],
      'nats',
    );
    expect(again).toMatchObject({ accepted: 1, duplicates: 0 });
    // Redelivered (or resent over HTTP): looked up, and a duplicate.
    expect(await ingest.ingest([event], 'nats')).toMatchObject({
      accepted: 0,
      duplicates: 1,
    });
    expect(await store.events.count({ compositeId: id })).toBe(1);
    expect((await store.get(id))!.signals.counts.endpoint).toEqual({
      config: 1,
    });
  });

  it('rescores findings named by more ids than one ClickHouse parameter holds', async () => {
    const { store } = await open();
    await ingestInto(store).ingest(
      [endpointEvent(), networkEvent(), gatewayEvent()],
      'http',
    );
    const many = Array.from({ length: 2_500 }, (_, i) =>
      `mcp_${i}`.padEnd(64, '0'),
    );
    expect(await store.rescore({ compositeIds: [...many, id] })).toBe(1);
  });

  it('treats ids and text as values, never as SQL', async () => {
    const { store } = await open();
    await ingestInto(store).ingest([endpointEvent()], 'http');
    expect(await store.get("x' OR 1=1 --")).toBeUndefined();
    expect(
      (await store.list({ limit: 5, text: "' OR 1=1 --" })).totalCount,
    ).toBe(0);
    expect((await store.list({ limit: 5, text: 'GitHub' })).totalCount).toBe(1);
  });

  it('fills the trendlines from the events stored before it kept them', async () => {
    const { store, database } = await open();
    await ingestInto(store).ingest(
      [
        endpointEvent({ observedAt: '2026-11-20T10:00:00Z' }),
        endpointEvent({ port: 3002, observedAt: '2026-11-21T10:00:00Z' }),
      ],
      'http',
    );
    // As a database of an older version: events, and no activity kept.
    const client = createClient({ url: server.url });
    for (const query of [
      `DROP VIEW ${database}.finding_activity_mv`,
      `DROP TABLE ${database}.finding_activity`,
      `DROP TABLE ${database}.schema_steps`,
    ])
      await client.command({ query });
    await client.close();
    const { store: upgraded } = await open(database);
    // And a later start leaves them as they are.
    const { store: restarted } = await open(database);
    for (const s of [upgraded, restarted])
      expect(
        (
          await s.trendlines({
            bucket: 'day',
            since: new Date('2026-11-20T00:00:00Z'),
            until: new Date('2026-11-22T00:00:00Z'),
          })
        ).points.map(p => p.suspect),
      ).toEqual([1, 1]);
  });

  it('recomputes a finding stored by an older version from all its events, not only those after the upgrade', async () => {
    const { store, database } = await open();
    await ingestInto(store).ingest(
      [
        endpointEvent({ observedAt: '2026-11-20T10:00:00Z' }),
        networkEvent({ observedAt: '2026-11-20T11:00:00Z' }),
      ],
      'http',
    );
    // As a database of an older version: its findings were recomputed from the events.
    const client = createClient({ url: server.url });
    for (const query of [
      `DROP VIEW ${database}.finding_groups_mv`,
      `DROP TABLE ${database}.finding_groups`,
      `DELETE FROM ${database}.schema_steps WHERE step = 'finding_groups from events'`,
    ])
      await client.command({ query });
    await client.close();
    const { store: upgraded } = await open(database);
    await ingestInto(upgraded).ingest(
      [endpointEvent({ observedAt: '2026-11-22T10:00:00Z' })],
      'http',
    );
    // A later start leaves the sums as they are: nothing is counted twice.
    const { store: restarted } = await open(database);
    expect(await restarted.rescore({ compositeIds: [id] })).toBe(1);
    for (const s of [upgraded, restarted])
      expect(await s.get(id)).toMatchObject({
        layers: ['endpoint', 'network'],
        firstSeen: '2026-11-20T10:00:00.000Z',
        lastSeen: '2026-11-22T10:00:00.000Z',
        score: 9,
      });
    expect(await restarted.events.count({ compositeId: id })).toBe(3);
  });

  it('refuses a database name that is not a plain identifier', async () => {
    await expect(
      ClickHouseStore.create({ url: server.url, database: 'x; DROP TABLE y' }),
    ).rejects.toThrow(/plain identifier/);
  });
});
