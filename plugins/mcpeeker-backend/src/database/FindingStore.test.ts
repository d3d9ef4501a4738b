import { mockServices } from '@backstage/backend-test-utils';
import { compositeId } from '@mcpeeker/plugin-mcpeeker-common';
import { createStoreTestDatabases } from '../__testUtils__/storeTestDatabases';
import {
  endpointEvent,
  gatewayEvent,
  HOST,
  networkEvent,
} from '../__testUtils__/events';
import { DatabaseDeadLetterStore } from './DeadLetterStore';
import { DatabaseEventStore } from './EventStore';
import { DatabaseFindingStore, MAX_COUNTED_FINDINGS } from './FindingStore';
import { IngestService } from '../services/IngestService';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();

describe.each(databases.eachSupportedId())('findings on %p', databaseId => {
  async function setup() {
    const knex = await databases.init(databaseId);
    const database = mockServices.database({
      knex,
      migrations: { skip: false },
    });
    const findings = await DatabaseFindingStore.create({ database });
    const ingest = new IngestService({
      events: await DatabaseEventStore.create({ database }),
      findings,
      deadLetters: await DatabaseDeadLetterStore.create({
        database,
        salt: 'test-salt-0123456789',
      }),
      salt: 'test-salt-0123456789',
      logger: mockServices.logger.mock(),
    });
    return { knex, findings, ingest };
  }

  it('turns events from several layers into one scored, explained finding', async () => {
    const { findings, ingest } = await setup();
    // The network event arrives in the same batch as the agent's report of the host's address.
    await ingest.ingest([networkEvent(), endpointEvent()], 'http');
    const id = compositeId({ hostIdHash: HOST, port: 3001 });
    const finding = await findings.get(id);
    expect(finding).toMatchObject({
      compositeId: id,
      serverName: 'github',
      hostIdHash: HOST,
      owner: 'user:default/dana',
      score: 9,
      classification: 'unauthorized',
      layers: ['endpoint', 'network'],
      registryStatus: 'unregistered',
      firstSeen: '2026-11-21T10:00:00.000Z',
      lastSeen: '2026-11-21T10:01:00.000Z',
    });
    expect(finding!.breakdown.contributions.map(c => c.layer)).toEqual([
      'endpoint',
      'network',
    ]);
    const evidence = await findings.evidence(id, 10);
    expect(evidence.endpoint).toHaveLength(1);
    expect(evidence.network).toHaveLength(1);
    expect(evidence.gateway).toEqual([]);
  });

  it('is unchanged by redelivery and by the order events arrive in', async () => {
    const a = await setup();
    const b = await setup();
    const events = [
      endpointEvent(),
      endpointEvent({ source: 'port' }),
      networkEvent(),
      endpointEvent({ observedAt: '2026-11-21T09:00:00Z' }),
    ];
    for (const e of events) await a.ingest.ingest([e], 'nats');
    await a.ingest.ingest(events, 'nats');
    await b.ingest.ingest([...events].reverse(), 'http');
    const id = compositeId({ hostIdHash: HOST, port: 3001 });
    const fa = await a.findings.get(id);
    const fb = await b.findings.get(id);
    expect(fa!.signals).toEqual(fb!.signals);
    expect(fa!.signals.counts.endpoint).toEqual({ config: 2, port: 1 });
    expect(fa).toMatchObject({
      score: fb!.score,
      firstSeen: '2026-11-21T09:00:00.000Z',
      lastSeen: '2026-11-21T10:01:00.000Z',
    });
  });

  it('merges events within the dedup window into one detection', async () => {
    const { knex, ingest } = await setup();
    await ingest.ingest(
      [
        endpointEvent({ observedAt: '2026-11-21T10:00:10Z' }),
        endpointEvent({ observedAt: '2026-11-21T10:03:00Z' }),
        endpointEvent({ observedAt: '2026-11-21T10:07:00Z' }),
      ],
      'http',
    );
    const detections = await knex('mcpeeker_detections')
      .orderBy('window_start')
      .select('event_count');
    expect(detections.map(d => Number(d.event_count))).toEqual([2, 1]);
  });

  it('lists with filters, sorting and cursor pagination', async () => {
    const { findings, ingest } = await setup();
    await ingest.ingest(
      [
        endpointEvent({ port: 1 }),
        endpointEvent({ port: 2 }),
        networkEvent({ port: 2 }),
        gatewayEvent({ judge: { verdict: 'not-mcp', confidence: 0.9 } }),
      ],
      'http',
    );
    const all = await findings.list({ limit: 10 });
    expect(all.totalCount).toBe(3);
    expect(all.totalCountCapped).toBe(false);
    expect(all.items.map(f => f.score)).toEqual([9, 6, 0]);
    expect(
      (
        await findings.list({ limit: 10, classification: ['unauthorized'] })
      ).items.map(f => f.layers),
    ).toEqual([['endpoint', 'network']]);
    expect(
      (await findings.list({ limit: 10, layer: 'gateway' })).items,
    ).toHaveLength(1);
    expect(
      (await findings.list({ limit: 10, minScore: 5, maxScore: 8 })).totalCount,
    ).toBe(1);
    expect(
      (await findings.list({ limit: 10, text: 'GITHUB' })).totalCount,
    ).toBe(3);
    expect(
      (await findings.list({ limit: 10, ownerRefs: ['user:default/sam'] }))
        .totalCount,
    ).toBe(0);
    const page1 = await findings.list({ limit: 2 });
    const page2 = await findings.list({ limit: 2, cursor: page1.nextCursor });
    expect(page1.nextCursor).toBeDefined();
    expect(page2.nextCursor).toBeUndefined();
    expect([...page1.items, ...page2.items].map(f => f.compositeId)).toEqual(
      all.items.map(f => f.compositeId),
    );
  });

  it('counts up to 10,000 and then says "more"', async () => {
    const { knex, findings } = await setup();
    const breakdown = JSON.stringify({
      score: 6,
      classification: 'suspect',
      contributions: [],
      rules: [],
      tags: [],
    });
    const rows = Array.from({ length: MAX_COUNTED_FINDINGS + 1 }, (_, i) => ({
      composite_id: `mcp_${i.toString(16).padStart(32, '0')}`,
      score: 6,
      classification: 'suspect',
      layers: 'endpoint',
      signals: JSON.stringify({
        counts: {},
        judgeUnavailable: false,
        highSeveritySignatures: 0,
      }),
      breakdown,
      registry_status: 'unregistered',
      judge_unavailable: false,
      first_seen: new Date(),
      last_seen: new Date(),
      updated_at: new Date(),
    }));
    for (let i = 0; i < rows.length; i += 500)
      await knex('mcpeeker_findings').insert(rows.slice(i, i + 500));
    expect(await findings.list({ limit: 5 })).toMatchObject({
      totalCount: MAX_COUNTED_FINDINGS,
      totalCountCapped: true,
    });
    expect(
      await findings.list({ limit: 5, text: 'nothing-matches' }),
    ).toMatchObject({ totalCount: 0, totalCountCapped: false });
  });
});
