import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { toolDefinitionHash } from '@mcpeeker/plugin-mcpeeker-common';
import {
  endpointEvent,
  gatewayEvent,
  networkEvent,
} from './__testUtils__/events';
import {
  accessTestBackend,
  as,
  registration,
} from './__testUtils__/accessTestBackend';
import { startClickHouseServer } from './__testUtils__/clickhouseServer';
import { freePort } from './__testUtils__/freePort';
import { startMessagesApiServer } from './__testUtils__/messagesApiServer';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { mcpeekerPlugin } from './plugin';

jest.setTimeout(30_000);

/** What the community rules say of endpointEvent({ port: 1 }) + networkEvent({ port: 1 }). */
const RULES_FOR_THESE_EVENTS: Array<[string, number]> = [['MCP-EP-001', 1]];

const NATS_URL = process.env.MCPEEKER_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/** The real policy and catalog, for what needs people: registering, approving. */
const access = accessTestBackend();

async function startBackend(mcpeeker: unknown) {
  const { server } = await startTestBackend({
    features: [
      mcpeekerPlugin,
      mockServices.rootConfig.factory({ data: { mcpeeker } as any }),
    ],
  });
  return server;
}

describe('GET /api/mcpeeker/health', () => {
  it('answers without credentials, with the embedded defaults', async () => {
    const server = await startBackend({});
    const res = await request(server)
      .get('/api/mcpeeker/health')
      .set('Authorization', '');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      version: expect.any(String),
      dependencies: {
        database: { status: 'ok', detail: 'sqlite' },
        nats: { status: 'disabled' },
        clickhouse: { status: 'disabled' },
        // No API key: the offline judge runs, and health says so.
        judge: {
          status: 'ok',
          detail: expect.stringContaining('offline judge'),
        },
      },
    });
  });

  it('reports the JetStream stream it consumes from', async () => {
    const stream = `MCPEEKER_TEST_${Date.now()}`;
    const nc = await connect({ servers: NATS_URL });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({
      name: stream,
      subjects: [`mcptest.${Date.now()}.>`],
    });
    try {
      const server = await startBackend({
        ingest: { nats: { enabled: true, servers: [NATS_URL], stream } },
      });
      const res = await request(server).get('/api/mcpeeker/health');
      expect(res.body.dependencies.nats).toMatchObject({
        status: 'ok',
        detail: expect.stringContaining(
          `stream ${stream}, consumer mcpeeker-backend, 0 pending`,
        ),
      });
      expect(res.body.status).toBe('ok');
    } finally {
      await jsm.streams.delete(stream);
      await nc.close();
    }
  });

  it('says which dependency is down and why, without failing the portal', async () => {
    const natsPort = await freePort();
    const clickhousePort = await freePort();
    const server = await startBackend({
      ingest: {
        nats: { enabled: true, servers: [`nats://127.0.0.1:${natsPort}`] },
      },
      store: {
        kind: 'clickhouse',
        clickhouse: { url: `http://127.0.0.1:${clickhousePort}` },
      },
    });
    const res = await request(server).get('/api/mcpeeker/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('degraded');
    expect(res.body.dependencies.database.status).toBe('ok');
    expect(res.body.dependencies.nats).toMatchObject({
      status: 'down',
      error: expect.stringMatching(/refused/i),
    });
    expect(res.body.dependencies.clickhouse).toMatchObject({
      status: 'down',
      error: expect.stringContaining('ECONNREFUSED'),
    });
    // The findings store is ClickHouse: reads and ingest say it is unreachable.
    const list = await request(server)
      .get('/api/mcpeeker/findings')
      .set('Authorization', mockCredentials.user.header());
    expect(list.status).toBe(503);
    expect(list.body.error.message).toMatch(
      /ClickHouse findings store is unreachable.*ECONNREFUSED/,
    );
    const ingest = await request(server)
      .post('/api/mcpeeker/events')
      .set('Authorization', mockCredentials.service.header())
      .send({ events: [endpointEvent()] });
    expect(ingest.status).toBe(503);
  });

  it('reaches a real ClickHouse server', async () => {
    const clickhouse = await startClickHouseServer();
    try {
      const server = await startBackend({
        store: { kind: 'clickhouse', clickhouse: { url: clickhouse.url } },
      });
      const res = await request(server).get('/api/mcpeeker/health');
      expect(res.body.dependencies.clickhouse).toMatchObject({
        status: 'ok',
        detail: `${clickhouse.url} database mcpeeker`,
      });
      expect(res.body.status).toBe('ok');
    } finally {
      await clickhouse.stop();
    }
  });

  it('stores and serves findings from ClickHouse when it is the store', async () => {
    const clickhouse = await startClickHouseServer();
    try {
      const server = await startBackend({
        store: {
          kind: 'clickhouse',
          clickhouse: { url: clickhouse.url, database: 'mcpeeker_it' },
        },
      });
      const events = [endpointEvent({ port: 1 }), networkEvent({ port: 1 })];
      const sent = [];
      for (let i = 0; i < 2; i++) {
        sent.push(
          await request(server)
            .post('/api/mcpeeker/events')
            .set('Authorization', mockCredentials.service.header())
            .send({ events }),
        );
      }
      expect(
        sent.map(r => [r.status, r.body.accepted, r.body.duplicates]),
      ).toEqual([
        [202, 2, 0],
        [202, 0, 2],
      ]);
      const list = await request(server)
        .get('/api/mcpeeker/findings')
        .set('Authorization', mockCredentials.user.header());
      expect(list.status).toBe(200);
      expect(list.body.items).toHaveLength(1);
      expect(list.body.items[0]).toMatchObject({
        score: 9,
        classification: 'unauthorized',
        layers: ['endpoint', 'network'],
      });
      const detail = await request(server)
        .get(`/api/mcpeeker/findings/${list.body.items[0].compositeId}`)
        .set('Authorization', mockCredentials.user.header());
      expect(detail.body.evidence.network).toHaveLength(1);
      expect(detail.body.detections).toHaveLength(2);
      // The signature engine's hits, counted once per event however often it came.
      expect(
        detail.body.breakdown.rules.map((r: any) => [r.id, r.count]),
      ).toEqual(RULES_FOR_THESE_EVENTS);
      // What is in ClickHouse itself: one row that counts per event.
      const res = await fetch(
        `${clickhouse.url}/?query=${encodeURIComponent(
          'SELECT layer, uniqExact(event_id) FROM mcpeeker_it.events GROUP BY layer ORDER BY layer FORMAT TSV',
        )}`,
      );
      expect(await res.text()).toBe('endpoint\t1\nnetwork\t1\n');
    } finally {
      await clickhouse.stop();
    }
  });

  it('checks the Judge against the Anthropic API with the real SDK', async () => {
    const api = await startMessagesApiServer({ validKey: 'good-key' });
    try {
      const ok = await startBackend({
        judge: {
          anthropic: {
            apiKey: 'good-key',
            baseUrl: api.url,
            model: 'claude-test',
          },
        },
      });
      const okRes = await request(ok).get('/api/mcpeeker/health');
      expect(okRes.body.dependencies.judge.error).toBeUndefined();
      expect(okRes.body.dependencies.judge).toMatchObject({
        status: 'ok',
        detail: 'Claude claude-test through the Anthropic API; circuit closed',
      });
      expect(api.requests.map(r => r.path)).toContain('/v1/models/claude-test');

      const bad = await startBackend({
        judge: { anthropic: { apiKey: 'bad-key', baseUrl: api.url } },
      });
      const badRes = await request(bad).get('/api/mcpeeker/health');
      expect(badRes.body.status).toBe('degraded');
      expect(badRes.body.dependencies.judge).toMatchObject({
        status: 'down',
        error: expect.stringContaining('invalid x-api-key'),
      });
      expect(JSON.stringify(badRes.body)).not.toContain('bad-key');
    } finally {
      await api.close();
    }
  });
});

describe('startup', () => {
  it('stops the backend with a message naming a mistyped key', async () => {
    await expect(
      startBackend({ judge: { timeoutMs: 'soon' } }),
    ).rejects.toThrow(/mcpeeker\.judge\.timeoutMs/);
  });

  it('stops the backend at a bad rule file, naming file and line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpeeker-rules-'));
    fs.writeFileSync(
      path.join(dir, 'broken.yaml'),
      'rules:\n  - id: B-1\n    name: broken\n    match:\n      colour: red\n',
    );
    await expect(
      startBackend({ rules: { directories: [dir] } }),
    ).rejects.toThrow(
      /Invalid MCPeeker rule file .*broken\.yaml, line 2: rule 1: match Unrecognized key/,
    );
  });

  it('stops the backend when production lacks a required secret', async () => {
    const env = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await expect(startBackend({})).rejects.toThrow(
        /mcpeeker\.hostIdSalt is required in production/,
      );
    } finally {
      process.env.NODE_ENV = env;
    }
  });
});

describe('POST /api/mcpeeker/events', () => {
  it('accepts service credentials only', async () => {
    const server = await startBackend({});
    const post = (authorization: string) =>
      request(server)
        .post('/api/mcpeeker/events')
        .set('Authorization', authorization)
        .send({ events: [endpointEvent()] });
    expect((await post(mockCredentials.none.header())).status).toBe(401);
    expect((await post(mockCredentials.user.header())).status).toBe(403);
    expect((await post(mockCredentials.service.header())).status).toBe(202);
  });

  it('stores a batch, and a resend is only duplicates', async () => {
    const server = await startBackend({});
    const body = {
      events: [endpointEvent({ port: 1 }), endpointEvent({ port: 2 })],
    };
    const post = () =>
      request(server)
        .post('/api/mcpeeker/events')
        .set('Authorization', mockCredentials.service.header())
        .send(body);
    expect((await post()).body).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: [],
      redactedValues: 0,
    });
    expect((await post()).body).toEqual({
      accepted: 0,
      duplicates: 2,
      rejected: [],
      redactedValues: 0,
    });
  });

  it('answers a bad item with 400 naming the item, field and reason, and keeps the good ones', async () => {
    const server = await startBackend({});
    const bad: any = endpointEvent({ port: 9 });
    bad.detection.port = 'nine';
    bad.detection.source = 'port';
    const res = await request(server)
      .post('/api/mcpeeker/events')
      .set('Authorization', mockCredentials.service.header())
      .send({ events: [endpointEvent({ port: 1 }), bad] });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /^1 of 2 events are invalid \(first: item 1, .*\); the 1 valid ones were kept$/,
    );
    expect(res.body).toMatchObject({
      accepted: 1,
      rejected: [
        {
          index: 1,
          eventId: bad.eventId,
          issues: expect.arrayContaining([
            expect.objectContaining({
              field: expect.stringMatching(/^detection/),
            }),
          ]),
        },
      ],
    });
  });

  it.each([
    [{}, /events Invalid input|events.*expected array/i],
    [{ events: [] }, /events must hold at least one event/],
    [{ events: 'x' }, /events/],
    // Every problem in one answer, an unknown field named, and the shape expected.
    [
      { events: [], event: {} },
      /unknown field event \(known: events, host\); events must hold at least one event \(or come with a host status\); expected \{ "events": \[ \.\.\. \] \}/,
    ],
  ])('rejects a malformed batch %j with a reason', async (body, message) => {
    const server = await startBackend({});
    const res = await request(server)
      .post('/api/mcpeeker/events')
      .set('Authorization', mockCredentials.service.header())
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
  });

  it('can be turned off', async () => {
    const server = await startBackend({ ingest: { http: { enabled: false } } });
    const res = await request(server)
      .post('/api/mcpeeker/events')
      .set('Authorization', mockCredentials.service.header())
      .send({ events: [endpointEvent()] });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('HTTP ingest is turned off');
  });
});

describe('GET /api/mcpeeker/findings', () => {
  it('lists and explains what was ingested', async () => {
    const server = await startBackend({});
    await request(server)
      .post('/api/mcpeeker/events')
      .set('Authorization', mockCredentials.service.header())
      .send({ events: [endpointEvent(), networkEvent()] })
      .expect(202);

    const list = await request(server)
      .get(
        '/api/mcpeeker/findings?classification=unauthorized,suspect&sort=score',
      )
      .set('Authorization', mockCredentials.user.header());
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({
      totalCount: 1,
      items: [
        {
          serverName: 'github',
          score: 9,
          classification: 'unauthorized',
          layers: ['endpoint', 'network'],
        },
      ],
    });

    const id = list.body.items[0].compositeId;
    const detail = await request(server)
      .get(`/api/mcpeeker/findings/${id}`)
      .set('Authorization', mockCredentials.user.header());
    expect(detail.status).toBe(200);
    expect(detail.body.breakdown.contributions).toEqual([
      expect.objectContaining({ layer: 'endpoint', points: 6 }),
      expect.objectContaining({ layer: 'network', points: 3 }),
    ]);
    expect(detail.body.evidence.endpoint[0]).toMatchObject({
      layer: 'endpoint',
      detection: { serverName: 'github' },
    });
    expect(detail.body.evidence.network).toHaveLength(1);
  });

  it.each([
    ['classification=bad', /classification/],
    ['minScore=high', /minScore/],
    ['layer=satellite', /layer/],
    ['limit=5000', /limit/],
    ['since=yesterday', /since/],
    ['cursor=nonsense', /cursor: not a cursor this API returned/],
    ['sortt=score', /unknown parameter sortt \(known: .*\bsort\b.*\)/],
    ['text=github', /unknown parameter text \(known: .*\bq\b.*\)/],
    [
      'registry=pinned',
      /^Invalid query: registry must be unregistered, approved or tools-changed, got 'pinned'$/,
    ],
  ])(
    'answers a bad query %s with 400 naming the parameter',
    async (query, message) => {
      const server = await startBackend({});
      const res = await request(server)
        .get(`/api/mcpeeker/findings?${query}`)
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
    },
  );

  it('lists by where a finding stands with the registry, tools changed since approval included', async () => {
    const { server } = await access.start();
    const tool = (name: string, description: string) => ({
      name,
      hash: toolDefinitionHash({ name, description, inputSchema: {} }),
    });
    const probe = (tools: Array<{ name: string; hash: string }>, at: string) =>
      request(server)
        .post('/api/mcpeeker/events')
        .set(as('service'))
        .send({
          events: [
            endpointEvent({
              source: 'port',
              toolDefinitions: tools,
              observedAt: at,
            }),
          ],
        })
        .expect(202);
    const statusesListed = async (registry: string) =>
      (
        await request(server)
          .get(`/api/mcpeeker/findings?registry=${registry}`)
          .set(as('sam'))
          .expect(200)
      ).body.items.map((f: any) => [f.serverName, f.registryStatus]);

    await probe([tool('echo', 'Echoes.')], '2026-11-21T10:05:00Z');
    const entry = await request(server)
      .post('/api/mcpeeker/registry')
      .set(as('dana'))
      .send(registration())
      .expect(201);
    await request(server)
      .post(`/api/mcpeeker/registry/${entry.body.id}/approve`)
      .set(as('pat'))
      .send({})
      .expect(200);
    expect(await statusesListed('approved')).toEqual([['github', 'approved']]);
    expect(await statusesListed('tools-changed')).toEqual([]);

    // The server now offers another tool: no longer plainly approved.
    await probe(
      [tool('echo', 'Echoes.'), tool('delete_everything', 'Deletes.')],
      '2026-11-22T09:00:00Z',
    );
    expect(await statusesListed('tools-changed')).toEqual([
      ['github', 'tools-changed'],
    ]);
    expect(await statusesListed('approved')).toEqual([]);
    // Erin's server on port 4000 was never registered.
    expect(await statusesListed('unregistered')).toHaveLength(1);
  });

  it('says 404 for an unknown finding', async () => {
    const server = await startBackend({});
    const res = await request(server)
      .get('/api/mcpeeker/findings/mcp_00000000000000000000000000000000')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(404);
  });
});

describe('POST /api/mcpeeker/judge/classify', () => {
  const body = {
    toolNames: ['mcp__github__create_issue', 'mcp__github__list_issues'],
    excerpt: 'tools: mcp__github__create_issue (Create an issue)',
  };

  it('answers a service with the offline verdict in the embedded default, and refuses people', async () => {
    const server = await startBackend({});
    const res = await request(server)
      .post('/api/mcpeeker/judge/classify')
      .set('Authorization', mockCredentials.service.header())
      .send(body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      verdict: 'mcp',
      servers: ['github'],
      judgedBy: 'offline',
      explanation: expect.stringMatching(/^Offline judge/),
      cached: false,
    });
    const user = await request(server)
      .post('/api/mcpeeker/judge/classify')
      .set('Authorization', mockCredentials.user.header())
      .send(body);
    expect(user.status).toBe(403);
  });

  it('answers a bad body with 400 naming the field, without echoing it', async () => {
    const server = await startBackend({});
    const res = await request(server)
      .post('/api/mcpeeker/judge/classify')
      .set('Authorization', mockCredentials.service.header())
      .send({ toolNames: 'mcp__x__y', secret: 'sk-ant-api03-hunter2' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/toolNames/);
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
  });

  it('says 503 with the reason while Claude is unavailable, and health says the circuit is open', async () => {
    const api = await startMessagesApiServer({
      fallback: { status: 500 },
    });
    try {
      const server = await startBackend({
        judge: {
          timeoutMs: 300,
          circuit: { failures: 1, cooldownSeconds: 60 },
          anthropic: { apiKey: 'k', baseUrl: api.url, model: 'claude-test' },
        },
      });
      const res = await request(server)
        .post('/api/mcpeeker/judge/classify')
        .set('Authorization', mockCredentials.service.header())
        .send(body);
      expect(res.status).toBe(503);
      expect(res.body.error.message).toMatch(/The Judge is unavailable/);
      const health = await request(server).get('/api/mcpeeker/health');
      expect(health.body.status).toBe('degraded');
      expect(health.body.dependencies.judge).toMatchObject({
        status: 'down',
        detail: expect.stringContaining('circuit open'),
      });
    } finally {
      await api.close();
    }
  });

  it('judges a gateway event that arrives without a verdict, and the finding shows who judged', async () => {
    const server = await startBackend({});
    await request(server)
      .post('/api/mcpeeker/events')
      .set('Authorization', mockCredentials.service.header())
      .send({ events: [gatewayEvent({ unjudged: true })] })
      .expect(202);
    const list = await request(server)
      .get('/api/mcpeeker/findings?layer=gateway')
      .set('Authorization', mockCredentials.user.header());
    const detail = await request(server)
      .get(`/api/mcpeeker/findings/${list.body.items[0].compositeId}`)
      .set('Authorization', mockCredentials.user.header());
    expect(detail.body.signals).toMatchObject({
      judge: { verdict: 'mcp', judgedBy: 'offline' },
      judgeUnavailable: false,
    });
    expect(
      detail.body.breakdown.contributions.find(
        (c: any) => c.layer === 'gateway',
      ),
    ).toMatchObject({ points: 5 });
  });
});
