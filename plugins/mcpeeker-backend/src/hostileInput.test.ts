import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import {
  accessTestBackend,
  as,
  inDays,
  registration,
} from './__testUtils__/accessTestBackend';
import { compositeId } from '@mcpeeker/plugin-mcpeeker-common';
import { endpointEvent, HOST } from './__testUtils__/events';
import { STORE_TEST_DATABASE_IDS } from './__testUtils__/storeTestDatabases';

jest.setTimeout(120_000);

const access = accessTestBackend(STORE_TEST_DATABASE_IDS);

// The embedded default runs in development, where Backstage's error handler
// shows messages and stacks: what a person can reach is what is tested.
const nodeEnv = process.env.NODE_ENV;
beforeAll(() => {
  (process.env as Record<string, string>).NODE_ENV = 'development';
});
afterAll(() => {
  (process.env as Record<string, string>).NODE_ENV = nodeEnv!;
});

/**
 * A JSON body with `[[[…]]]`, `levels` deep, in place of `"NESTED"`: as
 * text, since no JSON serializer of the test's own survives it.
 */
const withNested = (body: unknown, levels: number) =>
  JSON.stringify(body).replace(
    '"NESTED"',
    `${'['.repeat(levels)}"bottom"${']'.repeat(levels)}`,
  );

const cursorOf = (value: unknown) =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

// Built, so the linter's no-script-url does not take the test's hostile input for ours.
const SCRIPT_URL = ['javascript', 'alert(1)'].join(':');

const serverJson = (overrides: Record<string, unknown> = {}) => ({
  name: `io.github.acme/hostile-${Math.random().toString(36).slice(2, 8)}`,
  description: 'A server to test hostile input with',
  version: '1.0.0',
  packages: [
    {
      registryType: 'npm',
      identifier: `@acme/hostile-${Math.random().toString(36).slice(2, 8)}`,
      transport: { type: 'stdio' },
    },
  ],
  ...overrides,
});

/** What no error body may carry back: SQL, stack frames, the request (its body, its URL). */
function expectNothingLeaks(res: request.Response, posted?: string) {
  const body = JSON.stringify(res.body);
  expect(res.body).not.toHaveProperty('request');
  expect(res.body.response).toEqual({ statusCode: res.status });
  expect(body).not.toMatch(/\bselect\b|\binsert\b|\bfrom\b.*mcpeeker_/i);
  expect(body).not.toMatch(/\n\s+at |\bat [\w.<>]+ \(/);
  if (posted) expect(body).not.toContain(posted);
}

describe.each(access.ids)('hostile input on %s', databaseId => {
  let server: any;
  let knex: Knex;

  beforeAll(async () => {
    ({ server, knex } = await access.start({}, databaseId as TestDatabaseId));
  });

  describe('JSON bodies', () => {
    it('answers a 10,000-level nested event batch with 400 naming the depth limit', async () => {
      const res = await request(server)
        .post('/api/mcpeeker/events')
        .set(as('service'))
        .set('content-type', 'application/json')
        .send(withNested({ events: ['NESTED'] }, 10_000));
      expect([res.status, res.body.error?.message]).toEqual([
        400,
        expect.stringMatching(/nested deeper than 64 levels/),
      ]);
      expectNothingLeaks(res);
    });

    it.each([
      ['POST', '/api/mcpeeker/registry/import'],
      ['POST', '/api/mcpeeker/registry'],
      ['PATCH', '/api/mcpeeker/registry/anything'],
      ['POST', '/api/mcpeeker/registry/anything/approve'],
      ['PATCH', '/api/mcpeeker/users/me/preferences'],
    ])(
      'answers a deeply nested body to %s %s with 400',
      async (method, path) => {
        const res = await request(server)
          [method.toLowerCase() as 'post' | 'patch'](path)
          .set(as('dana'))
          .set('content-type', 'application/json')
          .send(
            withNested(
              {
                serverJson: serverJson({ _meta: 'NESTED' }),
                team: 'group:default/team-a',
                expiresAt: inDays(30),
              },
              10_000,
            ),
          );
        expect([res.status, res.body.error?.message]).toEqual([
          400,
          expect.stringMatching(/nested deeper than 64 levels/),
        ]);
      },
    );

    it('still takes a body nested within the limit', async () => {
      const res = await request(server)
        .post('/api/mcpeeker/registry/import')
        .set(as('dana'))
        .set('content-type', 'application/json')
        .send(
          withNested(
            {
              serverJson: serverJson({ _meta: { deep: 'NESTED' } }),
              team: 'group:default/team-a',
              expiresAt: inDays(30),
            },
            50,
          ),
        );
      expect(res.status).toBe(201);
    });

    it('answers malformed JSON with 400 that does not echo the body', async () => {
      const posted = '{"events": [SECRET-IN-BODY-4711';
      const res = await request(server)
        .post('/api/mcpeeker/events')
        .set(as('service'))
        .set('content-type', 'application/json')
        .send(posted);
      expect(res.status).toBe(400);
      expectNothingLeaks(res, 'SECRET-IN-BODY-4711');
    });
  });

  describe('cursors', () => {
    it.each([
      ['an offset beyond 64 bits', cursorOf({ o: 9223372036854775808 })],
      ['an offset of 1e308', cursorOf({ o: 1e308 })],
      ['a negative offset', cursorOf({ o: -1 })],
      ['an unsigned offset', cursorOf({ o: 50 })],
      ['garbage', '@@@'],
    ])('answers a findings cursor with %s with 400', async (_what, cursor) => {
      const res = await request(server)
        .get(`/api/mcpeeker/findings?cursor=${encodeURIComponent(cursor)}`)
        .set(as('sam'));
      expect([res.status, res.body.error?.message]).toEqual([
        400,
        expect.stringMatching(/cursor/),
      ]);
      expectNothingLeaks(res);
    });

    it.each([
      ['/api/mcpeeker/v0.1/servers', '@@@'],
      ['/api/mcpeeker/v0.1/servers', cursorOf(5)],
      ['/api/mcpeeker/v0.1/servers', Buffer.from('5').toString('base64url')],
      ['/api/mcpeeker/registry', '@@@'],
    ])('answers %s?cursor=%s with 400', async (path, cursor) => {
      const res = await request(server)
        .get(`${path}?cursor=${encodeURIComponent(cursor)}`)
        .set(as('pat'));
      expect([res.status, res.body.error?.message]).toEqual([
        400,
        expect.stringMatching(/cursor/),
      ]);
    });

    it('answers a registry offset beyond 64 bits with 400, not a database error', async () => {
      const res = await request(server)
        .get('/api/mcpeeker/registry?offset=9223372036854775808')
        .set(as('pat'));
      expect(res.status).toBe(400);
      expectNothingLeaks(res);
    });

    it('pages with the cursor it gave, and refuses it for another query', async () => {
      await request(server)
        .post('/api/mcpeeker/events')
        .set(as('service'))
        .send({
          events: [5001, 5002, 5003].map(port => endpointEvent({ port })),
        })
        .expect(202);
      const page1 = await request(server)
        .get('/api/mcpeeker/findings?limit=2&sort=lastSeen')
        .set(as('sam'))
        .expect(200);
      const cursor = encodeURIComponent(page1.body.nextCursor);
      const page2 = await request(server)
        .get(`/api/mcpeeker/findings?limit=2&sort=lastSeen&cursor=${cursor}`)
        .set(as('sam'))
        .expect(200);
      expect(page2.body.items[0].compositeId).not.toBe(
        page1.body.items[0].compositeId,
      );
      const other = await request(server)
        .get(`/api/mcpeeker/findings?limit=2&sort=score&cursor=${cursor}`)
        .set(as('sam'));
      expect([other.status, other.body.error?.message]).toEqual([
        400,
        expect.stringMatching(/cursor .*another query/),
      ]);
      // Nor is a findings cursor one for the registry.
      const registry = await request(server)
        .get(`/api/mcpeeker/registry?cursor=${cursor}`)
        .set(as('pat'));
      expect(registry.status).toBe(400);

      for (const i of [1, 2, 3])
        await request(server)
          .post('/api/mcpeeker/registry')
          .set(as('dana'))
          .send(
            registration({
              name: `paged-${i}`,
              identity: { packageId: `@acme/paged-${i}` },
            }),
          )
          .expect(201);
      const first = await request(server)
        .get('/api/mcpeeker/registry?limit=2&status=pending')
        .set(as('pat'))
        .expect(200);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await request(server)
        .get(
          `/api/mcpeeker/registry?limit=2&status=pending&cursor=${encodeURIComponent(
            first.body.nextCursor,
          )}`,
        )
        .set(as('pat'))
        .expect(200);
      expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
      const otherFilter = await request(server)
        .get(
          `/api/mcpeeker/registry?limit=2&q=paged&cursor=${encodeURIComponent(
            first.body.nextCursor,
          )}`,
        )
        .set(as('pat'));
      expect(otherFilter.status).toBe(400);
    });
  });

  describe('server URLs and text', () => {
    it.each([
      ['websiteUrl', { websiteUrl: SCRIPT_URL }],
      ['repository.url', { repository: { url: SCRIPT_URL } }],
      [
        'remotes.0.url',
        {
          packages: undefined,
          remotes: [{ type: 'streamable-http', url: `${SCRIPT_URL}//` }],
        },
      ],
      [
        'remotes.0.url',
        {
          packages: undefined,
          remotes: [{ type: 'sse', url: 'http://mcp.example.com/sse' }],
        },
      ],
      ['websiteUrl', { websiteUrl: 'data:text/html,<script>1</script>' }],
    ])(
      'refuses a server.json whose %s is not https (or http to loopback)',
      async (field, overrides) => {
        const res = await request(server)
          .post('/api/mcpeeker/registry/import')
          .set(as('dana'))
          .send({
            serverJson: serverJson(overrides),
            team: 'group:default/team-a',
            expiresAt: inDays(30),
          });
        expect([res.status, res.body.error?.message]).toEqual([
          400,
          expect.stringContaining(`serverJson.${field} must be an https URL`),
        ]);
      },
    );

    it('takes https URLs, and http ones to this machine', async () => {
      const res = await request(server)
        .post('/api/mcpeeker/registry/import')
        .set(as('dana'))
        .send({
          serverJson: serverJson({
            websiteUrl: 'https://acme.example.com/weather',
            repository: { url: 'https://github.com/acme/weather' },
            packages: undefined,
            remotes: [
              { type: 'streamable-http', url: 'http://127.0.0.1:3000/mcp' },
              { type: 'sse', url: 'http://localhost:{port}/sse' },
              { type: 'sse', url: 'http://[::1]:8080/sse' },
            ],
          }),
          team: 'group:default/team-a',
          expiresAt: inDays(30),
        });
      expect(res.status).toBe(201);
    });

    it.each([SCRIPT_URL, 'http://mcp.example.com/mcp', 'ftp://127.0.0.1/mcp'])(
      'refuses a registration whose remoteUrl is %s',
      async url => {
        const res = await request(server)
          .post('/api/mcpeeker/registry')
          .set(as('dana'))
          .send(registration({ name: 'remote', identity: { remoteUrl: url } }));
        expect([res.status, res.body.error?.message]).toEqual([
          400,
          expect.stringContaining('identity.remoteUrl must be an https URL'),
        ]);
      },
    );

    it('refuses a stdio registration that names only a remote URL, at its transport, as the form does', async () => {
      const res = await request(server)
        .post('/api/mcpeeker/registry')
        .set(as('dana'))
        .send(
          registration({
            name: 'remote-stdio',
            transport: 'stdio',
            identity: { remoteUrl: 'https://mcp.notion.com/mcp' },
          }),
        );
      expect([res.status, res.body.error?.message]).toEqual([
        400,
        expect.stringContaining(
          'transport stdio runs a command on the host: give its package, or choose Streamable HTTP or SSE for a server at a remote URL',
        ),
      ]);
    });

    it.each([
      ['purpose', { purpose: 'Reads issues\u0000 of our repositories' }],
      ['name', { name: 'nul\u0000name' }],
      [
        'identity.packageId',
        { identity: { packageId: '@acme/nul\u0000package' } },
      ],
    ])(
      'refuses a NUL byte in %s with 400 naming the field',
      async (field, overrides) => {
        const res = await request(server)
          .post('/api/mcpeeker/registry')
          .set(as('dana'))
          .send(registration(overrides));
        expect([res.status, res.body.error?.message]).toEqual([
          400,
          expect.stringContaining(`${field} must not contain NUL`),
        ]);
      },
    );

    it('refuses a NUL byte in a server.json, an edit and a query with 400', async () => {
      const imported = await request(server)
        .post('/api/mcpeeker/registry/import')
        .set(as('dana'))
        .send({
          serverJson: serverJson({ title: 'Hostile\u0000title' }),
          team: 'group:default/team-a',
          expiresAt: inDays(30),
        });
      expect([imported.status, imported.body.error?.message]).toEqual([
        400,
        expect.stringContaining('serverJson.title must not contain NUL'),
      ]);
      const entry = await request(server)
        .post('/api/mcpeeker/registry')
        .set(as('dana'))
        .send(
          registration({
            name: 'nul-edit',
            identity: { packageId: '@acme/nul-edit' },
          }),
        )
        .expect(201);
      const edit = await request(server)
        .patch(`/api/mcpeeker/registry/${entry.body.id}`)
        .set(as('dana'))
        .send({ purpose: 'A new purpose with \u0000 in it' });
      expect([edit.status, edit.body.error?.message]).toEqual([
        400,
        expect.stringContaining('purpose must not contain NUL'),
      ]);
      for (const path of [
        '/api/mcpeeker/findings?q=%00',
        '/api/mcpeeker/registry?q=%00',
        '/api/mcpeeker/registry/%00',
        '/api/mcpeeker/findings/%00',
      ]) {
        const res = await request(server).get(path).set(as('pat'));
        expect([path, res.status]).toEqual([path, 400]);
      }
    });

    it('stores HTML in text fields as text', async () => {
      const purpose = '<img src=x onerror=alert(1)> reads our issues';
      const res = await request(server)
        .post('/api/mcpeeker/registry')
        .set(as('dana'))
        .send(
          registration({
            name: 'html-purpose',
            purpose,
            identity: { packageId: '@acme/html' },
          }),
        )
        .expect(201);
      const read = await request(server)
        .get(`/api/mcpeeker/registry/${res.body.id}`)
        .set(as('dana'))
        .expect(200);
      expect(read.body.purpose).toBe(purpose);
    });
  });

  describe("the analyst's routes", () => {
    const finding = compositeId({ hostIdHash: HOST, port: 3001 });
    const NUL = 'a\u0000b';
    const hostile: Array<
      [
        method: 'get' | 'post' | 'patch' | 'delete',
        path: string,
        body?: unknown,
      ]
    > = [
      ['get', '/analytics/summary?since=%00'],
      ['get', '/analytics/trendlines?bucket=%00'],
      ['get', '/analytics/trendlines?bucket=hour&since=2020-01-01T00:00:00Z'],
      ['get', '/analytics/trendlines?since[$gt]=1'],
      ['get', '/analytics/trendlines?until=99999-01-01T00:00:00Z'],
      ['get', '/analytics/score-distribution?classification=%27%20or%201=1--'],
      ['get', '/findings/export?format=%00'],
      ['get', '/findings/export?status=open,%00'],
      ['get', '/findings/export?suppressed=maybe'],
      ['get', `/findings/export?q=${'x'.repeat(5000)}`],
      ['get', '/findings?assignee=%00'],
      ['get', '/findings?verdict=true-positive,yes'],
      ['get', '/findings/%27%20or%201%3D1--/timeline'],
      ['get', `/findings/mcp_${'0'.repeat(32)}/timeline`],
      ['get', '/suppressions?active=yes'],
      ['post', `/findings/${finding}/feedback`, { verdict: 'x' }],
      ['post', `/findings/${finding}/feedback`, { verdict: { $ne: 1 } }],
      ['post', `/findings/${finding}/feedback`, []],
      [
        'post',
        `/findings/${finding}/feedback`,
        { verdict: 'inconclusive', note: NUL },
      ],
      [
        'post',
        `/findings/${finding}/feedback`,
        { verdict: 'true-positive', tags: ['A B', '<script>'] },
      ],
      [
        'post',
        `/findings/${finding}/feedback`,
        { verdict: 'false-positive', suppress: { scope: 'everything' } },
      ],
      ['patch', `/findings/${finding}/triage`, { status: 'done' }],
      ['patch', `/findings/${finding}/triage`, { assignee: 'not a ref' }],
      ['patch', `/findings/${finding}/triage`, {}],
      ['patch', `/findings/${finding}/triage`, 'status=open'],
      [
        'post',
        '/suppressions',
        { scope: 'finding', compositeId: "'; drop table x--", reason: 'r' },
      ],
      [
        'post',
        '/suppressions',
        {
          scope: 'server-on-team',
          serverName: 'github',
          team: 'group:default/nobody-here',
          reason: 'r',
        },
      ],
      [
        'post',
        '/suppressions',
        {
          scope: 'finding',
          compositeId: finding,
          reason: 'r',
          expiresAt: '9999-01-01T00:00:00Z',
        },
      ],
      ['post', '/suppressions', { scope: 'finding', compositeId: finding }],
      ['delete', '/suppressions/%00'],
      ['delete', '/suppressions/not-a-suppression'],
    ];

    // Every row three long: a shorter one would make jest pass its `done` callback as the body.
    it.each(hostile.map(([method, path, body]) => [method, path, body]))(
      'answers %s %s with a 4xx naming what is wrong, leaking nothing',
      async (method, path, body) => {
        const req = request(server)
          [method](`/api/mcpeeker${path}`)
          .set(as('pat'));
        const res = await (body === undefined ? req : req.send(body as any));
        expect([400, 404, 409]).toContain(res.status);
        expect(res.body.error.message).toEqual(expect.any(String));
        expectNothingLeaks(
          res,
          typeof body === 'object' && body ? JSON.stringify(body) : undefined,
        );
      },
    );
  });

  it('takes a __proto__ key in feedback as nothing: no prototype is touched', async () => {
    const res = await request(server)
      .post(
        `/api/mcpeeker/findings/${compositeId({
          hostIdHash: HOST,
          port: 3001,
        })}/feedback`,
      )
      .set(as('sam'))
      .set('Content-Type', 'application/json')
      .send('{"verdict":"inconclusive","__proto__":{"polluted":true}}');
    expect([201, 400]).toContain(res.status);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  describe('unexpected errors', () => {
    it('answer 500 with a generic message and a log id, never SQL, stack or body', async () => {
      // The last test of the engine: the stores' tables are gone.
      await knex.schema.dropTable('mcpeeker_findings');
      await knex.schema.dropTable('mcpeeker_registry_entries');
      const list = await request(server)
        .get('/api/mcpeeker/findings')
        .set(as('sam'));
      expect([list.status, list.body.error?.message]).toEqual([
        500,
        expect.stringMatching(/^An internal error occurred logId=\w+$/),
      ]);
      expectNothingLeaks(list);
      const posted = 'MARKER-purpose-of-a-posted-body';
      const create = await request(server)
        .post('/api/mcpeeker/registry')
        .set(as('dana'))
        .send(registration({ name: 'after-drop', purpose: posted }));
      expect(create.status).toBe(500);
      expectNothingLeaks(create, posted);
    });
  });
});
