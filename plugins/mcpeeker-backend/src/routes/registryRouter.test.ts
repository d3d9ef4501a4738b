import { compositeId } from '@mcpeeker/plugin-mcpeeker-common';
import { Knex } from 'knex';
import request from 'supertest';
import {
  as,
  inDays,
  registration,
  accessTestBackend,
} from '../__testUtils__/accessTestBackend';
import { endpointEvent, HOST } from '../__testUtils__/events';

jest.setTimeout(60_000);

const access = accessTestBackend();
let knex: Knex;
let server: any;
let notices: Array<{ recipients: any; payload: any }>;

beforeAll(async () => {
  ({ server, knex, notices } = await access.start());
});

describe('registry', () => {
  let id: string;

  it('takes a developer’s registration as pending, and says what is wrong with a bad one', async () => {
    const res = await request(server)
      .post('/api/mcpeeker/registry')
      .set(as('dana'))
      .send(registration());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'pending',
      owner: 'user:default/dana',
      createdBy: 'user:default/dana',
    });
    id = res.body.id;

    const bad: Array<[Record<string, unknown>, number, RegExp]> = [
      [{}, 409, /already registered/],
      [{ purpose: 'short' }, 400, /purpose must be at least 10 characters/],
      [{ purpose: 'x'.repeat(1025) }, 400, /purpose must be at most 1024/],
      [{ expiresAt: inDays(400) }, 400, /expiresAt must be at most 365 days/],
      [{ expiresAt: inDays(-1) }, 400, /expiresAt must be in the future/],
      [
        { team: 'group:default/ghosts' },
        400,
        /team group:default\/ghosts is not in the catalog/,
      ],
      [{ owner: 'user:default/erin' }, 400, /owner must be you/],
      [{ identity: {} }, 400, /identity needs at least one of/],
      [{ transport: 'carrier-pigeon' }, 400, /transport/],
      // The schema's own words, as the form shows them beside Name and Version.
      [{ name: '' }, 400, /^Invalid registration: name must not be empty;/],
      [
        { name: 'g'.repeat(129) },
        400,
        /^Invalid registration: name must be at most 128 characters$/,
      ],
      // The same server at another version: dana has it registered.
      [
        { identity: { hostIdHash: HOST, port: 3001, packageVersion: '2.0.0' } },
        409,
        /^identity: this server is already registered as github-mcp \(entry [0-9a-f-]+, pending, unpinned\) and waits for the admins: an owner or team has one version of a server waiting at a time\. For version 2\.0\.0, register it once that entry is decided, or withdraw that entry and register again$/,
      ],
      [
        {
          identity: {
            packageId: '@modelcontextprotocol/server-github',
            packageVersion: 'latest; rm -rf /',
          },
        },
        400,
        /^Invalid registration: identity\.packageVersion must be a version such as 1\.2\.3: letters, digits and \. _ \+ - only, starting with a letter or digit$/,
      ],
    ];
    for (const [overrides, status, message] of bad) {
      const r = await request(server)
        .post('/api/mcpeeker/registry')
        .set(as('dana'))
        .send(registration({ port: undefined, ...overrides }));
      expect([r.status, r.body.error?.message]).toEqual([
        status,
        expect.stringMatching(message),
      ]);
    }
    // Nothing of that was stored.
    const all = await request(server)
      .get('/api/mcpeeker/registry')
      .set(as('pat'));
    expect(all.body.totalCount).toBe(1);
  });

  it.each([
    // who, list count, get, patch, approve, audit
    ['dana', 1, 200, 200, 403, 403],
    ['erin', 0, 404, 404, 404, 403],
    ['sam', 1, 200, 403, 403, 200],
    ['nobody', null, 403, 403, 403, 403],
    ['service', null, 403, 403, 403, 403],
    ['unauthenticated', null, 401, 401, 401, 401],
  ] as const)(
    'answers %s with exactly what their role allows',
    async (who, listCount, get, patch, approve, audit) => {
      const list = await request(server)
        .get('/api/mcpeeker/registry')
        .set(as(who));
      const listed =
        list.status === 200
          ? [list.status, list.body.totalCount, list.body.items.length]
          : [list.status];
      expect(listed).toEqual(
        listCount === null ? [get] : [200, listCount, listCount],
      );
      expect(
        (await request(server).get(`/api/mcpeeker/registry/${id}`).set(as(who)))
          .status,
      ).toBe(get);
      const p = await request(server)
        .patch(`/api/mcpeeker/registry/${id}`)
        .set(as(who))
        .send({ purpose: 'Reads issues and pull requests for triage' });
      expect(p.status).toBe(patch);
      const a = await request(server)
        .post(`/api/mcpeeker/registry/${id}/approve`)
        .set(as(who))
        .send({});
      expect(a.status).toBe(approve);
      // A 404 never tells that the entry exists.
      expect(a.status === 404 ? a.body.error.message : undefined).toBe(
        approve === 404 ? `No registry entry ${id}` : undefined,
      );
      expect(
        (await request(server).get('/api/mcpeeker/audit/verify').set(as(who)))
          .status,
      ).toBe(audit);
    },
  );

  it('lets an admin approve: the matching finding drops by 6; revoke brings it back', async () => {
    const findingId = compositeId({ hostIdHash: HOST, port: 3001 });
    const before = await request(server)
      .get(`/api/mcpeeker/findings/${findingId}`)
      .set(as('sam'));
    expect(before.body).toMatchObject({
      score: 6,
      registryStatus: 'unregistered',
    });

    const approved = await request(server)
      .post(`/api/mcpeeker/registry/${id}/approve`)
      .set(as('pat'))
      .send({ reason: 'needed for triage' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'approved',
      decidedBy: 'user:default/pat',
      rescoredFindings: 1,
    });
    // The admins heard of the registration, the owner and team of the decision.
    expect(notices.map(n => [n.payload.title, n.recipients.entityRef])).toEqual(
      [
        [
          "MCP server 'github-mcp' awaits approval",
          ['group:default/platform-admins'],
        ],
        [
          "MCP registration 'github-mcp' was approved",
          ['user:default/dana', 'group:default/team-a'],
        ],
        // The admins' "awaits approval" is replaced in place: nothing to do any more.
        [
          "MCP server 'github-mcp' no longer awaits approval: approved",
          ['group:default/platform-admins'],
        ],
      ],
    );
    expect(notices[2].payload).toMatchObject({
      scope: notices[0].payload.scope,
      description:
        'Nothing to do: user:default/pat approved it (needed for triage).',
      link: `/mcpeeker/registry/${id}`,
    });
    const after = await request(server)
      .get(`/api/mcpeeker/findings/${findingId}`)
      .set(as('sam'));
    expect(after.body).toMatchObject({
      score: 0,
      classification: 'authorized',
      registryStatus: 'approved',
    });
    expect(after.body.breakdown.contributions).toContainEqual(
      expect.objectContaining({ layer: 'registry', points: -6 }),
    );

    // Detection sees what the entry describes.
    const verified = await request(server)
      .post(`/api/mcpeeker/registry/${id}/verify`)
      .set(as('dana'));
    expect(verified.body).toMatchObject({
      detected: true,
      matches: [{ compositeId: findingId, registryStatus: 'approved' }],
    });
    expect(
      (
        await request(server)
          .post(`/api/mcpeeker/registry/${id}/verify`)
          .set(as('erin'))
      ).status,
    ).toBe(404);

    // Illegal transitions change nothing.
    for (const decision of ['approve', 'deny']) {
      const r = await request(server)
        .post(`/api/mcpeeker/registry/${id}/${decision}`)
        .set(as('pat'))
        .send({});
      expect([r.status, r.body.error.message]).toEqual([
        409,
        expect.stringContaining('that is approved'),
      ]);
    }
    await request(server)
      .post(`/api/mcpeeker/registry/${id}/revoke`)
      .set(as('pat'))
      .send({})
      .expect(200);
    const revoked = await request(server)
      .get(`/api/mcpeeker/findings/${findingId}`)
      .set(as('sam'));
    expect(revoked.body).toMatchObject({
      score: 6,
      registryStatus: 'unregistered',
    });
  });

  it('shows a developer only findings of their own endpoints, in lists and counts', async () => {
    const dana = await request(server)
      .get('/api/mcpeeker/findings')
      .set(as('dana'));
    expect(dana.body.totalCount).toBe(1);
    expect(dana.body.items.map((f: any) => f.owner)).toEqual([
      'user:default/dana',
    ]);
    const erinsId = compositeId({ hostIdHash: HOST, port: 4000 });
    const foreign = await request(server)
      .get(`/api/mcpeeker/findings/${erinsId}`)
      .set(as('dana'));
    expect([foreign.status, foreign.body.error.message]).toEqual([
      404,
      `No finding ${erinsId}`,
    ]);
    expect(
      (await request(server).get('/api/mcpeeker/findings').set(as('sam'))).body
        .totalCount,
    ).toBe(2);
    expect(
      (await request(server).get('/api/mcpeeker/findings').set(as('nobody')))
        .status,
    ).toBe(403);
    expect(
      (await request(server).get('/api/mcpeeker/findings').set(as('service')))
        .status,
    ).toBe(403);
  });

  it('lists the audit by entry or by who acted', async () => {
    const byPat = await request(server)
      .get('/api/mcpeeker/audit?actor=user:default/pat')
      .set(as('sam'));
    expect(byPat.body.items.map((r: any) => [r.action, r.actor])).toEqual([
      ['revoke', 'user:default/pat'],
      ['approve', 'user:default/pat'],
    ]);
    // Each row names its entry, not only the registration's row.
    expect(byPat.body.items.map((r: any) => r.entryName)).toEqual([
      'github-mcp',
      'github-mcp',
    ]);
    expect(
      (
        await request(server)
          .get('/api/mcpeeker/audit?actor=user:default/pat')
          .set(as('dana'))
      ).status,
    ).toBe(403);
  });

  it('keeps an audit chain that names the first row edited or removed', async () => {
    const ok = await request(server)
      .get('/api/mcpeeker/audit/verify')
      .set(as('pat'));
    expect(ok.body).toEqual({ ok: true, rows: 4 });
    const trail = await request(server)
      .get(`/api/mcpeeker/audit?entry=${id}`)
      .set(as('pat'));
    expect(trail.body.items.map((r: any) => r.action)).toEqual([
      'revoke',
      'approve',
      'update',
      'create',
    ]);

    await knex('mcpeeker_audit')
      .where('seq', 3)
      .update({ actor: 'user:default/mallory' });
    const edited = await request(server)
      .get('/api/mcpeeker/audit/verify')
      .set(as('pat'));
    expect(edited.body).toMatchObject({
      ok: false,
      firstBadSeq: 3,
      problem: 'edited',
    });

    await knex('mcpeeker_audit').where('seq', 3).delete();
    const removed = await request(server)
      .get('/api/mcpeeker/audit/verify')
      .set(as('pat'));
    expect(removed.body).toMatchObject({
      ok: false,
      firstBadSeq: 3,
      problem: 'removed',
    });
  });

  it('lets an admin delete (soft): the entry is gone from lists, its audit stays', async () => {
    await request(server)
      .delete(`/api/mcpeeker/registry/${id}`)
      .set(as('dana'))
      .expect(403);
    await request(server)
      .delete(`/api/mcpeeker/registry/${id}`)
      .set(as('pat'))
      .expect(204);
    expect(
      (await request(server).get(`/api/mcpeeker/registry/${id}`).set(as('pat')))
        .status,
    ).toBe(404);
    expect(
      await knex('mcpeeker_registry_entries').where('id', id).first(),
    ).toMatchObject({
      id,
      deleted_at: expect.anything(),
    });
  });
});

describe('server.json import and the MCP Registry API view', () => {
  const serverJson = {
    $schema:
      'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json',
    name: 'io.github.acme/weather',
    description: 'Weather forecasts for the whole company',
    version: '1.2.0',
    packages: [
      {
        registryType: 'npm',
        identifier: '@acme/weather-mcp',
        version: '1.2.0',
        transport: { type: 'stdio' },
      },
    ],
  };

  it('imports an official server.json, and refuses a bad one naming the field', async () => {
    const bad = await request(server)
      .post('/api/mcpeeker/registry/import')
      .set(as('dana'))
      .send({
        serverJson: { ...serverJson, version: '^1.2.0', name: 'weather' },
        team: 'group:default/team-a',
        expiresAt: inDays(30),
      });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(
      /serverJson\.name must be reverse-DNS/,
    );
    expect(bad.body.error.message).toMatch(
      /serverJson\.version must be a specific version/,
    );

    const res = await request(server)
      .post('/api/mcpeeker/registry/import')
      .set(as('dana'))
      .send({
        serverJson,
        team: 'group:default/team-a',
        expiresAt: inDays(30),
      });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'io.github.acme/weather',
      purpose: 'Weather forecasts for the whole company',
      transport: 'stdio',
      identity: { packageId: '@acme/weather-mcp', packageVersion: '1.2.0' },
      status: 'pending',
    });
    // Pending entries are not in the allowlist yet.
    const before = await request(server)
      .get('/api/mcpeeker/v0.1/servers')
      .set(as('sam'));
    expect(before.body.servers).toEqual([]);
    await request(server)
      .post(`/api/mcpeeker/registry/${res.body.id}/approve`)
      .set(as('pat'))
      .send({})
      .expect(200);
  });

  it('serves approved entries as MCP Registry API v0.1 servers', async () => {
    expect(
      (await request(server).get('/api/mcpeeker/v0.1/servers')).status,
    ).toBe(401);
    const list = await request(server)
      .get('/api/mcpeeker/v0.1/servers')
      .set(as('sam'));
    expect(list.status).toBe(200);
    expect(list.body.metadata).toEqual({ count: 1 });
    expect(list.body.servers[0]).toMatchObject({
      server: serverJson,
      _meta: {
        'io.modelcontextprotocol.registry/official': {
          status: 'active',
          isLatest: true,
        },
      },
    });
    const name = encodeURIComponent('io.github.acme/weather');
    const latest = await request(server)
      .get(`/api/mcpeeker/v0.1/servers/${name}/versions/latest`)
      .set(as('sam'));
    expect(latest.body.server.version).toBe('1.2.0');
    const exact = await request(server)
      .get(`/api/mcpeeker/v0.1/servers/${name}/versions/1.2.0`)
      .set(as('sam'));
    expect(exact.status).toBe(200);
    const versions = await request(server)
      .get(`/api/mcpeeker/v0.1/servers/${name}/versions`)
      .set(as('sam'));
    expect(versions.body.servers).toHaveLength(1);
    for (const path of [
      `/api/mcpeeker/v0.1/servers/${name}/versions/9.9.9`,
      `/api/mcpeeker/v0.1/servers/${encodeURIComponent(
        'io.github.acme/nothing',
      )}/versions`,
    ])
      expect((await request(server).get(path).set(as('sam'))).status).toBe(404);
    expect(
      (
        await request(server)
          .get('/api/mcpeeker/v0.1/servers?search=weath')
          .set(as('sam'))
      ).body.servers,
    ).toHaveLength(1);
    expect(
      (
        await request(server)
          .get('/api/mcpeeker/v0.1/servers?search=nothing')
          .set(as('sam'))
      ).body.servers,
    ).toHaveLength(0);
    const badCursor = await request(server)
      .get('/api/mcpeeker/v0.1/servers?cursor=xyz')
      .set(as('sam'));
    expect([badCursor.status, badCursor.body.error.message]).toEqual([
      400,
      'Invalid query parameter cursor: not a cursor this API returned; start again without it',
    ]);
  });
});

describe('catalog entities for the catalog module', () => {
  const catalogToken = () => as('catalog').Authorization!;

  it('gives the catalog one MCPServer entity per entry and per unregistered server name, and nobody else', async () => {
    for (const who of ['service', 'sam', 'pat', 'unauthenticated'])
      expect(
        (
          await request(server)
            .get('/api/mcpeeker/catalog/entities')
            .set(as(who))
        ).status,
      ).toBe(who === 'unauthenticated' ? 401 : 403);
    const res = await request(server)
      .get('/api/mcpeeker/catalog/entities')
      .set('Authorization', catalogToken());
    expect(res.status).toBe(200);
    const byTitle = Object.fromEntries(
      res.body.entities.map((e: any) => [e.metadata.title, e]),
    );
    // The weather import (approved, never detected); the deleted github entry is gone;
    // github itself is detected and unregistered again.
    expect(Object.keys(byTitle).sort()).toEqual([
      'github',
      'io.github.acme/weather',
    ]);
    // Approved: open to the organisation, without who registered it or when it expires.
    const weather = byTitle['io.github.acme/weather'];
    expect(weather).toMatchObject({
      apiVersion: 'mcpeeker.io/v1alpha1',
      kind: 'MCPServer',
      spec: {
        owner: 'group:default/team-a',
        lifecycle: 'production',
        packageId: '@acme/weather-mcp',
        registry: { status: 'approved' },
      },
    });
    expect(weather.metadata.annotations).not.toHaveProperty(
      'mcpeeker.io/restricted-to',
    );
    expect(weather.metadata.annotations).not.toHaveProperty(
      'mcpeeker.io/registered-by',
    );
    expect(weather.spec.registry).not.toHaveProperty('expiresAt');
    // Only detected: restricted to the endpoint's owner, under an opaque
    // name, and no entity carries what detection saw (it depends on who asks).
    expect(byTitle.github).toMatchObject({
      metadata: {
        name: expect.stringMatching(/^mcp-[0-9a-f]{16}$/),
        annotations: { 'mcpeeker.io/restricted-to': 'user:default/dana' },
      },
      spec: {
        owner: 'user:default/dana',
        lifecycle: 'experimental',
        registry: { status: 'unregistered' },
      },
    });
    for (const entity of res.body.entities)
      expect(entity.spec).not.toHaveProperty('detection');
    const entryId =
      byTitle['io.github.acme/weather'].metadata.annotations[
        'mcpeeker.io/registry-entry-id'
      ];
    const one = await request(server)
      .get(`/api/mcpeeker/catalog/entities?entry=${entryId}`)
      .set('Authorization', catalogToken());
    expect(one.body.entities).toHaveLength(1);
    // Approved: the restricted name it had while pending goes.
    expect(one.body.removed).toEqual([
      `mcpserver:default/mcp-${entryId.slice(0, 8)}`,
    ]);
    // A deleted entry's entity is to be removed.
    const deleted = await knex('mcpeeker_registry_entries')
      .whereNotNull('deleted_at')
      .first('id');
    const gone = await request(server)
      .get(`/api/mcpeeker/catalog/entities?entry=${deleted.id}`)
      .set('Authorization', catalogToken());
    expect(gone.body).toEqual({
      entities: [],
      removed: [
        `mcpserver:default/github-mcp-${deleted.id.slice(0, 8)}`,
        `mcpserver:default/mcp-${deleted.id.slice(0, 8)}`,
      ],
    });
  });
});

describe('preferences', () => {
  it('keeps each person’s own finding-alert preferences, and says what is wrong with a bad change', async () => {
    const get = (who: string) =>
      request(server).get('/api/mcpeeker/users/me/preferences').set(as(who));
    expect((await get('dana')).body).toEqual({
      findingAlerts: { enabled: true, minScore: 9 },
    });
    const bad = await request(server)
      .patch('/api/mcpeeker/users/me/preferences')
      .set(as('dana'))
      .send({ findingAlerts: { minScore: 50, colour: 'red' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/findingAlerts\.minScore .*20/);
    expect(bad.body.error.message).toMatch(/colour/);
    const ok = await request(server)
      .patch('/api/mcpeeker/users/me/preferences')
      .set(as('dana'))
      .send({ findingAlerts: { minScore: 5 } });
    expect(ok.body).toEqual({ findingAlerts: { enabled: true, minScore: 5 } });
    expect((await get('dana')).body.findingAlerts.minScore).toBe(5);
    expect((await get('erin')).body.findingAlerts.minScore).toBe(9);
    expect((await get('service')).status).toBe(403);
    expect((await get('unauthenticated')).status).toBe(401);
  });
});

describe('ownership through registration', () => {
  it('lets whoever registered an approved entry see the findings it stands for, though the endpoint is someone else’s', async () => {
    const findingId = compositeId({ hostIdHash: HOST, port: 3001 });
    const before = await request(server)
      .get(`/api/mcpeeker/findings/${findingId}`)
      .set(as('erin'));
    expect(before.status).toBe(404);
    // dana's entry for this server was revoked and deleted above: erin registers it.
    const created = await request(server)
      .post('/api/mcpeeker/registry')
      .set(as('erin'))
      .send(registration({ team: 'group:default/team-b' }));
    expect(created.status).toBe(201);
    // Pending is not enough.
    expect(
      (
        await request(server).get('/api/mcpeeker/findings').set(as('erin'))
      ).body.items.map((f: any) => f.compositeId),
    ).not.toContain(findingId);
    await request(server)
      .post(`/api/mcpeeker/registry/${created.body.id}/approve`)
      .set(as('pat'))
      .send({})
      .expect(200);
    const list = await request(server)
      .get('/api/mcpeeker/findings')
      .set(as('erin'));
    expect(
      list.body.items.map((f: any) => [
        f.compositeId,
        f.owner,
        f.registryOwner,
      ]),
    ).toContainEqual([findingId, 'user:default/dana', 'user:default/erin']);
    expect(
      (
        await request(server)
          .get(`/api/mcpeeker/findings/${findingId}`)
          .set(as('erin'))
      ).status,
    ).toBe(200);
  });
});

describe('an owner changes, and withdraws, their registration', () => {
  const findingId = compositeId({ hostIdHash: HOST, port: 3001 });
  let id: string;

  it('lists the entries that stand for a finding, pending ones too', async () => {
    id = (
      await request(server)
        .post('/api/mcpeeker/registry')
        .set(as('dana'))
        .send(
          registration({
            name: 'github-again',
            identity: { compositeId: findingId },
          }),
        )
        .expect(201)
    ).body.id;
    const forFinding = (who: string, query: string) =>
      request(server)
        .get(`/api/mcpeeker/registry?${query}`)
        .set(as(who))
        .then(r => r.body.items?.map((e: any) => [e.name, e.status]));
    expect(await forFinding('dana', `finding=${findingId}`)).toEqual([
      ['github-again', 'pending'],
    ]);
    // Not by name alone: the entry names another server (its composite id),
    // and scoring would not count it for this one (`entryStandsFor`).
    expect(
      await forFinding(
        'sam',
        `finding=${compositeId({
          hostIdHash: HOST,
          port: 9999,
        })}&serverName=github-again`,
      ),
    ).toEqual([]);
    // Erin may not read Dana's pending entry: only her team's approved one stands for it, as far as she knows.
    expect(await forFinding('erin', `finding=${findingId}`)).toEqual([
      ['github-mcp', 'approved'],
    ]);
    const bad = await request(server)
      .get('/api/mcpeeker/registry?finding=github')
      .set(as('sam'));
    expect([bad.status, bad.body.error.message]).toEqual([
      400,
      expect.stringMatching(/finding must be a composite id/),
    ]);
  });

  it('lets the owner move it to another team of the catalog, and renew it', async () => {
    const ghost = await request(server)
      .patch(`/api/mcpeeker/registry/${id}`)
      .set(as('dana'))
      .send({ team: 'group:default/ghosts' });
    expect([ghost.status, ghost.body.error.message]).toEqual([
      400,
      expect.stringMatching(/team group:default\/ghosts is not in the catalog/),
    ]);
    const moved = await request(server)
      .patch(`/api/mcpeeker/registry/${id}`)
      .set(as('dana'))
      .send({ team: 'group:default/team-b', expiresAt: inDays(365) });
    expect(moved.status).toBe(200);
    expect(moved.body.team).toBe('group:default/team-b');
    expect(Date.parse(moved.body.expiresAt)).toBeGreaterThan(
      Date.now() + 364 * 86_400_000,
    );
    const tooLong = await request(server)
      .patch(`/api/mcpeeker/registry/${id}`)
      .set(as('dana'))
      .send({ expiresAt: inDays(400) });
    expect([tooLong.status, tooLong.body.error.message]).toEqual([
      400,
      expect.stringMatching(/expiresAt must be at most 365 days/),
    ]);
  });

  it('lets the owner withdraw it while pending; the admins hear nothing waits any more', async () => {
    for (const [who, status] of [
      ['erin', 404],
      ['sam', 403],
      ['unauthenticated', 401],
    ] as const)
      expect(
        (
          await request(server)
            .post(`/api/mcpeeker/registry/${id}/withdraw`)
            .set(as(who))
            .send({})
        ).status,
      ).toBe(status);
    const before = notices.length;
    await request(server)
      .post(`/api/mcpeeker/registry/${id}/withdraw`)
      .set(as('dana'))
      .send({})
      .expect(204);
    expect(
      (await request(server).get(`/api/mcpeeker/registry/${id}`).set(as('pat')))
        .status,
    ).toBe(404);
    expect(
      notices
        .slice(before)
        .map(n => [n.payload.title, n.payload.scope, n.recipients.entityRef]),
    ).toEqual([
      [
        "MCP server 'github-again' no longer awaits approval: withdrawn",
        `mcpeeker-registry:${id}:submitted`,
        ['group:default/platform-admins'],
      ],
    ]);
    const trail = await request(server)
      .get(`/api/mcpeeker/audit?entry=${id}`)
      .set(as('pat'));
    expect(trail.body.items.map((r: any) => [r.action, r.actor])).toEqual([
      ['withdraw', 'user:default/dana'],
      ['update', 'user:default/dana'],
      ['create', 'user:default/dana'],
    ]);
  });

  it('lets the owner withdraw an approved entry they no longer use: its findings are scored without it, it leaves the allowlist, the team and admins hear of it', async () => {
    // Dana's filesystem server on port 3011, found and then approved.
    const port = 3011;
    const found = compositeId({ hostIdHash: HOST, port });
    await request(server)
      .post('/api/mcpeeker/events')
      .set(as('service'))
      .send({ events: [endpointEvent({ port })] })
      .expect(202);
    const approvedId = (
      await request(server)
        .post('/api/mcpeeker/registry')
        .set(as('dana'))
        .send(
          registration({
            name: 'files',
            identity: { hostIdHash: HOST, port },
          }),
        )
        .expect(201)
    ).body.id;
    await request(server)
      .post(`/api/mcpeeker/registry/${approvedId}/approve`)
      .set(as('pat'))
      .send({})
      .expect(200);
    const findingOf = async () =>
      (
        await request(server)
          .get(`/api/mcpeeker/findings/${found}`)
          .set(as('sam'))
          .expect(200)
      ).body;
    const allowlisted = async () =>
      (
        await request(server).get('/api/mcpeeker/v0.1/servers').set(as('sam'))
      ).body.servers.map((s: any) => s.server.title);
    const approved = await findingOf();
    expect(approved.registryStatus).toBe('approved');
    expect(await allowlisted()).toContain('files');

    // Only its owner: erin cannot see it, sam may not edit it.
    for (const [who, status] of [
      ['erin', 404],
      ['sam', 403],
    ] as const)
      expect(
        (
          await request(server)
            .post(`/api/mcpeeker/registry/${approvedId}/withdraw`)
            .set(as(who))
            .send({})
        ).status,
      ).toBe(status);
    const before = notices.length;
    await request(server)
      .post(`/api/mcpeeker/registry/${approvedId}/withdraw`)
      .set(as('dana'))
      .send({})
      .expect(204);
    expect(
      (
        await request(server)
          .get(`/api/mcpeeker/registry/${approvedId}`)
          .set(as('pat'))
      ).status,
    ).toBe(404);
    const after = await findingOf();
    expect(after.registryStatus).toBe('unregistered');
    expect(after.score).toBeGreaterThan(approved.score);
    expect(await allowlisted()).not.toContain('files');
    // Her team and the admins hear of it; no "no longer awaits approval".
    expect(
      notices
        .slice(before)
        .map(n => [
          n.payload.title,
          n.payload.description,
          n.recipients.entityRef,
        ]),
    ).toEqual([
      [
        "MCP registration 'files' was withdrawn",
        'user:default/dana withdrew its approved registration: its detections are scored as unregistered again, and it is no longer on the enforcement allowlist.',
        ['group:default/team-a', 'group:default/platform-admins'],
      ],
    ]);
    const trail = await request(server)
      .get(`/api/mcpeeker/audit?entry=${approvedId}`)
      .set(as('pat'));
    expect(trail.body.items.map((r: any) => [r.action, r.actor])).toEqual([
      ['withdraw', 'user:default/dana'],
      ['approve', 'user:default/pat'],
      ['create', 'user:default/dana'],
    ]);
  });

  it('refuses to withdraw what an admin denied: the decision stands', async () => {
    const deniedId = (
      await request(server)
        .post('/api/mcpeeker/registry')
        .set(as('dana'))
        .send(registration({ name: 'decided', identity: { packageId: 'x' } }))
        .expect(201)
    ).body.id;
    await request(server)
      .post(`/api/mcpeeker/registry/${deniedId}/deny`)
      .set(as('pat'))
      .send({ reason: 'not for this team' })
      .expect(200);
    const r = await request(server)
      .post(`/api/mcpeeker/registry/${deniedId}/withdraw`)
      .set(as('dana'))
      .send({});
    expect([r.status, r.body.error.message]).toEqual([
      409,
      'status: only a pending or approved entry can be withdrawn; this one is denied',
    ]);
  });
});

describe('a package registered with the version it pins', () => {
  it('keeps the version, as the entry schema has it: the package in packageId, the version in packageVersion', async () => {
    const res = await request(server)
      .post('/api/mcpeeker/registry')
      .set(as('dana'))
      .send(
        registration({
          name: 'server-x',
          identity: { packageId: '@modelcontextprotocol/server-x@1.2.3' },
          transport: 'stdio',
        }),
      );
    expect(res.status).toBe(201);
    expect(res.body.identity).toEqual({
      packageId: '@modelcontextprotocol/server-x',
      packageVersion: '1.2.3',
    });
    // As stored: read back, and in the MCP Registry API view once approved.
    const stored = await request(server)
      .get(`/api/mcpeeker/registry/${res.body.id}`)
      .set(as('dana'));
    expect(stored.body.identity).toEqual(res.body.identity);
    await request(server)
      .post(`/api/mcpeeker/registry/${res.body.id}/approve`)
      .set(as('pat'))
      .send({})
      .expect(200);
    const view = await request(server)
      .get('/api/mcpeeker/v0.1/servers')
      .set(as('sam'));
    expect(
      view.body.servers
        .map((s: any) => s.server)
        .find((s: any) => s.title === 'server-x'),
    ).toMatchObject({
      version: '1.2.3',
      packages: [
        { identifier: '@modelcontextprotocol/server-x', version: '1.2.3' },
      ],
    });
  });

  it('takes the version beside the package too, and refuses two that differ, naming the field', async () => {
    const beside = await request(server)
      .post('/api/mcpeeker/registry')
      .set(as('dana'))
      .send(
        registration({
          name: 'server-y',
          identity: {
            packageId: '@modelcontextprotocol/server-y',
            packageVersion: '2.0.0',
          },
        }),
      );
    expect(beside.status).toBe(201);
    expect(beside.body.identity).toEqual({
      packageId: '@modelcontextprotocol/server-y',
      packageVersion: '2.0.0',
    });
    const differ = await request(server)
      .post('/api/mcpeeker/registry')
      .set(as('dana'))
      .send(
        registration({
          name: 'server-z',
          identity: {
            packageId: '@modelcontextprotocol/server-z@1.2.3',
            packageVersion: '1.2.4',
          },
        }),
      );
    expect([differ.status, differ.body.error.message]).toEqual([
      400,
      'Invalid registration: identity.packageVersion: 1.2.4 is not the version the package pins (1.2.3)',
    ]);
  });
});
