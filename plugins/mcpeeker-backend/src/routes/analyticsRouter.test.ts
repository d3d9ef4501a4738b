import { TestDatabaseId } from '@backstage/backend-test-utils';
import {
  AnalyticsSummary,
  CLASSIFICATIONS,
  compositeId,
  FindingListParams,
  hiddenFindingsQuery,
  scoreFindingsQuery,
  SummaryNumber,
  summaryFindingsQuery,
  summaryValue,
  trendFindingsQuery,
  Trendlines,
} from '@mcpeeker/plugin-mcpeeker-common';
import request from 'supertest';
import { accessTestBackend, as } from '../__testUtils__/accessTestBackend';
import {
  endpointEvent,
  GITHUB_RISKS,
  HOST,
  riskFact,
} from '../__testUtils__/events';
import { STORE_TEST_DATABASE_IDS } from '../__testUtils__/storeTestDatabases';

jest.setTimeout(120_000);

const access = accessTestBackend(STORE_TEST_DATABASE_IDS);

// Agents have reported dana's server (port 3001) and erin's (port 4000) on
// 2026-11-21 at 10:00: both suspect.
const DAY_OF_REPORTS = 'since=2026-11-21T00:00:00Z&until=2026-11-22T00:00:00Z';

describe.each(access.ids)('analytics routes on %s', databaseId => {
  let server: any;
  beforeAll(async () => {
    ({ server } = await access.start({}, databaseId as TestDatabaseId));
  });
  const get = (who: string, path: string) =>
    request(server).get(`/api/mcpeeker/analytics/${path}`).set(as(who));
  /** How many findings the list counts with a link's query, as `who` sees it. */
  const listTotal = async (who: string, params: FindingListParams) =>
    (
      await request(server)
        .get(`/api/mcpeeker/findings?${new URLSearchParams(params)}`)
        .set(as(who))
        .expect(200)
    ).body.totalCount;

  it('gives a developer the figures of their own findings, an analyst and an admin the fleet’s', async () => {
    const totals: Record<string, unknown> = {};
    for (const who of ['dana', 'erin', 'sam', 'pat']) {
      const [summary, distribution, trend] = await Promise.all([
        get(who, 'summary').expect(200),
        get(who, 'score-distribution').expect(200),
        get(who, `trendlines?${DAY_OF_REPORTS}`).expect(200),
      ]);
      totals[who] = {
        scope: summary.body.scope,
        backlog: summary.body.feedbackBacklog,
        findings: summary.body.totalFindings,
        suspect: summary.body.byClassification.suspect,
        distribution: distribution.body.buckets,
        trend: trend.body.points.map((p: any) => [p.start, p.suspect]),
      };
    }
    // Developers give no feedback: no backlog for them.
    const own = {
      scope: 'own',
      backlog: undefined,
      findings: 1,
      suspect: 1,
      distribution: [{ score: 6, count: 1, classification: 'suspect' }],
      trend: [['2026-11-21T00:00:00.000Z', 1]],
    };
    const fleet = {
      scope: 'all',
      backlog: 2,
      findings: 2,
      suspect: 2,
      distribution: [{ score: 6, count: 2, classification: 'suspect' }],
      trend: [['2026-11-21T00:00:00.000Z', 2]],
    };
    expect(totals).toEqual({ dana: own, erin: own, sam: fleet, pat: fleet });
  });

  it('counts what each number’s, point’s and bar’s link lists, for whoever asks', async () => {
    // Dana's second server holds a pasted token and reaches '/': suspect, high risk.
    await request(server)
      .post('/api/mcpeeker/events')
      .set(as('service'))
      .send({
        events: [
          endpointEvent({
            port: 3007,
            observedAt: '2026-11-21T11:00:00Z',
            risks: [
              GITHUB_RISKS[0],
              riskFact('broad-filesystem', "the folder it may use is '/'"),
            ],
          }),
        ],
      })
      .expect(202);
    const numbers: SummaryNumber[] = [
      'totalFindings',
      ...CLASSIFICATIONS,
      'unregisteredHighRisk',
      'newThisWeek',
      'feedbackBacklog',
    ];
    for (const who of ['dana', 'erin', 'sam']) {
      const summary: AnalyticsSummary = (await get(who, 'summary').expect(200))
        .body;
      const counted: Record<string, unknown> = {};
      const listed: Record<string, unknown> = {};
      for (const n of numbers) {
        counted[n] = summaryValue(summary, n);
        if (counted[n] !== undefined)
          listed[n] = await listTotal(who, summaryFindingsQuery(summary, n));
      }
      expect([who, listed]).toEqual([who, counted]);
      expect(summary.unregisteredHighRisk).toBe(who === 'erin' ? 0 : 1);

      const trend: Trendlines = (
        await get(who, `trendlines?bucket=hour&${DAY_OF_REPORTS}`).expect(200)
      ).body;
      for (const point of trend.points)
        for (const c of CLASSIFICATIONS)
          expect([point.start, c, point[c]]).toEqual([
            point.start,
            c,
            await listTotal(who, trendFindingsQuery(trend, c, point.start)),
          ]);
      const { buckets } = (await get(who, 'score-distribution').expect(200))
        .body;
      for (const b of buckets)
        expect([b.score, b.count]).toEqual([
          b.score,
          await listTotal(who, scoreFindingsQuery(b)),
        ]);
    }
  });

  it.each([
    ['findings?firstSeenFrom=yesterday', /^Invalid query: firstSeenFrom /],
    ['findings?firstSeenTo=2026-11-21', /^Invalid query: firstSeenTo /],
    ['findings?detectedFrom=1', /^Invalid query: detectedFrom /],
    ['findings?detectedTo[]=2026-11-21T00:00:00Z', /detectedTo/],
    ['findings?highRisk=yes', /^Invalid query: highRisk /],
    [
      'findings?detectedFrom=2026-11-22T00:00:00Z&detectedTo=2026-11-21T00:00:00Z',
      /^Invalid query: detectedFrom \(2026-11-22 00:00:00 UTC\) is after detectedTo \(2026-11-21 00:00:00 UTC\)$/,
    ],
    [
      'findings?firstSeenFrom=2026-11-22T00:00:00Z&firstSeenTo=2026-11-21T00:00:00Z',
      /^Invalid query: firstSeenFrom \(2026-11-22 00:00:00 UTC\) is after firstSeenTo \(2026-11-21 00:00:00 UTC\)$/,
    ],
    [
      'findings?since=2026-11-22T10:30:00%2B02:00&until=2026-11-21T00:00:00Z',
      /^Invalid query: since \(2026-11-22 08:30:00 UTC\) is after until \(2026-11-21 00:00:00 UTC\)$/,
    ],
    // Scores too, on the list and the export alike: a range nothing can be in is a mistake.
    [
      'findings?minScore=9&maxScore=2',
      /^Invalid query: minScore \(9\) is above maxScore \(2\)$/,
    ],
    [
      'findings/export?format=csv&minScore=9&maxScore=2',
      /^Invalid query: minScore \(9\) is above maxScore \(2\)$/,
    ],
    // In words for people, not zod's.
    [
      'findings?limit=abc',
      /^Invalid query: limit must be a whole number from 1 to 200, got 'abc'$/,
    ],
    [
      'findings?limit=0',
      /^Invalid query: limit must be a whole number from 1 to 200, got '0'$/,
    ],
    [
      'findings?limit=1.5',
      /^Invalid query: limit must be a whole number from 1 to 200, got '1.5'$/,
    ],
    [
      'findings?limit=5&limit=6',
      /^Invalid query: limit must be a whole number from 1 to 200, given more than once$/,
    ],
    [
      'findings?minScore=high',
      /^Invalid query: minScore must be a whole number, got 'high'$/,
    ],
    [
      'findings?minRisk=severe',
      /^Invalid query: minRisk must be low, medium or high, got 'severe'$/,
    ],
    [
      'findings?classification=authorized,bogus',
      /^Invalid query: classification must be authorized, suspect or unauthorized, separated by commas, got 'bogus'$/,
    ],
    [
      'findings?since=yesterday',
      /^Invalid query: since must be a date and time such as 2026-11-21T10:00:00Z, got 'yesterday'$/,
    ],
    [
      `findings?until=${'x'.repeat(40)}`,
      /^Invalid query: until must be a date and time such as 2026-11-21T10:00:00Z, got a value of 40 characters$/,
    ],
    [
      'findings/export?firstSeenFrom=2026-11-22T00:00:00Z%27%20OR%201=1',
      /^Invalid query: firstSeenFrom /,
    ],
    ['findings/export?format=csv&highRisk=all', /^Invalid query: highRisk /],
  ])('answers the list’s %s with a 400 naming it', async (path, message) => {
    const res = await request(server)
      .get(`/api/mcpeeker/${path}`)
      .set(as('sam'));
    expect([res.status, res.body.error?.message]).toEqual([
      400,
      expect.stringMatching(message),
    ]);
    expect(JSON.stringify(res.body)).not.toMatch(
      /\bselect\b|mcpeeker_|\n\s+at /i,
    );
  });

  it('answers the list’s ranges no finding can be in with nothing', async () => {
    for (const range of [
      'firstSeenFrom=0001-01-01T00:00:00Z&firstSeenTo=0001-01-08T00:00:00Z',
      'detectedFrom=9999-12-01T00:00:00Z&detectedTo=9999-12-31T00:00:00Z',
      'firstSeenFrom=9999-12-01T00:00:00Z&highRisk=unregistered',
    ])
      expect([
        range,
        await listTotal('sam', Object.fromEntries(new URLSearchParams(range))),
      ]).toEqual([range, 0]);
  });

  it('answers trendlines by day over the last 30 days unless asked otherwise', async () => {
    const before = Date.now();
    const { body } = await get('sam', 'trendlines').expect(200);
    expect(body.bucket).toBe('day');
    expect(body.points.length).toBeGreaterThanOrEqual(30);
    expect(body.points.length).toBeLessThanOrEqual(31);
    expect(Date.parse(body.until)).toBeGreaterThanOrEqual(before);
    expect(
      (await get('sam', 'trendlines?bucket=hour').expect(200)).body.points
        .length,
    ).toBeGreaterThanOrEqual(14 * 24);
    const weeks = await get(
      'sam',
      'trendlines?bucket=week&since=2026-11-01T00:00:00Z&until=2026-11-30T00:00:00Z',
    ).expect(200);
    expect([weeks.body.since, weeks.body.points.length]).toEqual([
      '2026-10-26T00:00:00.000Z',
      5,
    ]);
  });

  it.each([
    ['trendlines?bucket=month', /bucket/],
    [
      'trendlines?bucket=hour&since=2026-11-01T00:00:00Z&until=2026-11-16T00:00:00Z',
      /since must be at most 14 days before until with bucket=hour/,
    ],
    [
      'trendlines?since=2025-01-01T00:00:00Z&until=2026-11-16T00:00:00Z',
      /since must be at most 366 days/,
    ],
    [
      'trendlines?bucket=week&since=2016-01-01T00:00:00Z&until=2026-11-16T00:00:00Z',
      /since must be at most 1827 days/,
    ],
    [
      'trendlines?since=2026-11-16T00:00:00Z&until=2026-11-15T00:00:00Z',
      /^Invalid query: since \(2026-11-16 00:00:00 UTC\) is after until \(2026-11-15 00:00:00 UTC\)$/,
    ],
    [
      'trendlines?since=2026-11-16T00:00:00Z&until=2026-11-16T00:00:00Z',
      /^Invalid query: since \(2026-11-16 00:00:00 UTC\) must be before until \(2026-11-16 00:00:00 UTC\)$/,
    ],
    [
      'trendlines?bucket=month',
      /^Invalid query: bucket must be hour, day or week, got 'month'$/,
    ],
    ['trendlines?since=yesterday', /since/],
    ['trendlines?until=2026-02-30T00:00:00Z', /until/],
    ['trendlines?limit=5', /unknown parameter limit/],
    ['summary?ownerRefs=user:default/erin', /unknown parameter ownerRefs/],
    ['score-distribution?q=x', /unknown parameter q/],
  ])('answers %s with a 400 naming the parameter', async (path, message) => {
    const res = await get('sam', path);
    expect([res.status, res.body.error?.message]).toEqual([
      400,
      expect.stringMatching(message),
    ]);
  });

  it.each([
    ['a repeated bucket', 'trendlines?bucket=day&bucket=week'],
    ['an object for bucket', 'trendlines?bucket[$ne]=day'],
    ['SQL in since', "trendlines?since=2026-11-01T00:00:00Z' OR 1=1 --"],
    ['5,000 digits for since', `trendlines?since=${'9'.repeat(5000)}`],
    ['a NUL in until', 'trendlines?until=2026-11-01T00:00:00Z%00'],
    ['an array for since', 'trendlines?since[]=2026-11-01T00:00:00Z'],
    ['a 3,000-character parameter', `summary?${'a'.repeat(3000)}=1`],
  ])(
    'refuses %s with a 400 that tells nothing of the query',
    async (_what, path) => {
      const res = await get('dana', path);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).not.toMatch(
        /\bselect\b|mcpeeker_|\n\s+at /i,
      );
    },
  );

  it.each([
    'since=0001-01-01T00:00:00Z&until=0001-01-08T00:00:00Z',
    'since=9999-12-01T00:00:00Z&until=9999-12-31T00:00:00Z',
    'since=2106-02-07T00:00:00Z&until=2106-02-08T00:00:00Z&bucket=hour',
  ])('answers ranges no event can be in (%s) with zeros', async range => {
    const { body } = await get('dana', `trendlines?${range}`).expect(200);
    expect(body.points.length).toBeGreaterThan(0);
    expect(
      body.points.every(
        (p: any) => p.authorized + p.suspect + p.unauthorized === 0,
      ),
    ).toBe(true);
  });

  it('tells whoever asks how many of the findings they may see it leaves out, and the list shows them', async () => {
    // An analyst suppresses Erin's one server: her Dashboard has nothing
    // to count, yet she has a finding.
    const erins = compositeId({ hostIdHash: HOST, port: 4000 });
    const suppression = await request(server)
      .post('/api/mcpeeker/suppressions')
      .set(as('sam'))
      .send({
        scope: 'finding',
        compositeId: erins,
        reason: 'a lab machine of team-b',
      })
      .expect(201);
    const hiddenOf = async (who: string) => {
      const summary: AnalyticsSummary = (await get(who, 'summary').expect(200))
        .body;
      return {
        shown: summary.totalFindings,
        hidden: summary.hiddenFindings,
        listed: await listTotal(who, hiddenFindingsQuery()),
      };
    };
    const one = { total: 1, suppressed: 1, noLongerReported: 0, notMcp: 0 };
    const none = { total: 0, suppressed: 0, noLongerReported: 0, notMcp: 0 };
    expect(await hiddenOf('erin')).toEqual({
      shown: 0,
      hidden: one,
      listed: 1,
    });
    // Dana's two servers count as before; Erin's is not hers to know of.
    expect(await hiddenOf('dana')).toEqual({
      shown: 2,
      hidden: none,
      listed: 2,
    });
    expect(await hiddenOf('sam')).toEqual({ shown: 2, hidden: one, listed: 3 });
    await request(server)
      .delete(`/api/mcpeeker/suppressions/${suppression.body.id}`)
      .set(as('pat'))
      .send({})
      .expect(200);
    expect(await hiddenOf('erin')).toEqual({
      shown: 1,
      hidden: none,
      listed: 1,
    });
  });

  it('refuses people without a role and the agents’ token', async () => {
    for (const path of ['summary', 'score-distribution', 'trendlines'])
      expect([
        (await get('nobody', path)).status,
        (await get('service', path)).status,
        (await get('unauthenticated', path)).status,
      ]).toEqual([403, 403, 401]);
  });
});
