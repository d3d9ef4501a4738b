import { compositeId } from '@mcpeeker/plugin-mcpeeker-common';
import request from 'supertest';
import {
  accessTestBackend,
  as,
  inDays,
  registration,
} from './__testUtils__/accessTestBackend';
import { endpointEvent, HOST } from './__testUtils__/events';

jest.setTimeout(120_000);

const access = accessTestBackend();
let server: any;
let serial = 0;

const CALLERS = [
  'dana',
  'erin',
  'sam',
  'pat',
  'nobody',
  'service',
  'unauthenticated',
] as const;
type Caller = (typeof CALLERS)[number];

/** A fresh registry entry of dana's, in the status asked for. */
async function danasEntry(status: 'pending' | 'approved' = 'pending') {
  const res = await request(server)
    .post('/api/mcpeeker/registry')
    .set(as('dana'))
    .send(
      registration({
        name: `dana-secret-server-${++serial}`,
        purpose: `Dana's confidential purpose number ${serial}`,
        identity: { packageId: `@dana/private-${serial}` },
      }),
    )
    .expect(201);
  if (status === 'approved')
    await request(server)
      .post(`/api/mcpeeker/registry/${res.body.id}/approve`)
      .set(as('pat'))
      .send({})
      .expect(200);
  return res.body as { id: string; name: string; purpose: string };
}

const danasFinding = compositeId({ hostIdHash: HOST, port: 3001 });

/** A fresh enrolment secret for dana, issued by an admin. */
async function enrolmentForDana() {
  const res = await request(server)
    .post('/api/mcpeeker/agents/enrolments')
    .set(as('pat'))
    .send({ owner: 'user:default/dana' })
    .expect(201);
  return res.body as { id: string; secret: string };
}

/** A fresh agent of dana's on a host of its own. */
async function danasAgent() {
  const { secret } = await enrolmentForDana();
  const res = await request(server)
    .post('/api/mcpeeker/agents/enrol')
    .send({ secret, hostIdHash: (++serial).toString(16).padStart(64, '0') })
    .expect(201);
  return res.body as { id: string };
}

type Row = {
  route: string;
  send: (who: Caller) => Promise<request.Response>;
  expect: Record<Caller, number>;
};

const USERS_OK = { dana: 200, erin: 200, sam: 200, pat: 200 };
const NO_ROLE_SERVICE_ANON = {
  nobody: 403,
  service: 403,
  unauthenticated: 401,
};
const ADMIN_ONLY = {
  dana: 403,
  erin: 403,
  sam: 403,
  pat: 200,
  ...NO_ROLE_SERVICE_ANON,
};
const ADMIN_ONLY_ON_DANAS = {
  dana: 403,
  erin: 404,
  sam: 403,
  pat: 200,
  ...NO_ROLE_SERVICE_ANON,
};

const ANALYSTS_AND_ADMINS = {
  dana: 403,
  erin: 403,
  sam: 200,
  pat: 200,
  ...NO_ROLE_SERVICE_ANON,
};

/** A suppression of a stdio command no one runs, new each time. */
const aCommandSuppression = () => ({
  scope: 'command',
  commandSignatureHash: (++serial).toString(16).padStart(64, '0'),
  reason: 'the matrix',
});

const rows: Row[] = [
  {
    route: 'GET /health',
    send: who => request(server).get('/api/mcpeeker/health').set(as(who)),
    expect: { ...USERS_OK, nobody: 200, service: 200, unauthenticated: 200 },
  },
  {
    route: 'POST /events',
    send: who =>
      request(server)
        .post('/api/mcpeeker/events')
        .set(as(who))
        .send({ events: [endpointEvent({ port: 5000 + ++serial })] }),
    expect: {
      dana: 403,
      erin: 403,
      sam: 403,
      pat: 403,
      nobody: 403,
      service: 202,
      unauthenticated: 401,
    },
  },
  {
    route: 'GET /findings',
    send: who => request(server).get('/api/mcpeeker/findings').set(as(who)),
    expect: { ...USERS_OK, ...NO_ROLE_SERVICE_ANON },
  },
  {
    route: 'GET /findings/:id (dana’s endpoint)',
    send: who =>
      request(server)
        .get(`/api/mcpeeker/findings/${danasFinding}`)
        .set(as(who)),
    expect: { ...USERS_OK, erin: 404, ...NO_ROLE_SERVICE_ANON },
  },
  ...['summary', 'score-distribution', 'trendlines'].map(path => ({
    route: `GET /analytics/${path}`,
    send: (who: Caller) =>
      request(server).get(`/api/mcpeeker/analytics/${path}`).set(as(who)),
    expect: { ...USERS_OK, ...NO_ROLE_SERVICE_ANON },
  })),
  {
    route: 'POST /registry',
    send: who =>
      request(server)
        .post('/api/mcpeeker/registry')
        .set(as(who))
        .send(
          registration({
            name: `own-${++serial}`,
            identity: { packageId: `@own/p-${serial}` },
          }),
        ),
    expect: {
      dana: 201,
      erin: 201,
      sam: 201,
      pat: 201,
      ...NO_ROLE_SERVICE_ANON,
    },
  },
  {
    route: 'POST /registry/import',
    send: who =>
      request(server)
        .post('/api/mcpeeker/registry/import')
        .set(as(who))
        .send({
          serverJson: {
            name: `io.github.acme/imported-${++serial}`,
            description: 'An imported server for the matrix',
            version: '1.0.0',
            packages: [
              {
                registryType: 'npm',
                identifier: `@acme/imported-${serial}`,
                transport: { type: 'stdio' },
              },
            ],
          },
          team: 'group:default/team-a',
          expiresAt: inDays(30),
        }),
    expect: {
      dana: 201,
      erin: 201,
      sam: 201,
      pat: 201,
      ...NO_ROLE_SERVICE_ANON,
    },
  },
  {
    route: 'GET /registry',
    send: who => request(server).get('/api/mcpeeker/registry').set(as(who)),
    expect: { ...USERS_OK, ...NO_ROLE_SERVICE_ANON },
  },
  {
    route: 'GET /registry/:id (dana’s)',
    send: async who =>
      request(server)
        .get(`/api/mcpeeker/registry/${(await danasEntry()).id}`)
        .set(as(who)),
    expect: { ...USERS_OK, erin: 404, ...NO_ROLE_SERVICE_ANON },
  },
  {
    route: 'PATCH /registry/:id (dana’s)',
    send: async who =>
      request(server)
        .patch(`/api/mcpeeker/registry/${(await danasEntry()).id}`)
        .set(as(who))
        .send({ purpose: 'A new purpose, long enough' }),
    expect: {
      dana: 200,
      erin: 404,
      sam: 403,
      pat: 200,
      ...NO_ROLE_SERVICE_ANON,
    },
  },
  ...(['approve', 'deny'] as const).map(decision => ({
    route: `POST /registry/:id/${decision} (dana’s pending)`,
    send: async (who: Caller) =>
      request(server)
        .post(`/api/mcpeeker/registry/${(await danasEntry()).id}/${decision}`)
        .set(as(who))
        .send({}),
    expect: ADMIN_ONLY_ON_DANAS,
  })),
  {
    route: 'POST /registry/:id/revoke (dana’s approved)',
    send: async who =>
      request(server)
        .post(
          `/api/mcpeeker/registry/${(await danasEntry('approved')).id}/revoke`,
        )
        .set(as(who))
        .send({}),
    expect: ADMIN_ONLY_ON_DANAS,
  },
  {
    route: 'POST /registry/:id/accept-risk (dana’s approved)',
    send: async who =>
      request(server)
        .post(
          `/api/mcpeeker/registry/${
            (await danasEntry('approved')).id
          }/accept-risk`,
        )
        .set(as(who))
        .send({ kind: 'unpinned-package', reason: 'our npm proxy pins it' }),
    expect: ADMIN_ONLY_ON_DANAS,
  },
  {
    route: 'DELETE /registry/:id/accept-risk/:kind (dana’s approved)',
    send: async who => {
      const { id } = await danasEntry('approved');
      await request(server)
        .post(`/api/mcpeeker/registry/${id}/accept-risk`)
        .set(as('pat'))
        .send({ kind: 'unpinned-package', reason: 'our npm proxy pins it' })
        .expect(200);
      return request(server)
        .delete(`/api/mcpeeker/registry/${id}/accept-risk/unpinned-package`)
        .set(as(who));
    },
    expect: ADMIN_ONLY_ON_DANAS,
  },
  {
    route: 'POST /registry/:id/verify (dana’s)',
    send: async who =>
      request(server)
        .post(`/api/mcpeeker/registry/${(await danasEntry()).id}/verify`)
        .set(as(who)),
    expect: { ...USERS_OK, erin: 404, ...NO_ROLE_SERVICE_ANON },
  },
  {
    route: 'DELETE /registry/:id (dana’s)',
    send: async who =>
      request(server)
        .delete(`/api/mcpeeker/registry/${(await danasEntry()).id}`)
        .set(as(who)),
    expect: { ...ADMIN_ONLY_ON_DANAS, pat: 204 },
  },
  ...['/audit', '/audit/verify', '/dead-letters'].map(path => ({
    route: `GET ${path}`,
    send: (who: Caller) =>
      request(server).get(`/api/mcpeeker${path}`).set(as(who)),
    // Its own permission (mcpeeker.audit.read), no longer delete's: the
    // security team reads who changed what.
    expect: {
      dana: 403,
      erin: 403,
      sam: 200,
      pat: 200,
      ...NO_ROLE_SERVICE_ANON,
    },
  })),
  {
    route: 'POST /agents/enrolments',
    send: who =>
      request(server)
        .post('/api/mcpeeker/agents/enrolments')
        .set(as(who))
        .send({ owner: 'user:default/dana' }),
    expect: { ...ADMIN_ONLY, pat: 201 },
  },
  ...['/agents/enrolments', '/agents'].map(path => ({
    route: `GET ${path}`,
    send: (who: Caller) =>
      request(server).get(`/api/mcpeeker${path}`).set(as(who)),
    expect: ADMIN_ONLY,
  })),
  {
    route: 'POST /agents/enrolments/:id/revoke',
    send: async who =>
      request(server)
        .post(
          `/api/mcpeeker/agents/enrolments/${
            (await enrolmentForDana()).id
          }/revoke`,
        )
        .set(as(who)),
    expect: ADMIN_ONLY,
  },
  {
    route: 'POST /agents/:id/revoke',
    send: async who =>
      request(server)
        .post(`/api/mcpeeker/agents/${(await danasAgent()).id}/revoke`)
        .set(as(who)),
    expect: ADMIN_ONLY,
  },
  {
    // The secret is the authentication: whoever holds one, nobody else.
    route: 'POST /agents/enrol',
    send: async who =>
      request(server)
        .post('/api/mcpeeker/agents/enrol')
        .set(as(who))
        .send({
          secret: (await enrolmentForDana()).secret,
          hostIdHash: (++serial).toString(16).padStart(64, '0'),
        }),
    expect: {
      dana: 201,
      erin: 201,
      sam: 201,
      pat: 201,
      nobody: 201,
      service: 201,
      unauthenticated: 201,
    },
  },
  {
    route: 'POST /agents/enrol (no valid secret)',
    send: who =>
      request(server)
        .post('/api/mcpeeker/agents/enrol')
        .set(as(who))
        .send({ secret: 'mcpe_guessed', hostIdHash: '0'.repeat(64) }),
    expect: {
      dana: 401,
      erin: 401,
      sam: 401,
      pat: 401,
      nobody: 401,
      service: 401,
      unauthenticated: 401,
    },
  },
  {
    route: 'POST /findings/:id/feedback (dana’s)',
    send: who =>
      request(server)
        .post(`/api/mcpeeker/findings/${danasFinding}/feedback`)
        .set(as(who))
        .send({ verdict: 'inconclusive' }),
    expect: { ...ANALYSTS_AND_ADMINS, sam: 201, pat: 201 },
  },
  {
    route: 'GET /findings/:id/feedback (dana’s)',
    send: who =>
      request(server)
        .get(`/api/mcpeeker/findings/${danasFinding}/feedback`)
        .set(as(who)),
    expect: ANALYSTS_AND_ADMINS,
  },
  {
    route: 'PATCH /findings/:id/triage (dana’s)',
    send: who =>
      request(server)
        .patch(`/api/mcpeeker/findings/${danasFinding}/triage`)
        .set(as(who))
        .send({ status: 'investigating' }),
    expect: ANALYSTS_AND_ADMINS,
  },
  {
    route: 'GET /findings/:id/timeline (dana’s)',
    send: who =>
      request(server)
        .get(`/api/mcpeeker/findings/${danasFinding}/timeline`)
        .set(as(who)),
    expect: { ...USERS_OK, erin: 404, ...NO_ROLE_SERVICE_ANON },
  },
  {
    route: 'GET /suppressions',
    send: who => request(server).get('/api/mcpeeker/suppressions').set(as(who)),
    expect: ANALYSTS_AND_ADMINS,
  },
  {
    route: 'POST /suppressions',
    send: who =>
      request(server)
        .post('/api/mcpeeker/suppressions')
        .set(as(who))
        .send(aCommandSuppression()),
    expect: { ...ANALYSTS_AND_ADMINS, sam: 201, pat: 201 },
  },
  {
    route: 'DELETE /suppressions/:id',
    send: async who =>
      request(server)
        .delete(
          `/api/mcpeeker/suppressions/${
            (
              await request(server)
                .post('/api/mcpeeker/suppressions')
                .set(as('sam'))
                .send(aCommandSuppression())
                .expect(201)
            ).body.id
          }`,
        )
        .set(as(who)),
    expect: ADMIN_ONLY,
  },
  {
    route: 'GET /users/me/preferences',
    send: who =>
      request(server).get('/api/mcpeeker/users/me/preferences').set(as(who)),
    expect: { ...USERS_OK, nobody: 200, service: 403, unauthenticated: 401 },
  },
  {
    route: 'PATCH /users/me/preferences',
    send: who =>
      request(server)
        .patch('/api/mcpeeker/users/me/preferences')
        .set(as(who))
        .send({ findingAlerts: { minScore: 7 } }),
    expect: { ...USERS_OK, nobody: 200, service: 403, unauthenticated: 401 },
  },
  {
    route: 'GET /v0.1/servers',
    send: who => request(server).get('/api/mcpeeker/v0.1/servers').set(as(who)),
    expect: { ...USERS_OK, nobody: 200, service: 200, unauthenticated: 401 },
  },
  {
    route: 'GET /catalog/entities',
    send: who =>
      request(server).get('/api/mcpeeker/catalog/entities').set(as(who)),
    expect: {
      dana: 403,
      erin: 403,
      sam: 403,
      pat: 403,
      nobody: 403,
      service: 403,
      unauthenticated: 401,
    },
  },
];

beforeAll(async () => {
  ({ server } = await access.start());
});

describe('RBAC matrix: every route × every kind of caller', () => {
  it.each(rows.map(r => [r.route, r] as const))('%s', async (_route, row) => {
    const got: Record<string, number> = {};
    const leaks: string[] = [];
    for (const who of CALLERS) {
      const res = await row.send(who);
      got[who] = res.status;
      // A refusal never tells what it refused: no names or purposes of others' entries.
      if (
        res.status >= 400 &&
        /dana-secret-server|confidential purpose/.test(JSON.stringify(res.body))
      )
        leaks.push(who);
    }
    expect(got).toEqual(row.expect);
    expect(leaks).toEqual([]);
  });

  it('the catalog plugin, and only it, reads the entities', async () => {
    const res = await request(server)
      .get('/api/mcpeeker/catalog/entities')
      .set(as('catalog'));
    expect(res.status).toBe(200);
  });

  it('keeps others’ data out of lists and counts', async () => {
    await danasEntry();
    const registry = async (who: Caller) =>
      (
        await request(server)
          .get('/api/mcpeeker/registry?limit=200')
          .set(as(who))
      ).body;
    const erins = await registry('erin');
    expect(erins.items.every((e: any) => e.owner === 'user:default/erin')).toBe(
      true,
    );
    expect(erins.totalCount).toBe(erins.items.length);
    const all = await registry('sam');
    expect(all.totalCount).toBeGreaterThan(erins.totalCount);
    const findings = async (who: Caller) =>
      (
        await request(server)
          .get('/api/mcpeeker/findings?limit=200')
          .set(as(who))
      ).body;
    const erinsFindings = await findings('erin');
    expect(erinsFindings.items.map((f: any) => f.owner)).toEqual(
      erinsFindings.items.map(() => 'user:default/erin'),
    );
    expect(erinsFindings.totalCount).toBe(erinsFindings.items.length);
    expect((await findings('sam')).totalCount).toBeGreaterThan(
      erinsFindings.totalCount,
    );
    // Text search does not reach around the filter either.
    expect(
      (
        await request(server)
          .get('/api/mcpeeker/findings?q=dana')
          .set(as('erin'))
      ).body.totalCount,
    ).toBe(0);
  });
});

describe('one item: the permission framework decides on it (resourceRef, getResources)', () => {
  const finding = (id: string, who: Caller) =>
    request(server).get(`/api/mcpeeker/findings/${id}`).set(as(who));

  it('lets every owner whose evidence a finding holds read it, and nobody else; hidden answers as missing', async () => {
    const port = 6000 + ++serial;
    const shared = compositeId({ hostIdHash: HOST, port });
    // Dana's server, then erin's config for the same one: erin is the owner shown.
    await request(server)
      .post('/api/mcpeeker/events')
      .set(as('service'))
      .send({
        events: [
          endpointEvent({ port, observedAt: '2026-11-21T10:00:00Z' }),
          endpointEvent({
            port,
            owner: 'user:default/erin',
            observedAt: '2026-11-21T11:00:00Z',
          }),
        ],
      })
      .expect(202);
    const seen = await finding(shared, 'dana');
    expect(seen.status).toBe(200);
    expect(seen.body.owner).toBe('user:default/erin');
    expect(seen.body.owners).toEqual(
      expect.arrayContaining(['user:default/dana', 'user:default/erin']),
    );
    expect((await finding(shared, 'erin')).status).toBe(200);

    const erinsOnly = compositeId({ hostIdHash: HOST, port: 4000 });
    const missing = compositeId({ hostIdHash: HOST, port: 59999 });
    const hidden = await finding(erinsOnly, 'dana');
    const absent = await finding(missing, 'dana');
    expect([hidden.status, absent.status]).toEqual([404, 404]);
    expect(JSON.stringify(hidden.body).replace(erinsOnly, 'ID')).toBe(
      JSON.stringify(absent.body).replace(missing, 'ID'),
    );
    expect((await finding(missing, 'sam')).status).toBe(404);
    expect((await finding(erinsOnly, 'sam')).status).toBe(200);
    expect((await finding(erinsOnly, 'nobody')).status).toBe(403);
  });

  it('decides on a group’s entry by membership: members read and edit it, only admins approve, others see nothing', async () => {
    const created = await request(server)
      .post('/api/mcpeeker/registry')
      .set(as('pat'))
      .send(
        registration({
          name: `team-a-server-${++serial}`,
          owner: 'group:default/team-a',
          identity: { packageId: `@team-a/server-${serial}` },
        }),
      )
      .expect(201);
    const id = created.body.id;
    const entry = (who: Caller) =>
      request(server).get(`/api/mcpeeker/registry/${id}`).set(as(who));
    const edit = (who: Caller) =>
      request(server)
        .patch(`/api/mcpeeker/registry/${id}`)
        .set(as(who))
        .send({ purpose: `Edited by ${who}, long enough` });
    const approve = (who: Caller) =>
      request(server)
        .post(`/api/mcpeeker/registry/${id}/approve`)
        .set(as(who))
        .send({});

    expect((await entry('dana')).status).toBe(200);
    expect((await edit('dana')).status).toBe(200);
    expect((await entry('erin')).status).toBe(404);
    expect((await edit('erin')).status).toBe(404);
    expect((await approve('erin')).status).toBe(404);
    expect((await edit('sam')).status).toBe(403);
    expect((await approve('dana')).status).toBe(403);
    expect((await approve('pat')).status).toBe(200);
    expect((await entry('dana')).body).toMatchObject({
      status: 'approved',
      purpose: 'Edited by dana, long enough',
    });
  });

  it('answers 404 for an entry that does not exist, whoever asks', async () => {
    for (const who of ['dana', 'sam', 'pat'] as const) {
      const res = await request(server)
        .get('/api/mcpeeker/registry/no-such-entry')
        .set(as(who));
      expect([who, res.status, res.body.error.name]).toEqual([
        who,
        404,
        'NotFoundError',
      ]);
    }
  });
});
