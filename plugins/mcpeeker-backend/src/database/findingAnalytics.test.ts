import {
  AnalyticsSummary,
  CLASSIFICATIONS,
  compositeId,
  FindingListParams,
  hashIdentifier,
  hiddenFindingsQuery,
  isUnregisteredHighRisk,
  scoreFindingsQuery,
  SummaryNumber,
  summaryFindingsQuery,
  summaryValue,
  trendFindingsQuery,
  Trendlines,
} from '@mcpeeker/plugin-mcpeeker-common';
import {
  findingStoreEngines,
  FindingStoreUnderTest,
} from '../__testUtils__/findingStores';
import {
  endpointEvent,
  gatewayEvent,
  GITHUB_RISKS,
  HOST,
  networkEvent,
  riskFact,
} from '../__testUtils__/events';
import type { FindingStore } from './FindingStore';
import type { AnalyticsScope } from './findingAnalytics';
import { judgedNotMcp } from '@mcpeeker/plugin-mcpeeker-common';
import {
  findingFilterOf,
  findingFilterSchema,
} from '../routes/findingFilterQuery';
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
const F5 = compositeId({ hostIdHash: HOST, port: 3005 }); // dana, endpoint, approved: authorized (0 + 3: it reaches '/', a high risk)
const F6 = compositeId({ hostIdHash: HOST, port: 3006 }); // dana, endpoint: a pasted token, reaches '/': suspect (8), unregistered
// F4: the gateway's sighting, the Judge says not MCP: judged not an MCP server (score 0), dana's
// request; left out of the list and every count, as a suppressed finding is.

const ROOT_FS = riskFact('broad-filesystem', "the folder it may use is '/'");

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
  endpointEvent({
    port: 3005,
    observedAt: '2026-11-23T11:00:00Z',
    risks: [ROOT_FS],
  }),
  endpointEvent({
    port: 3006,
    observedAt: '2026-11-22T15:00:00Z',
    risks: [GITHUB_RISKS[0], ROOT_FS],
  }),
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
      scope: 'all',
      // F2 is suppressed, F4 judged not an MCP server: F1, F3, F5, F6.
      totalFindings: 4,
      byClassification: { authorized: 1, suspect: 2, unauthorized: 1 },
      // Seen since 11-22 12:00 on a host: F1, F5 and F6 on host-1, F3 on host-2.
      activeHosts: 2,
      activeSince: '2026-11-22T12:00:00.000Z',
      // F1, unauthorized; F6, suspect with a high risk. Not F5: approved.
      unregisteredHighRisk: 2,
      // First seen since 11-16 12:00.
      newThisWeek: 4,
      newSince: '2026-11-16T12:00:00.000Z',
      // F1 and F6: F3 has a verdict.
      feedbackBacklog: 2,
      // F2, F4.
      hiddenFindings: {
        total: 2,
        suppressed: 1,
        noLongerReported: 0,
        notMcp: 1,
      },
      generatedAt: NOW.toISOString(),
    });
    const all = await store.findings.list({ limit: 10 });
    expect(
      all.items
        .filter(isUnregisteredHighRisk)
        .map(f => [f.compositeId, f.classification, f.breakdown.riskLevel]),
    ).toEqual([
      [F1, 'unauthorized', undefined],
      [F6, 'suspect', 'high'],
    ]);
    expect(
      await listed(store.findings, {}, { highRisk: 'unregistered' }),
    ).toEqual([F1, F6].sort());
  });

  it('leaves the feedback backlog out for those who may not give feedback', async () => {
    const summary = await store.findings.analyticsSummary({}, NOW, {
      feedbackBacklog: false,
    });
    expect(summary).not.toHaveProperty('feedbackBacklog');
    expect(summary.unregisteredHighRisk).toBe(2);
  });

  it('summarizes a developer’s own findings only', async () => {
    expect(
      await store.findings.analyticsSummary({ ownerRefs: [ERIN] }, NOW),
    ).toEqual({
      scope: 'own',
      totalFindings: 1,
      byClassification: { authorized: 0, suspect: 1, unauthorized: 0 },
      activeHosts: 1,
      activeSince: '2026-11-22T12:00:00.000Z',
      unregisteredHighRisk: 0,
      newThisWeek: 1,
      newSince: '2026-11-16T12:00:00.000Z',
      feedbackBacklog: 0,
      // Dana's suppressed F2 is not Erin's to count.
      hiddenFindings: {
        total: 0,
        suppressed: 0,
        noLongerReported: 0,
        notMcp: 0,
      },
      generatedAt: NOW.toISOString(),
    });
    expect(
      await store.findings.analyticsSummary(
        { ownerRefs: ['user:default/nobody'] },
        NOW,
      ),
    ).toMatchObject({
      scope: 'own',
      totalFindings: 0,
      activeHosts: 0,
      byClassification: { authorized: 0, suspect: 0, unauthorized: 0 },
    });
  });

  it('counts what the findings list filtered by each number’s link lists', async () => {
    for (const scope of [{}, { ownerRefs: [DANA] }, { ownerRefs: [ERIN] }]) {
      const summary = await store.findings.analyticsSummary(scope, NOW);
      expect(await listTotals(store.findings, scope, summary)).toEqual(
        summaryTotals(summary),
      );
    }
    // A range of first seen, both ends: F3 and F6 were first seen on 11-22.
    expect(
      await listed(
        store.findings,
        {},
        {
          firstSeenFrom: '2026-11-22T00:00:00Z',
          firstSeenTo: '2026-11-22T23:59:59.999Z',
        },
      ),
    ).toEqual([F3, F6].sort());
    // And of last seen: F6 was seen last on 11-22, F3 too; F1 again on 11-23.
    expect(
      await listed(
        store.findings,
        {},
        {
          since: '2026-11-22T00:00:00Z',
          until: '2026-11-22T23:59:59.999Z',
        },
      ),
    ).toEqual([F3, F6].sort());
  });

  it('lists nothing for ranges no finding can be in', async () => {
    const ranges: FindingListParams[] = [
      {
        firstSeenFrom: '0001-01-01T00:00:00Z',
        firstSeenTo: '0001-01-08T00:00:00Z',
      },
      {
        detectedFrom: '0001-01-01T00:00:00Z',
        detectedTo: '1900-01-08T00:00:00Z',
      },
      {
        detectedFrom: '9999-12-01T00:00:00Z',
        detectedTo: '9999-12-31T00:00:00Z',
      },
      { firstSeenFrom: '2299-12-31T00:00:00Z', since: '9999-01-01T00:00:00Z' },
    ];
    for (const params of ranges)
      expect([params, await listed(store.findings, {}, params)]).toEqual([
        params,
        [],
      ]);
    // Wide open: every finding the list shows (all but suppressed F2 and F4, not MCP).
    const everything = await listed(store.findings, {}, {});
    expect(everything).toHaveLength(4);
    expect(
      await listed(
        store.findings,
        {},
        {
          detectedFrom: '0001-01-01T00:00:00Z',
          detectedTo: '9999-12-31T00:00:00Z',
          firstSeenFrom: '0001-01-01T00:00:00Z',
          firstSeenTo: '9999-12-31T00:00:00Z',
        },
      ),
    ).toEqual(everything);
  });

  it('counts findings per score, leaving suppressed ones out as the summary does', async () => {
    expect(await store.findings.scoreDistribution({})).toEqual({
      buckets: [
        // Not F4's 0: it is no MCP server.
        { score: 3, count: 1, classification: 'authorized' },
        // F3; F2 scores 6 too, but is suppressed.
        { score: 6, count: 1, classification: 'suspect' },
        { score: 8, count: 1, classification: 'suspect' },
        { score: 9, count: 1, classification: 'unauthorized' },
      ],
    });
    expect(
      await store.findings.scoreDistribution({ ownerRefs: [ERIN] }),
    ).toEqual({ buckets: [{ score: 6, count: 1, classification: 'suspect' }] });
    // The bars add up to the summary's total, as the cards' numbers do.
    const { buckets } = await store.findings.scoreDistribution({});
    expect(buckets.reduce((sum, b) => sum + b.count, 0)).toBe(
      (await store.findings.analyticsSummary({}, NOW)).totalFindings,
    );
  });

  it('draws trendlines by day, hour and week, every bucket present, leaving suppressed findings out', async () => {
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
        point('2026-11-21', 0, 0, 1), // F1 (F4 is no MCP server)
        point('2026-11-22', 0, 2, 0), // F3, F6
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
        point('2026-11-21T10', 0, 0, 1), // F1; F4's request, but it is no MCP server
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
        point('2026-11-09', 0, 0, 0), // F2 was seen, but is suppressed
        point('2026-11-16', 0, 2, 1), // F3 and F6, F1
        point('2026-11-23', 1, 0, 1), // F5, F1
      ],
    });
  });

  it('leads from each trend point and score bar to a list of exactly its findings', async () => {
    for (const scope of [{}, { ownerRefs: [DANA] }, { ownerRefs: [ERIN] }]) {
      for (const [bucket, since, until] of [
        ['day', '2026-11-20T00:00:00Z', '2026-11-24T00:00:00Z'],
        ['hour', '2026-11-21T09:00:00Z', '2026-11-21T12:00:00Z'],
        ['week', '2026-11-01T00:00:00Z', '2026-11-30T00:00:00Z'],
      ] as const) {
        const trend = await store.findings.trendlines({
          ...scope,
          bucket,
          since: new Date(since),
          until: new Date(until),
        });
        expect(await trendTotals(store.findings, scope, trend)).toEqual(
          trend.points,
        );
      }
      const { buckets } = await store.findings.scoreDistribution(scope);
      for (const b of buckets)
        expect([
          b.score,
          await total(store.findings, scope, scoreFindingsQuery(b)),
        ]).toEqual([b.score, b.count]);
    }
    // The point's link: F1's detections of 11-21 and 11-23, not of 11-22.
    const day = (d: string) =>
      trendFindingsQuery(
        { bucket: 'day', since: '', until: '' },
        'unauthorized',
        `2026-11-${d}T00:00:00.000Z`,
      );
    expect(await listed(store.findings, {}, day('22'))).toEqual([]);
    expect(await listed(store.findings, {}, day('23'))).toEqual([F1]);
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

describe.each(engines.kinds)(
  'the findings the summary leaves out, on %p',
  kind => {
    it('counts them in scope, so the Dashboard can tell “nothing found yet” from “nothing left to show”', async () => {
      const suppressedOnes = new Set([F1, F2, F6]);
      const store = await engines.setup(kind, {
        inventories: {
          inventoryOf: (host, owner) =>
            host === HOST && owner === DANA
              ? {
                  at: Date.parse('2026-11-21T10:00:00Z'),
                  configIds: new Set([F6]),
                }
              : undefined,
        },
        triage: {
          match: async f =>
            suppressedOnes.has(f.compositeId)
              ? {
                  status: 'open',
                  suppression: {
                    id: 'suppression-1',
                    scope: 'finding',
                    label: 'this finding',
                    reason: 'a lab machine',
                  },
                }
              : { status: 'open' },
        },
      });
      // Dana's host: F1 suppressed; F2 and F5 reported on 11-20 and missing
      // from her scan of 11-21 (no longer reported), F2 suppressed as well;
      // F6, found by that scan, suppressed. Erin's F3 on host-2 counts.
      await store.ingest.ingest(
        [
          endpointEvent({ port: 3001, observedAt: '2026-11-21T11:00:00Z' }),
          endpointEvent({ port: 3002, observedAt: '2026-11-20T10:00:00Z' }),
          endpointEvent({ port: 3005, observedAt: '2026-11-20T10:00:00Z' }),
          endpointEvent({ port: 3006, observedAt: '2026-11-21T10:00:00Z' }),
          endpointEvent({
            port: 4000,
            hostName: 'host-2',
            owner: ERIN,
            observedAt: '2026-11-20T11:00:00Z',
          }),
        ],
        'http',
      );
      const hidden = async (scope: AnalyticsScope) => {
        const s = await store.findings.analyticsSummary(scope, NOW);
        return [s.totalFindings, s.hiddenFindings];
      };
      // Dana sees nothing on the Dashboard, but four findings exist: F2 is
      // both suppressed and no longer reported, and counted once.
      const danas = { total: 4, suppressed: 3, noLongerReported: 2, notMcp: 0 };
      expect(await hidden({ ownerRefs: [DANA] })).toEqual([0, danas]);
      expect(await hidden({ ownerRefs: [ERIN] })).toEqual([
        1,
        { total: 0, suppressed: 0, noLongerReported: 0, notMcp: 0 },
      ]);
      expect(await hidden({})).toEqual([1, danas]);
      expect(await hidden({ ownerRefs: ['user:default/nobody'] })).toEqual([
        0,
        { total: 0, suppressed: 0, noLongerReported: 0, notMcp: 0 },
      ]);
      // The list the Dashboard links to shows them, and counts as the summary does.
      for (const scope of [{}, { ownerRefs: [DANA] }, { ownerRefs: [ERIN] }]) {
        const s = await store.findings.analyticsSummary(scope, NOW);
        expect([
          await total(store.findings, scope, hiddenFindingsQuery()),
          await total(store.findings, scope, {
            suppressed: 'only',
            gone: 'include',
          }),
          await total(store.findings, scope, {
            gone: 'only',
            suppressed: 'include',
          }),
        ]).toEqual([
          s.totalFindings + s.hiddenFindings.total,
          s.hiddenFindings.suppressed,
          s.hiddenFindings.noLongerReported,
        ]);
      }
      expect(
        await listed(
          store.findings,
          { ownerRefs: [DANA] },
          hiddenFindingsQuery(),
        ),
      ).toEqual([F1, F2, F5, F6].sort());
    });
  },
);

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
      const counted = mine.filter(
        f =>
          !f.triage.suppression &&
          !f.breakdown.noLongerReported &&
          !judgedNotMcp(f),
      );
      const count = (test: (f: (typeof items)[number]) => boolean) =>
        counted.filter(test).length;
      const summary = await store.findings.analyticsSummary(scope, now);
      expect(summary).toEqual({
        scope: ownerRefs ? 'own' : 'all',
        activeSince: '2026-11-21T09:00:00.000Z',
        newSince: '2026-11-15T09:00:00.000Z',
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
        unregisteredHighRisk: count(isUnregisteredHighRisk),
        newThisWeek: count(f => f.firstSeen >= '2026-11-15T09:00:00Z'),
        feedbackBacklog: count(
          f =>
            f.classification !== 'authorized' &&
            f.triage.status === 'open' &&
            !f.triage.verdict,
        ),
        hiddenFindings: {
          total: mine.length - counted.length,
          suppressed: mine.filter(f => f.triage.suppression).length,
          noLongerReported: mine.filter(f => f.breakdown.noLongerReported)
            .length,
          notMcp: mine.filter(f => judgedNotMcp(f)).length,
        },
        generatedAt: now.toISOString(),
      });
      // The distribution and the trendlines count what the summary counts.
      const scores = new Map<number, number>();
      for (const f of counted)
        scores.set(f.score, (scores.get(f.score) ?? 0) + 1);
      const { buckets } = await store.findings.scoreDistribution(scope);
      expect(buckets.map(b => [b.score, b.count])).toEqual(
        [...scores].sort(([a], [b]) => a - b),
      );
      const points = Array.from({ length: 6 }, (_, hour) => {
        const start = new Date(Date.UTC(2026, 10, 21, 7 + hour));
        const seen = counted.filter(f =>
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
      const trendlines = await store.findings.trendlines({
        ...scope,
        ...trend,
      });
      expect(trendlines.points).toEqual(points);
      // Each number, point and bar leads to a list of exactly as many.
      expect(await listTotals(store.findings, scope, summary)).toEqual(
        summaryTotals(summary),
      );
      expect(await trendTotals(store.findings, scope, trendlines)).toEqual(
        points,
      );
      for (const b of buckets)
        expect([
          b.score,
          await total(store.findings, scope, scoreFindingsQuery(b)),
        ]).toEqual([b.score, b.count]);
    }
    // A list query per number, point and bar, three times: minutes on a busy machine.
  }, 300_000);
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

/** The numbers of a summary that count findings (activeHosts counts hosts). */
const FINDING_NUMBERS: SummaryNumber[] = [
  'totalFindings',
  ...CLASSIFICATIONS,
  'unregisteredHighRisk',
  'newThisWeek',
  'feedbackBacklog',
];

function summaryTotals(summary: AnalyticsSummary) {
  return Object.fromEntries(
    FINDING_NUMBERS.map(n => [n, summaryValue(summary, n)]),
  );
}

/** The findings the list selects with a link's query, parsed as `GET /findings` parses it. */
function listQuery(
  scope: AnalyticsScope,
  params: FindingListParams,
  limit: number,
) {
  return {
    ...findingFilterOf(findingFilterSchema.parse(params)),
    ...scope,
    limit,
  };
}

async function total(
  findings: FindingStore,
  scope: AnalyticsScope,
  params: FindingListParams,
): Promise<number> {
  return (await findings.list(listQuery(scope, params, 1))).totalCount;
}

async function listed(
  findings: FindingStore,
  scope: AnalyticsScope,
  params: FindingListParams,
): Promise<string[]> {
  return (await findings.list(listQuery(scope, params, 100))).items
    .map(f => f.compositeId)
    .sort();
}

/** The list's total behind each of the summary's numbers, from its link. */
async function listTotals(
  findings: FindingStore,
  scope: AnalyticsScope,
  summary: AnalyticsSummary,
) {
  const totals: Record<string, number> = {};
  for (const n of FINDING_NUMBERS)
    totals[n] = await total(findings, scope, summaryFindingsQuery(summary, n));
  return totals;
}

/** The trendline's points as the list counts each point's link. */
async function trendTotals(
  findings: FindingStore,
  scope: AnalyticsScope,
  trend: Trendlines,
) {
  const points = [];
  for (const p of trend.points) {
    const listedPoint: Record<string, unknown> = { start: p.start };
    for (const c of CLASSIFICATIONS)
      listedPoint[c] = await total(
        findings,
        scope,
        trendFindingsQuery(trend, c, p.start),
      );
    points.push(listedPoint);
  }
  return points;
}
