import { compositeId, hashIdentifier } from '@mcpeeker/plugin-mcpeeker-common';
import {
  findingStoreEngines,
  FindingStoreUnderTest,
} from '../__testUtils__/findingStores';
import {
  endpointEvent,
  gatewayEvent,
  HOST,
  networkEvent,
} from '../__testUtils__/events';
import { deliveries, randomFleetEvents } from '../__testUtils__/randomEvents';
import { TEST_SALT } from '../__testUtils__/sqlPipeline';

jest.setTimeout(60_000);

const engines = findingStoreEngines();

const DANA = 'user:default/dana';
const ERIN = 'user:default/erin';
const NOW = new Date('2026-11-23T12:00:00Z');

// The findings the events below make, and what each is:
const F1 = compositeId({ hostIdHash: HOST, port: 3001 }); // dana, endpoint + network: unauthorized (9), unregistered
const F2 = compositeId({ hostIdHash: HOST, port: 3002 }); // dana, endpoint: suspect (6), seen once long ago, suppressed
const F3 = compositeId({
  hostIdHash: hashIdentifier('host-2', TEST_SALT),
  port: 4000,
}); // erin on host-2, endpoint: suspect (6), an analyst said true positive
const F5 = compositeId({ hostIdHash: HOST, port: 3005 }); // dana, endpoint, approved: authorized (0)
// F4: the gateway's sighting, the Judge says not MCP: authorized (0), dana's request.

const EVENTS = [
  endpointEvent({ port: 3001, observedAt: '2026-11-21T10:00:00Z' }),
  networkEvent({ port: 3001, observedAt: '2026-11-21T10:01:00Z' }),
  // The same config entry reported again two days later: another detection.
  endpointEvent({ port: 3001, observedAt: '2026-11-23T09:00:00Z' }),
  endpointEvent({ port: 3002, observedAt: '2026-11-10T08:00:00Z' }),
  endpointEvent({
    port: 4000,
    hostName: 'host-2',
    owner: ERIN,
    observedAt: '2026-11-22T23:30:00Z',
  }),
  gatewayEvent({
    judge: { verdict: 'not-mcp', confidence: 0.9 },
    observedAt: '2026-11-21T10:02:00Z',
  }),
  endpointEvent({ port: 3005, observedAt: '2026-11-23T11:00:00Z' }),
];

describe.each(engines.kinds)('analytics on %p', kind => {
  let store: FindingStoreUnderTest;
  beforeAll(async () => {
    store = await engines.setup(kind, {
      registry: {
        match: async f =>
          f.compositeId === F5
            ? { approved: true, entryName: 'github', owner: DANA }
            : { approved: false },
      },
      triage: {
        match: async f => {
          if (f.compositeId === F2)
            return {
              status: 'open',
              suppression: {
                id: 'suppression-1',
                scope: 'finding',
                label: 'this finding',
                reason: 'a lab machine',
              },
            };
          if (f.compositeId === F3)
            return { status: 'open', verdict: 'true-positive' };
          return { status: 'open' };
        },
      },
    });
    await store.ingest.ingest(EVENTS.slice(0, 3), 'http');
    await store.ingest.ingest(EVENTS.slice(3), 'http');
  });

  it('summarizes the fleet, leaving suppressed findings out', async () => {
    expect(await store.findings.analyticsSummary({}, NOW)).toEqual({
      // F2 is suppressed: F1, F3, F4, F5.
      totalFindings: 4,
      byClassification: { authorized: 2, suspect: 1, unauthorized: 1 },
      // Seen since 11-22 12:00 on a host: F1 and F5 on host-1, F3 on host-2.
      activeHosts: 2,
      unregisteredHighRisk: 1,
      // First seen since 11-16 12:00.
      newThisWeek: 4,
      // F1 only: F3 has a verdict.
      feedbackBacklog: 1,
      generatedAt: NOW.toISOString(),
    });
  });

  it('summarizes a developer’s own findings only', async () => {
    expect(
      await store.findings.analyticsSummary({ ownerRefs: [ERIN] }, NOW),
    ).toEqual({
      totalFindings: 1,
      byClassification: { authorized: 0, suspect: 1, unauthorized: 0 },
      activeHosts: 1,
      unregisteredHighRisk: 0,
      newThisWeek: 1,
      feedbackBacklog: 0,
      generatedAt: NOW.toISOString(),
    });
    expect(
      await store.findings.analyticsSummary(
        { ownerRefs: ['user:default/nobody'] },
        NOW,
      ),
    ).toMatchObject({
      totalFindings: 0,
      activeHosts: 0,
      byClassification: { authorized: 0, suspect: 0, unauthorized: 0 },
    });
  });

  it('counts findings per score, suppressed ones too', async () => {
    expect(await store.findings.scoreDistribution({})).toEqual({
      buckets: [
        { score: 0, count: 2, classification: 'authorized' },
        { score: 6, count: 2, classification: 'suspect' },
        { score: 9, count: 1, classification: 'unauthorized' },
      ],
    });
    expect(
      await store.findings.scoreDistribution({ ownerRefs: [ERIN] }),
    ).toEqual({ buckets: [{ score: 6, count: 1, classification: 'suspect' }] });
  });

  it('draws trendlines by day, hour and week, every bucket present', async () => {
    expect(
      await store.findings.trendlines({
        bucket: 'day',
        since: new Date('2026-11-20T00:00:00Z'),
        until: new Date('2026-11-24T00:00:00Z'),
      }),
    ).toEqual({
      bucket: 'day',
      since: '2026-11-20T00:00:00.000Z',
      until: '2026-11-24T00:00:00.000Z',
      points: [
        point('2026-11-20', 0, 0, 0),
        point('2026-11-21', 1, 0, 1), // F4, F1
        point('2026-11-22', 0, 1, 0), // F3
        point('2026-11-23', 1, 0, 1), // F5, F1
      ],
    });
    // F1's endpoint and network detections of 10:00 are one finding.
    expect(
      await store.findings.trendlines({
        bucket: 'hour',
        since: new Date('2026-11-21T09:30:00Z'),
        until: new Date('2026-11-21T11:00:00Z'),
      }),
    ).toEqual({
      bucket: 'hour',
      since: '2026-11-21T09:00:00.000Z',
      until: '2026-11-21T11:00:00.000Z',
      points: [
        point('2026-11-21T09', 0, 0, 0),
        point('2026-11-21T10', 1, 0, 1),
      ],
    });
    // Weeks start on Monday: 2026-11-01 is a Sunday.
    expect(
      await store.findings.trendlines({
        bucket: 'week',
        since: new Date('2026-11-01T00:00:00Z'),
        until: new Date('2026-11-30T00:00:00Z'),
      }),
    ).toEqual({
      bucket: 'week',
      since: '2026-10-26T00:00:00.000Z',
      until: '2026-11-30T00:00:00.000Z',
      points: [
        point('2026-10-26', 0, 0, 0),
        point('2026-11-02', 0, 0, 0),
        point('2026-11-09', 0, 1, 0), // F2, suppressed but counted
        point('2026-11-16', 1, 1, 1), // F4, F3, F1
        point('2026-11-23', 1, 0, 1), // F5, F1
      ],
    });
  });

  it('draws a developer’s trendline of their own findings', async () => {
    const erins = await store.findings.trendlines({
      ownerRefs: [ERIN],
      bucket: 'day',
      since: new Date('2026-11-21T00:00:00Z'),
      until: new Date('2026-11-23T00:00:00Z'),
    });
    expect(erins.points).toEqual([
      point('2026-11-21', 0, 0, 0),
      point('2026-11-22', 0, 1, 0),
    ]);
  });
});

describe.each(engines.kinds)('analytics after events move, on %p', kind => {
  it('counts a network event where it belongs now', async () => {
    const { findings, ingest } = await engines.setup(kind);
    // The sensor's event first, on a finding of its own; the agent then
    // reports the address, and the event joins the agent's finding.
    await ingest.ingest(
      [networkEvent({ observedAt: '2026-11-20T10:01:00Z' })],
      'http',
    );
    await ingest.ingest(
      [endpointEvent({ observedAt: '2026-11-21T10:00:00Z' })],
      'http',
    );
    const trend = await findings.trendlines({
      bucket: 'day',
      since: new Date('2026-11-20T00:00:00Z'),
      until: new Date('2026-11-22T00:00:00Z'),
    });
    expect(trend.points).toEqual([
      point('2026-11-20', 0, 0, 1),
      point('2026-11-21', 0, 0, 1),
    ]);
    expect(
      (await findings.list({ limit: 10 })).items.map(f => f.compositeId),
    ).toEqual([F1]);
  });

  it('folds scores from 20 up into one bucket', async () => {
    const { findings, fill } = await engines.setup(kind);
    await fill(3, 23);
    expect(await findings.scoreDistribution({})).toEqual({
      buckets: [
        { score: 20, count: 3, classification: 'unauthorized', orMore: true },
      ],
    });
  });
});

describe.each(engines.kinds)('analytics of a random fleet on %p', kind => {
  it('agree with the findings and detections the store holds', async () => {
    // Some findings suppressed, some with a verdict, by their id.
    const store = await engines.setup(kind, {
      registry: {
        match: async f =>
          f.serverName === 'github'
            ? { approved: true, entryName: 'github', owner: 'user:default/lee' }
            : { approved: false },
      },
      triage: {
        match: async f => ({
          status: f.compositeId.endsWith('3') ? 'investigating' : 'open',
          ...(f.compositeId.endsWith('1')
            ? {
                suppression: {
                  id: 's',
                  scope: 'finding',
                  label: 'it',
                  reason: 'a test',
                },
              }
            : {}),
          ...(f.compositeId.endsWith('2') ? { verdict: 'false-positive' } : {}),
        }),
      },
    });
    // Shuffled, some twice, in batches: network events move as agents report.
    for (const { batch, transport } of deliveries(
      randomFleetEvents(7, 800),
      kind.length,
    ))
      await store.ingest.ingest(batch, transport);
    const { items } = await store.findings.list({ limit: 5000 });
    const detections = new Map(
      await Promise.all(
        items.map(
          async f =>
            [
              f.compositeId,
              await store.findings.detections(f.compositeId),
            ] as const,
        ),
      ),
    );
    expect(items.length).toBeGreaterThan(30);
    // The fleet is 08:00–12:00 on 11-21.
    const now = new Date('2026-11-22T09:00:00Z');
    const trend = {
      bucket: 'hour' as const,
      since: new Date('2026-11-21T07:00:00Z'),
      until: new Date('2026-11-21T13:00:00Z'),
    };
    for (const ownerRefs of [
      undefined,
      ['user:default/dana'],
      ['user:default/lee'],
    ]) {
      const scope = ownerRefs ? { ownerRefs } : {};
      const mine = items.filter(
        f =>
          !ownerRefs ||
          [...f.owners, f.registryOwner].some(o => o && ownerRefs.includes(o)),
      );
      const counted = mine.filter(f => !f.triage.suppression);
      const count = (test: (f: (typeof items)[number]) => boolean) =>
        counted.filter(test).length;
      expect(await store.findings.analyticsSummary(scope, now)).toEqual({
        totalFindings: counted.length,
        byClassification: {
          authorized: count(f => f.classification === 'authorized'),
          suspect: count(f => f.classification === 'suspect'),
          unauthorized: count(f => f.classification === 'unauthorized'),
        },
        activeHosts: new Set(
          counted
            .filter(f => f.hostIdHash && f.lastSeen >= '2026-11-21T09:00:00Z')
            .map(f => f.hostIdHash),
        ).size,
        unregisteredHighRisk: count(
          f =>
            f.classification === 'unauthorized' &&
            f.registryStatus !== 'approved',
        ),
        newThisWeek: count(f => f.firstSeen >= '2026-11-15T09:00:00Z'),
        feedbackBacklog: count(
          f =>
            f.classification !== 'authorized' &&
            f.triage.status === 'open' &&
            !f.triage.verdict,
        ),
        generatedAt: now.toISOString(),
      });
      const scores = new Map<number, number>();
      for (const f of mine) scores.set(f.score, (scores.get(f.score) ?? 0) + 1);
      expect(
        (await store.findings.scoreDistribution(scope)).buckets.map(b => [
          b.score,
          b.count,
        ]),
      ).toEqual([...scores].sort(([a], [b]) => a - b));
      const points = Array.from({ length: 6 }, (_, hour) => {
        const start = new Date(Date.UTC(2026, 10, 21, 7 + hour));
        const seen = mine.filter(f =>
          detections
            .get(f.compositeId)!
            .some(
              d =>
                Date.parse(d.windowStart) - start.getTime() < 3_600_000 &&
                Date.parse(d.windowStart) >= start.getTime(),
            ),
        );
        return {
          start: start.toISOString(),
          authorized: seen.filter(f => f.classification === 'authorized')
            .length,
          suspect: seen.filter(f => f.classification === 'suspect').length,
          unauthorized: seen.filter(f => f.classification === 'unauthorized')
            .length,
        };
      });
      expect(
        (await store.findings.trendlines({ ...scope, ...trend })).points,
      ).toEqual(points);
    }
  });
});

/** A trendline point: its start (a day, or a day and an hour) and its counts. */
function point(
  start: string,
  authorized: number,
  suspect: number,
  unauthorized: number,
) {
  const iso = start.length === 10 ? `${start}T00` : start;
  return {
    start: `${iso}:00:00.000Z`,
    authorized,
    suspect,
    unauthorized,
  };
}
