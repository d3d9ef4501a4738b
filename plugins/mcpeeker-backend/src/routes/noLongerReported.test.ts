import {
  AnalyticsSummary,
  compositeId,
  createEvent,
  McpEvent,
  RISK_SEVERITY_RANK,
  RiskSeverity,
  ScanInventory,
  scoreFindingsQuery,
  summaryFindingsQuery,
} from '@mcpeeker/plugin-mcpeeker-common';
import request from 'supertest';
import {
  accessTestBackend,
  AccessTestEngine,
  as,
} from '../__testUtils__/accessTestBackend';
import { endpointEvent, GITHUB_RISKS, HOST } from '../__testUtils__/events';
import { STORE_TEST_DATABASE_IDS } from '../__testUtils__/storeTestDatabases';

// Generous: a busy two-core machine.
jest.setTimeout(120_000);

// Every findings store: the Backstage database's engines and ClickHouse.
const access = accessTestBackend<AccessTestEngine>([
  ...STORE_TEST_DATABASE_IDS,
  'CLICKHOUSE',
]);
const api = '/api/mcpeeker';
const [secret, unpinned] = GITHUB_RISKS;
const DANA = 'user:default/dana';
const ERIN = 'user:default/erin';

/** An event as the agent sends it: with its scan's inventory. */
function scanned(event: McpEvent, scan: ScanInventory): McpEvent {
  const { eventId: _id, schemaVersion: _v, ...content } = event as any;
  return createEvent({ ...content, scan }) as McpEvent;
}

describe.each(access.ids)('servers no longer reported on %s', databaseId => {
  let server: any;

  beforeAll(async () => {
    ({ server } = await access.start({}, databaseId));
  });

  const send = (events: McpEvent[]) =>
    request(server)
      .post(`${api}/events`)
      .set(as('service'))
      .send({ events })
      .expect(202);
  const finding = async (id: string, who = 'sam') =>
    (await request(server).get(`${api}/findings/${id}`).set(as(who))).body;
  const listed = async (who: string, query = '') =>
    (
      await request(server)
        .get(`${api}/findings?limit=200&${query}`)
        .set(as(who))
        .expect(200)
    ).body.items
      .map((f: { compositeId: string }) => f.compositeId)
      .sort();
  const riskKinds = (f: any) =>
    f.breakdown.contributions
      .filter((c: any) => c.layer === 'risk')
      .map((c: any) => c.riskKind);

  it('Dana pins her package and rescans: the new finding is clean, the old one is no longer reported, its risk stops counting and it leaves the default list', async () => {
    // Dana's config runs `npx -y` of whatever is latest, with a pasted token.
    const port = 3301;
    const old = compositeId({ hostIdHash: HOST, port });
    const pinned = compositeId({ hostIdHash: HOST, port: port + 1 });
    await send([
      scanned(
        endpointEvent({
          port,
          observedAt: '2026-12-01T09:00:00Z',
          risks: [secret, unpinned],
        }),
        { configIds: [old], unreadConfigs: [] },
      ),
    ]);
    const before = await finding(old);
    expect(riskKinds(before)).toEqual(['inline-secret', 'unpinned-package']);
    expect(before.breakdown.noLongerReported).toBeUndefined();
    expect(await listed('dana')).toContain(old);

    // She pins the version and moves the token into the environment: to the
    // agent it is another server now; the scan names only that one.
    await send([
      scanned(
        endpointEvent({
          port: port + 1,
          observedAt: '2026-12-02T09:00:00Z',
          args: ['-y', '@modelcontextprotocol/server-github@2025.4.8'],
          risks: [],
        }),
        { configIds: [pinned], unreadConfigs: [] },
      ),
    ]);

    const fresh = await finding(pinned, 'dana');
    expect(fresh.breakdown.noLongerReported).toBeUndefined();
    expect(riskKinds(fresh)).toEqual([]);
    expect(fresh.signals.risks).toBeUndefined();

    const gone = await finding(old, 'dana');
    expect(gone.breakdown.noLongerReported).toEqual({
      since: '2026-12-01T09:00:00.000Z',
      missingFrom: '2026-12-02T09:00:00.000Z',
    });
    // Its risk no longer counts: the pasted token was fixed.
    expect(riskKinds(gone)).toEqual([]);
    expect(gone.signals.risks).toBeUndefined();
    expect(gone.score).toBeLessThan(before.score);
    expect(gone.breakdown.riskLevel).toBeUndefined();
    expect(
      gone.breakdown.contributions.find((c: any) => c.layer === 'endpoint')
        .reason,
    ).toMatch(
      /no longer reported since 2026-12-01T09:00:00\.000Z \(removed or changed\)/,
    );

    // The default list shows only the new one; the old one is still found.
    const danas = await listed('dana');
    expect(danas).toContain(pinned);
    expect(danas).not.toContain(old);
    expect(await listed('dana', 'gone=include')).toEqual(
      expect.arrayContaining([old, pinned]),
    );
    expect(await listed('sam', 'gone=only')).toContain(old);
    expect(await listed('sam', 'minRisk=high')).not.toContain(old);

    // Its timeline says so, the instant named for the page to show in its
    // reader's time.
    const timeline = (
      await request(server)
        .get(`${api}/findings/${old}/timeline`)
        .set(as('dana'))
        .expect(200)
    ).body.items.filter((i: any) => i.kind === 'score');
    expect(timeline.at(-1).summary).toMatch(
      /no longer reported since 2026-12-01T09:00:00\.000Z/,
    );
    expect(timeline.at(-1).summary).toMatch(/inline secret resolved/);
    expect(timeline.at(-1).times).toEqual(['2026-12-01T09:00:00.000Z']);

    // Back in her config, it is reported again.
    await send([
      scanned(
        endpointEvent({
          port,
          observedAt: '2026-12-03T09:00:00Z',
          risks: [unpinned],
        }),
        { configIds: [old, pinned], unreadConfigs: [] },
      ),
    ]);
    const back = await finding(old);
    expect(back.breakdown.noLongerReported).toBeUndefined();
    expect(riskKinds(back)).toEqual(['unpinned-package']);
    expect(await listed('dana')).toContain(old);
  });

  it('a scan that could not read a config file marks nothing gone; nor does an agent that sends no inventory', async () => {
    const port = 3401;
    const id = compositeId({ hostIdHash: HOST, port });
    await send([
      scanned(
        endpointEvent({
          port,
          observedAt: '2026-12-05T09:00:00Z',
          risks: [secret],
        }),
        { configIds: [id], unreadConfigs: [] },
      ),
    ]);
    // The next scan could not parse the Cursor config: none of its servers are named.
    const other = compositeId({ hostIdHash: HOST, port: port + 1 });
    await send([
      scanned(
        endpointEvent({ port: port + 1, observedAt: '2026-12-06T09:00:00Z' }),
        {
          configIds: [other],
          unreadConfigs: ['/home/dana/.cursor/mcp.json'],
        },
      ),
    ]);
    // An older agent's scan: no inventory at all.
    await send([
      endpointEvent({ port: port + 2, observedAt: '2026-12-07T09:00:00Z' }),
    ]);
    const f = await finding(id);
    expect(f.breakdown.noLongerReported).toBeUndefined();
    expect(riskKinds(f)).toEqual(['inline-secret']);
    expect(await listed('dana')).toContain(id);
  });

  it('on a shared host, one owner’s scan marks nothing gone of another owner’s servers', async () => {
    const port = 3501;
    const erins = compositeId({ hostIdHash: HOST, port });
    await send([
      scanned(
        endpointEvent({
          port,
          owner: ERIN,
          observedAt: '2026-12-08T09:00:00Z',
          risks: [secret],
        }),
        { configIds: [erins], unreadConfigs: [] },
      ),
    ]);
    // Dana's agent on the same host scans later and knows nothing of Erin's server.
    await request(server)
      .post(`${api}/events`)
      .set(as('service'))
      .send({
        events: [],
        host: {
          idHash: HOST,
          os: 'linux',
          owner: DANA,
          enforcement: [],
          observedAt: '2026-12-09T09:00:00Z',
          scan: { configIds: [], unreadConfigs: [] },
        },
      })
      .expect(202);
    const f = await finding(erins);
    expect(f.breakdown.noLongerReported).toBeUndefined();
    expect(await listed('erin')).toContain(erins);

    // Erin removes it from her configs; her agent finds nothing and says so.
    await request(server)
      .post(`${api}/events`)
      .set(as('service'))
      .send({
        events: [],
        host: {
          idHash: HOST,
          os: 'linux',
          owner: ERIN,
          enforcement: [],
          observedAt: '2026-12-10T09:00:00Z',
          scan: { configIds: [], unreadConfigs: [] },
        },
      })
      .expect(202);
    expect((await finding(erins)).breakdown.noLongerReported).toEqual({
      since: '2026-12-08T09:00:00.000Z',
      missingFrom: '2026-12-10T09:00:00.000Z',
    });
    expect(await listed('erin')).not.toContain(erins);
  });

  it('the Dashboard counts what the default list shows, and the list ranks a no-longer-reported finding by the score and risk that still count', async () => {
    // Erin's laptop, a host of its own: a pasted token (high) in one server, an unpinned package in another.
    const laptop = (endpointEvent({ hostName: 'erin-laptop' }) as any).host
      .idHash;
    const leaky = compositeId({ hostIdHash: laptop, port: 3701 });
    const unpinnedOne = compositeId({ hostIdHash: laptop, port: 3702 });
    const day = 'since=2026-12-14T00:00:00Z&until=2026-12-15T00:00:00Z';
    const total = async (params: Record<string, string>) =>
      (
        await request(server)
          .get(`${api}/findings?${new URLSearchParams(params)}`)
          .set(as('erin'))
          .expect(200)
      ).body.totalCount;
    const dashboard = async () => {
      const get = (path: string) =>
        request(server)
          .get(`${api}/analytics/${path}`)
          .set(as('erin'))
          .expect(200);
      const summary: AnalyticsSummary = (await get('summary')).body;
      const buckets = (await get('score-distribution')).body.buckets;
      const trend = (await get(`trendlines?${day}`)).body.points;
      return {
        total: summary.totalFindings,
        highRisk: summary.unregisteredHighRisk,
        distributed: buckets.reduce((n: number, b: any) => n + b.count, 0),
        onTheDay: trend.reduce(
          (n: number, p: any) => n + p.authorized + p.suspect + p.unauthorized,
          0,
        ),
        // Each number's and bar's link: the default list's total.
        listed: {
          total: await total(summaryFindingsQuery(summary, 'totalFindings')),
          highRisk: await total(
            summaryFindingsQuery(summary, 'unregisteredHighRisk'),
          ),
          bars: await Promise.all(
            buckets.map((b: any) => total(scoreFindingsQuery(b))),
          ),
        },
        counted: {
          total: summary.totalFindings,
          highRisk: summary.unregisteredHighRisk,
          bars: buckets.map((b: any) => b.count),
        },
      };
    };
    const ranked = async () =>
      (
        await request(server)
          .get(`${api}/findings?limit=200&gone=include`)
          .set(as('erin'))
          .expect(200)
      ).body.items;

    const before = await dashboard();
    await send(
      [
        endpointEvent({
          port: 3701,
          hostName: 'erin-laptop',
          owner: ERIN,
          observedAt: '2026-12-14T09:00:00Z',
          risks: [secret],
        }),
        endpointEvent({
          port: 3702,
          hostName: 'erin-laptop',
          owner: ERIN,
          observedAt: '2026-12-14T09:00:00Z',
          risks: [unpinned],
        }),
      ].map(e =>
        scanned(e, { configIds: [leaky, unpinnedOne], unreadConfigs: [] }),
      ),
    );
    const both = await dashboard();
    expect(both.listed).toEqual(both.counted);
    expect([
      both.total,
      both.highRisk,
      both.distributed,
      both.onTheDay,
    ]).toEqual([
      before.total + 2,
      before.highRisk + 1,
      before.distributed + 2,
      2,
    ]);
    const order = (items: any[]) =>
      items
        .map((f: any) => f.compositeId)
        .filter((id: string) => [leaky, unpinnedOne].includes(id));
    expect(order(await ranked())).toEqual([leaky, unpinnedOne]);

    // She deletes the server with the token; her agent's next scan names only the other.
    await request(server)
      .post(`${api}/events`)
      .set(as('service'))
      .send({
        events: [],
        host: {
          idHash: laptop,
          os: 'linux',
          owner: ERIN,
          enforcement: [],
          observedAt: '2026-12-15T09:00:00Z',
          scan: { configIds: [unpinnedOne], unreadConfigs: [] },
        },
      })
      .expect(202);
    const after = await dashboard();
    expect(after.listed).toEqual(after.counted);
    expect([
      after.total,
      after.highRisk,
      after.distributed,
      after.onTheDay,
    ]).toEqual([before.total + 1, before.highRisk, before.distributed + 1, 1]);

    // Listed with gone=include, it ranks by what still counts: below the
    // unpinned one, in the list's order (score, worst counting risk, last seen).
    const items = await ranked();
    expect(order(items)).toEqual([unpinnedOne, leaky]);
    // The list's order: score, worst counting risk, last seen, id; all descending.
    const key = (f: any) => [
      f.score,
      RISK_SEVERITY_RANK[f.breakdown.riskLevel as RiskSeverity] ?? 0,
      Date.parse(f.lastSeen),
      f.compositeId,
    ];
    const inOrder = [...items].sort((x, y) => {
      const [a, b] = [key(x), key(y)];
      const first = a.findIndex((v, n) => v !== b[n]);
      if (first < 0) return 0;
      return a[first] > b[first] ? -1 : 1;
    });
    expect(items.map((f: any) => f.compositeId)).toEqual(
      inOrder.map((f: any) => f.compositeId),
    );
  });
});
