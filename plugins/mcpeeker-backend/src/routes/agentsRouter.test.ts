import {
  compositeId,
  createEvent,
  hashIdentifier,
  McpEvent,
} from '@mcpeeker/plugin-mcpeeker-common';
import request from 'supertest';
import { accessTestBackend, as } from '../__testUtils__/accessTestBackend';
import { HOST, networkEvent } from '../__testUtils__/events';
import { STORE_TEST_DATABASE_IDS } from '../__testUtils__/storeTestDatabases';

jest.setTimeout(120_000);

const access = accessTestBackend(STORE_TEST_DATABASE_IDS);
const SALT = 'test-salt-0123456789';
const CREDENTIAL = 'x-mcpeeker-agent-credential';

/** An endpoint event from any host, claiming any owner. */
function hostEvent(
  host: string,
  options: { owner?: string; port?: number; home?: string } = {},
): McpEvent {
  const port = options.port ?? 3001;
  return createEvent({
    layer: 'endpoint',
    observedAt: '2026-11-21T10:00:00Z',
    compositeId: compositeId({ hostIdHash: host, port }),
    sensor: { id: 'agent-x', kind: 'mcpeeker-agent', version: '0.1.0' },
    host: {
      idHash: host,
      os: 'linux',
      ...(options.owner ? { owner: options.owner } : {}),
    },
    detection: {
      source: 'config',
      client: 'cursor',
      serverName: 'github',
      configPath: `/home/${options.home ?? 'someone'}/.cursor/mcp.json`,
      scope: 'user',
      transport: 'stdio',
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-github', `--port=${port}`],
    },
  });
}

describe.each(access.ids)('agent identity on %s', databaseId => {
  let server: any;
  let knex: any;
  let hosts = 0;
  const newHost = () => hashIdentifier(`agent-host-${++hosts}`, SALT);

  beforeAll(async () => {
    ({ server, knex } = await access.start({}, databaseId));
  });

  function enrolment(body: Record<string, unknown>) {
    return request(server)
      .post('/api/mcpeeker/agents/enrolments')
      .set(as('pat'))
      .send(body);
  }
  function enrol(secret: string, hostIdHash: string) {
    return request(server)
      .post('/api/mcpeeker/agents/enrol')
      .send({ secret, hostIdHash });
  }
  /** An agent enrolled for `owner` on a new host. */
  async function agentOf(owner: string) {
    const { body } = await enrolment({ owner }).expect(201);
    const host = newHost();
    const res = await enrol(body.secret, host).expect(201);
    return { host, credential: res.body.credential as string, id: res.body.id };
  }
  const post = (credential: string, events: unknown[]) =>
    request(server)
      .post('/api/mcpeeker/events')
      .set(CREDENTIAL, credential)
      .send({ events });

  it('issues a secret once, for an owner in the catalog, within bounds', async () => {
    const created = await enrolment({
      owner: 'user:default/dana',
      maxUses: 3,
      label: 'laptops',
    }).expect(201);
    expect(created.body).toMatchObject({
      owner: 'user:default/dana',
      maxUses: 3,
      uses: 0,
      label: 'laptops',
      createdBy: 'user:default/pat',
    });
    expect(created.body.secret).toMatch(/^mcpe_[A-Za-z0-9_-]{43}$/);
    // Default expiry: a day.
    expect(Date.parse(created.body.expiresAt) - Date.now()).toBeGreaterThan(
      23.9 * 3_600_000,
    );
    expect(Date.parse(created.body.expiresAt) - Date.now()).toBeLessThan(
      24.1 * 3_600_000,
    );
    const list = await request(server)
      .get('/api/mcpeeker/agents/enrolments')
      .set(as('pat'))
      .expect(200);
    expect(list.body.items.map((e: any) => e.id)).toContain(created.body.id);
    expect(JSON.stringify(list.body)).not.toContain(created.body.secret);
    const stored = await knex('mcpeeker_agent_enrolments').where(
      'id',
      created.body.id,
    );
    expect(JSON.stringify(stored)).not.toContain(created.body.secret);

    for (const [body, message] of [
      [
        { owner: 'user:default/ghost' },
        /owner user:default\/ghost is not in the catalog/,
      ],
      [{ owner: 'component:default/x' }, /owner must be a user or a group/],
      [{ owner: 'user:default/dana', maxUses: 10_001 }, /maxUses/],
      // What the form shows beside Owner, Number of uses and Label, in its words.
      [
        { owner: '' },
        /^Invalid enrolment: owner must be a user or group in the catalog, e\.g\. user:default\/dana or group:default\/mcp-developers$/,
      ],
      [
        { owner: 'user:default/dana', maxUses: 0 },
        /^Invalid enrolment: maxUses must be a whole number from 1 to 10000, got '0'$/,
      ],
      [
        { owner: 'user:default/dana', label: 'x'.repeat(201) },
        /^Invalid enrolment: label must be at most 200 characters$/,
      ],
      [
        {
          owner: 'user:default/dana',
          expiresAt: new Date(Date.now() + 31 * 86_400_000).toISOString(),
        },
        /at most 30 days/,
      ],
    ] as const) {
      const res = await enrolment(body).expect(400);
      expect(res.body.error.message).toMatch(message);
    }
    // A group may own a fleet's agents; 10,000 uses for an MDM roll-out.
    await enrolment({
      owner: 'group:default/team-a',
      maxUses: 10_000,
    }).expect(201);
  });

  it('lets a secret enrol as many agents as it allows, not more, and not after expiry or revocation', async () => {
    const { body } = await enrolment({
      owner: 'user:default/dana',
      maxUses: 2,
    }).expect(201);
    const first = await enrol(body.secret, newHost()).expect(201);
    expect(first.body).toMatchObject({ owner: 'user:default/dana' });
    expect(first.body.credential).toMatch(/^mcpa_[A-Za-z0-9_-]{43}$/);
    await enrol(body.secret, newHost()).expect(201);
    const third = await enrol(body.secret, newHost()).expect(401);
    const unknown = await enrol('mcpe_not-a-secret', newHost()).expect(401);
    // The same words whether the secret exists or not.
    expect(third.body.error.message).toBe(unknown.body.error.message);
    expect(third.body.error.message).toMatch(/Enrolment refused/);
    expect(JSON.stringify(third.body)).not.toContain(body.secret);

    const expiring = await enrolment({ owner: 'user:default/dana' }).expect(
      201,
    );
    await knex('mcpeeker_agent_enrolments')
      .where('id', expiring.body.id)
      .update({ expires_at: new Date(Date.now() - 1000) });
    await enrol(expiring.body.secret, newHost()).expect(401);

    const revoked = await enrolment({ owner: 'user:default/dana' }).expect(201);
    await request(server)
      .post(`/api/mcpeeker/agents/enrolments/${revoked.body.id}/revoke`)
      .set(as('pat'))
      .expect(200);
    await enrol(revoked.body.secret, newHost()).expect(401);
    await enrol(body.secret, 'not-a-host').expect(400);

    const listed = await request(server)
      .get('/api/mcpeeker/agents/enrolments')
      .set(as('pat'))
      .expect(200);
    expect(listed.body.items.find((e: any) => e.id === body.id).uses).toBe(2);
  });

  it('stores what an agent reports as its enrolment owner’s, whatever the event claims', async () => {
    const dana = await agentOf('user:default/dana');
    const event = hostEvent(dana.host, { owner: 'user:default/erin' });
    const res = await post(dana.credential, [event]).expect(202);
    expect(res.body.accepted).toBe(1);
    const id = compositeId({ hostIdHash: dana.host, port: 3001 });
    await request(server)
      .get(`/api/mcpeeker/findings/${id}`)
      .set(as('erin'))
      .expect(404);
    const finding = await request(server)
      .get(`/api/mcpeeker/findings/${id}`)
      .set(as('dana'))
      .expect(200);
    expect(finding.body.owner).toBe('user:default/dana');
    const [stored] = finding.body.evidence.endpoint;
    expect(stored.host.owner).toBe('user:default/dana');
    // The stored id is the hash of the stored content; a resend is a duplicate.
    expect(stored.eventId).not.toBe(event.eventId);
    expect(
      (await post(dana.credential, [event]).expect(202)).body,
    ).toMatchObject({ accepted: 0, duplicates: 1 });
    const erins = await request(server)
      .get('/api/mcpeeker/findings?limit=200')
      .set(as('erin'))
      .expect(200);
    expect(erins.body.items.map((f: any) => f.compositeId)).not.toContain(id);

    // The service token on an enrolled host: the enrolment decides too.
    const viaToken = hostEvent(dana.host, {
      owner: 'user:default/erin',
      port: 3002,
    });
    await request(server)
      .post('/api/mcpeeker/events')
      .set(as('service'))
      .send({ events: [viaToken] })
      .expect(202);
    const tokenFinding = await request(server)
      .get(
        `/api/mcpeeker/findings/${compositeId({
          hostIdHash: dana.host,
          port: 3002,
        })}`,
      )
      .set(as('sam'))
      .expect(200);
    expect(tokenFinding.body.owner).toBe('user:default/dana');
  });

  it('refuses per item what is not its own host’s endpoint events', async () => {
    const dana = await agentOf('user:default/dana');
    const res = await post(dana.credential, [
      hostEvent(dana.host),
      hostEvent(newHost(), { owner: 'user:default/dana' }),
      networkEvent({ port: 3999 }),
    ]).expect(400);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected).toEqual([
      {
        index: 1,
        eventId: expect.any(String),
        issues: [
          {
            field: 'host.idHash',
            message: 'is not the host this agent credential was enrolled for',
          },
        ],
      },
      {
        index: 2,
        eventId: expect.any(String),
        issues: [
          {
            field: 'layer',
            message: 'an agent credential reports endpoint events only',
          },
        ],
      },
    ]);
  });

  it('refuses a revoked agent and an unknown credential with 401, and records when agents report', async () => {
    const dana = await agentOf('user:default/dana');
    await post(dana.credential, [hostEvent(dana.host)]).expect(202);
    const listed = await request(server)
      .get(`/api/mcpeeker/agents?host=${dana.host}`)
      .set(as('pat'))
      .expect(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        id: dana.id,
        hostIdHash: dana.host,
        owner: 'user:default/dana',
        lastSeenAt: expect.any(String),
      }),
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(dana.credential);
    await request(server)
      .post(`/api/mcpeeker/agents/${dana.id}/revoke`)
      .set(as('pat'))
      .expect(200);
    const refused = await post(dana.credential, [
      hostEvent(dana.host, { port: 3003 }),
    ]).expect(401);
    expect(refused.body.error.message).toMatch(/unknown or revoked/);
    await post('mcpa_unknown', [hostEvent(dana.host)]).expect(401);
    // Without the header nothing changed: no token is 401, a person's is 403.
    await request(server)
      .post('/api/mcpeeker/events')
      .send({ events: [hostEvent(dana.host)] })
      .expect(401);
    // Every change is in the audit trail.
    const audit = await request(server)
      .get('/api/mcpeeker/audit?limit=500')
      .set(as('pat'))
      .expect(200);
    const actions = audit.body.items.map((i: any) => i.action);
    for (const action of [
      'agent-enrolment-create',
      'agent-enrolment-revoke',
      'agent-enrol',
      'agent-revoke',
    ])
      expect(actions).toContain(action);
    await request(server)
      .get('/api/mcpeeker/audit/verify')
      .set(as('pat'))
      .expect(200, { ok: true, rows: audit.body.items.length });
  });

  it('shows a developer only their own endpoint evidence of a shared host', async () => {
    // Erin's config on dana's (not enrolled) shared host-1, same server port.
    await request(server)
      .post('/api/mcpeeker/events')
      .set(as('service'))
      .send({
        events: [
          hostEvent(HOST, { owner: 'user:default/erin', home: 'erin' }),
          networkEvent(),
        ],
      })
      .expect(202);
    const id = compositeId({ hostIdHash: HOST, port: 3001 });
    const read = async (who: string) =>
      (
        await request(server)
          .get(`/api/mcpeeker/findings/${id}`)
          .set(as(who))
          .expect(200)
      ).body;
    const all = await read('sam');
    // Both reported at the same instant: the rule every engine applies (the
    // later report, then the greater ref) names erin; both still see it.
    expect(all.owner).toBe('user:default/erin');
    expect(
      all.evidence.endpoint
        .map((e: McpEvent & { layer: 'endpoint' }) => e.host.owner)
        .sort(),
    ).toEqual(['user:default/dana', 'user:default/erin']);
    const danas = await read('dana');
    expect(
      danas.evidence.endpoint.map((e: McpEvent & { layer: 'endpoint' }) => [
        e.host.owner,
        e.layer === 'endpoint' && e.detection.source === 'config'
          ? e.detection.configPath
          : undefined,
      ]),
    ).toEqual([['user:default/dana', '/home/dana/.cursor/mcp.json']]);
    expect(JSON.stringify(danas.evidence)).not.toContain('erin');
    // Network evidence is nobody's: it stays.
    expect(danas.evidence.network).toHaveLength(1);
    expect(all.evidence.network).toHaveLength(1);
  });
});
