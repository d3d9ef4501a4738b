import {
  AnalyticsSummary,
  compositeId,
  createEvent,
  hiddenFindingsQuery,
  summaryFindingsQuery,
} from '@mcpeeker/plugin-mcpeeker-common';
import request from 'supertest';
import {
  accessTestBackend,
  AccessTestEngine,
  as,
} from '../__testUtils__/accessTestBackend';
import { endpointEvent, HOST } from '../__testUtils__/events';
import { STORE_TEST_DATABASE_IDS } from '../__testUtils__/storeTestDatabases';

// Generous: a busy two-core machine.
jest.setTimeout(120_000);

// Every findings store: the Backstage database's engines and ClickHouse.
const access = accessTestBackend<AccessTestEngine>([
  ...STORE_TEST_DATABASE_IDS,
  'CLICKHOUSE',
]);
const api = '/api/mcpeeker';

describe.each(access.ids)(
  'gateway requests judged not MCP on %s',
  databaseId => {
    let server: any;

    beforeAll(async () => {
      ({ server } = await access.start({}, databaseId));
    });

    const send = (events: unknown[]) =>
      request(server)
        .post(`${api}/events`)
        .set(as('service'))
        .send({ events })
        .expect(202);
    const ids = async (query = '') =>
      (
        await request(server)
          .get(`${api}/findings?limit=200&${query}`)
          .set(as('sam'))
          .expect(200)
      ).body.items
        .map((f: { compositeId: string }) => f.compositeId)
        .sort();
    const summary = async (): Promise<AnalyticsSummary> =>
      (
        await request(server)
          .get(`${api}/analytics/summary`)
          .set(as('sam'))
          .expect(200)
      ).body;

    /** A gateway request naming the server `name`, with the Judge's verdict. */
    const request_ = (
      name: string,
      requestId: string,
      judge: { verdict: 'mcp' | 'not-mcp'; confidence: number },
      observedAt = '2026-11-21T10:02:00Z',
    ) =>
      createEvent({
        layer: 'gateway',
        observedAt,
        compositeId: compositeId({ processSignature: `gateway:${name}` }),
        sensor: { id: 'gw-1', kind: 'llm-gateway' },
        request: {
          requestId,
          userRef: 'user:default/dana',
          toolNames: ['lookup'],
          mcpServers: [{ name }],
        },
        judge: { ...judge, explanation: 'an application tool, not MCP' },
      });
    // The seeded findings (accessTestBackend): two github servers Dana's and Erin's agents saw.
    let seeded: string[] = [];
    beforeAll(async () => {
      seeded = await ids();
    });

    // The OpenAI fixture's request: one function tool, no MCP server named.
    const weather = compositeId({
      processSignature: 'gateway:tools:0123456789abcdef',
    });
    const endpoint = compositeId({ hostIdHash: HOST, port: 3401 });
    const lookup = compositeId({ processSignature: 'gateway:acme-lookup' });

    it('is kept, but not listed, counted or exported as an MCP server; the filter shows it, with the Judge’s reason', async () => {
      await send([
        endpointEvent({ port: 3401, source: 'port' }),
        createEvent({
          layer: 'gateway',
          observedAt: '2026-11-21T10:02:00Z',
          compositeId: weather,
          sensor: { id: 'gw-1', kind: 'llm-gateway' },
          request: {
            requestId: 'weather-1',
            userRef: 'user:default/dana',
            api: 'openai-chat',
            model: 'gpt-4.1',
            toolNames: ['get_weather'],
            mcpServers: [],
          },
          judge: {
            verdict: 'not-mcp',
            confidence: 0.6,
            explanation:
              'The request offers the tools "get_weather", which follow no MCP naming. They look like the application\'s own function tools.',
            judgedBy: 'offline',
          },
        }),
      ]);

      // Stored, and readable: the Judge's verdict and why.
      const found = (
        await request(server)
          .get(`${api}/findings/${weather}`)
          .set(as('sam'))
          .expect(200)
      ).body;
      expect(found.layers).toEqual(['gateway']);
      expect(found.signals.judge).toMatchObject({
        verdict: 'not-mcp',
        confidence: 0.6,
        explanation: expect.any(String),
      });

      // The default list holds the MCP servers found: not it.
      expect(await ids()).toEqual([...seeded, endpoint].sort());
      // The analyst's filter: only those judged not MCP, or all.
      expect(await ids('notMcp=only')).toEqual([weather]);
      expect(await ids('notMcp=include')).toEqual(
        [...seeded, endpoint, weather].sort(),
      );
      // Not an authorized server either.
      expect(await ids('classification=authorized')).toEqual([]);

      // The Dashboard counts MCP servers: one, suspect; the other is hidden, and said so.
      const s = await summary();
      expect(s.totalFindings).toBe(seeded.length + 1);
      expect(s.byClassification).toEqual({
        authorized: 0,
        suspect: seeded.length + 1,
        unauthorized: 0,
      });
      expect(s.hiddenFindings).toEqual({
        total: 1,
        suppressed: 0,
        noLongerReported: 0,
        notMcp: 1,
      });
      // Each number is the total of the list its link opens.
      for (const number of ['totalFindings', 'authorized'] as const)
        expect(
          await ids(
            new URLSearchParams(summaryFindingsQuery(s, number)).toString(),
          ),
        ).toHaveLength(number === 'totalFindings' ? seeded.length + 1 : 0);
      expect(
        await ids(new URLSearchParams(hiddenFindingsQuery()).toString()),
      ).toEqual([...seeded, endpoint, weather].sort());
      const distribution = (
        await request(server)
          .get(`${api}/analytics/score-distribution`)
          .set(as('sam'))
          .expect(200)
      ).body;
      expect(
        distribution.buckets.reduce((n: number, b: any) => n + b.count, 0),
      ).toBe(seeded.length + 1);

      // An export takes what the list takes: by default not it; asked for,
      // it says it was judged not an MCP server.
      const csv = (
        await request(server)
          .get(`${api}/findings/export?format=csv`)
          .set(as('sam'))
          .expect(200)
      ).text;
      expect(csv).not.toContain(weather);
      const sarif = JSON.parse(
        (
          await request(server)
            .get(`${api}/findings/export?format=sarif&notMcp=only`)
            .set(as('sam'))
            .expect(200)
        ).text,
      );
      const [result] = sarif.runs[0].results;
      expect(result.message.text).toMatch(/judged not an MCP server/);
      expect(result.suppressions[0].justification).toMatch(
        /^Judged not an MCP server: /,
      );
    });

    it('a named server judged not MCP gets no MCPServer entity', async () => {
      await send([
        request_('acme-lookup', 'lookup-1', {
          verdict: 'not-mcp',
          confidence: 0.7,
        }),
      ]);
      expect(await ids('notMcp=only')).toContain(lookup);
      const { entities } = (
        await request(server)
          .get(`${api}/catalog/entities`)
          .set('Authorization', as('catalog').Authorization!)
          .expect(200)
      ).body;
      expect(
        entities.map((e: any) => e.metadata.title ?? e.metadata.name),
      ).not.toContain('acme-lookup');
    });

    it('a more confident verdict that it is MCP makes it a server found again', async () => {
      await send([
        request_(
          'acme-lookup',
          'lookup-2',
          { verdict: 'mcp', confidence: 0.9 },
          '2026-11-21T10:05:00Z',
        ),
      ]);
      expect(await ids()).toContain(lookup);
      expect(await ids('notMcp=only')).not.toContain(lookup);
      const { entities } = (
        await request(server)
          .get(`${api}/catalog/entities`)
          .set('Authorization', as('catalog').Authorization!)
          .expect(200)
      ).body;
      expect(
        entities.map((e: any) => e.metadata.title ?? e.metadata.name),
      ).toContain('acme-lookup');
    });
  },
);
