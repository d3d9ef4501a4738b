import {
  ClientEnforcement,
  compositeId,
  createEvent,
  hashIdentifier,
  McpEvent,
} from '@mcpeeker/plugin-mcpeeker-common';
import request from 'supertest';
import { accessTestBackend, as } from '../__testUtils__/accessTestBackend';
import { HOST } from '../__testUtils__/events';
import { STORE_TEST_DATABASE_IDS } from '../__testUtils__/storeTestDatabases';

jest.setTimeout(120_000);

const access = accessTestBackend(STORE_TEST_DATABASE_IDS);
const SALT = 'test-salt-0123456789';
const CREDENTIAL = 'x-mcpeeker-agent-credential';

const CLAUDE_MANAGED_ONLY: ClientEnforcement = {
  client: 'claude-code',
  mode: 'managed-only',
  byMcpeeker: true,
  allowed: 3,
  appliedAt: '2026-11-21T09:30:00Z',
};
const VSCODE_REGISTRY_ONLY: ClientEnforcement = {
  client: 'vscode',
  mode: 'registry-only',
  byMcpeeker: true,
};

/** An endpoint event from a host, with what its clients enforce. */
function eventFrom(
  host: string,
  options: {
    observedAt?: string;
    owner?: string;
    label?: string;
    enforcement?: ClientEnforcement[];
  } = {},
): McpEvent {
  return createEvent({
    layer: 'endpoint',
    observedAt: options.observedAt ?? '2026-11-21T10:00:00Z',
    compositeId: compositeId({ hostIdHash: host, port: 3001 }),
    sensor: { id: 'agent-x', kind: 'mcpeeker-agent', version: '0.1.0' },
    host: {
      idHash: host,
      os: 'darwin',
      ...(options.owner ? { owner: options.owner } : {}),
      ...(options.label ? { label: options.label } : {}),
      ...(options.enforcement ? { enforcement: options.enforcement } : {}),
    },
    detection: {
      source: 'config',
      client: 'claude-code',
      serverName: 'github',
      configPath: '/Users/someone/.claude.json',
      scope: 'user',
      transport: 'stdio',
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-github'],
    },
  });
}

describe.each(access.ids)('hosts that enforce, on %s', databaseId => {
  let server: any;
  let hosts = 0;
  const newHost = () => hashIdentifier(`enforcing-host-${++hosts}`, SALT);

  beforeAll(async () => {
    ({ server } = await access.start({}, databaseId));
  });

  /** An agent enrolled for `owner` on `host` (a new one unless given). */
  async function agentOf(owner: string, host = newHost()) {
    const { body } = await request(server)
      .post('/api/mcpeeker/agents/enrolments')
      .set(as('pat'))
      .send({ owner })
      .expect(201);
    const res = await request(server)
      .post('/api/mcpeeker/agents/enrol')
      .send({ secret: body.secret, hostIdHash: host })
      .expect(201);
    return { host, credential: res.body.credential as string };
  }
  const post = (credential: string, body: unknown) =>
    request(server)
      .post('/api/mcpeeker/events')
      .set(CREDENTIAL, credential)
      .send(body as object);
  const hostsAs = (who: string, query = '') =>
    request(server).get(`/api/mcpeeker/hosts${query}`).set(as(who));

  it('shows each host as enforcing or reporting only, a developer only their own', async () => {
    const dana = await agentOf('user:default/dana');
    const erin = await agentOf('user:default/erin');
    await post(dana.credential, {
      events: [
        eventFrom(dana.host, {
          // Whatever the agent claims, its enrolment's owner counts.
          owner: 'user:default/erin',
          enforcement: [CLAUDE_MANAGED_ONLY, VSCODE_REGISTRY_ONLY],
        }),
      ],
    }).expect(202);
    // Erin's machine found no MCP server: no event, only its status.
    await post(erin.credential, {
      events: [],
      host: {
        idHash: erin.host,
        os: 'linux',
        enforcement: [],
        observedAt: '2026-11-21T10:05:00Z',
      },
    }).expect(202);

    const forDana = await hostsAs('dana').expect(200);
    const danaHosts = forDana.body.items.map((h: any) => h.hostIdHash);
    expect(danaHosts).toContain(dana.host);
    expect(danaHosts).not.toContain(erin.host);
    expect(
      forDana.body.items.every((h: any) => h.owner === 'user:default/dana'),
    ).toBe(true);
    expect(
      forDana.body.items.find((h: any) => h.hostIdHash === dana.host),
    ).toEqual({
      hostIdHash: dana.host,
      os: 'darwin',
      owner: 'user:default/dana',
      clients: [CLAUDE_MANAGED_ONLY, VSCODE_REGISTRY_ONLY],
      reportedAt: '2026-11-21T10:00:00.000Z',
    });

    const forErin = await hostsAs('erin').expect(200);
    expect(forErin.body.items.map((h: any) => h.hostIdHash)).toContain(
      erin.host,
    );
    expect(JSON.stringify(forErin.body)).not.toContain(dana.host);
    expect(
      forErin.body.items.find((h: any) => h.hostIdHash === erin.host),
    ).toMatchObject({ clients: [], reportedAt: '2026-11-21T10:05:00.000Z' });

    // Analysts see every host, and how many of them enforce.
    const all = await hostsAs('sam').expect(200);
    const listed = new Set(all.body.items.map((h: any) => h.hostIdHash));
    expect([dana.host, erin.host, HOST].every(h => listed.has(h))).toBe(true);
    expect(all.body.total).toBe(all.body.items.length);
    const enforcing = await hostsAs('sam', '?enforcing=true').expect(200);
    expect(enforcing.body.items.map((h: any) => h.hostIdHash)).toContain(
      dana.host,
    );
    expect(enforcing.body.items.every((h: any) => h.clients.length > 0)).toBe(
      true,
    );
    expect(all.body.enforcing).toBe(enforcing.body.items.length);
    const reportingOnly = await hostsAs('sam', '?enforcing=false').expect(200);
    expect(reportingOnly.body.items.map((h: any) => h.hostIdHash)).toEqual(
      expect.arrayContaining([erin.host, HOST]),
    );
    expect(
      reportingOnly.body.items.map((h: any) => h.hostIdHash),
    ).not.toContain(dana.host);

    // Someone MCPeeker gives no role reads no host.
    await hostsAs('nobody').expect(403);
    await request(server).get('/api/mcpeeker/hosts').expect(401);
  });

  it('counts the rows it shows: a shared host once per owner, each as their agent reports it', async () => {
    const dana = await agentOf('user:default/dana');
    const pat = await agentOf('user:default/pat', dana.host);
    await post(dana.credential, {
      events: [],
      host: {
        idHash: dana.host,
        os: 'darwin',
        enforcement: [CLAUDE_MANAGED_ONLY],
        observedAt: '2026-11-24T08:00:00Z',
      },
    }).expect(202);
    await post(pat.credential, {
      events: [],
      host: {
        idHash: dana.host,
        os: 'darwin',
        enforcement: [],
        observedAt: '2026-11-24T08:05:00Z',
      },
    }).expect(202);
    const shared = `?host=${dana.host}`;
    const all = (await hostsAs('sam', shared).expect(200)).body;
    expect(all.items.map((h: any) => [h.owner, h.clients.length > 0])).toEqual([
      ['user:default/pat', false],
      ['user:default/dana', true],
    ]);
    // 1 of 2, as the two rows say; not "1 of 1 host" over a row that only reports.
    expect({ total: all.total, enforcing: all.enforcing }).toEqual({
      total: 2,
      enforcing: 1,
    });
    const enforcing = (
      await hostsAs('sam', `${shared}&enforcing=true`).expect(200)
    ).body;
    expect(enforcing.items.map((h: any) => h.owner)).toEqual([
      'user:default/dana',
    ]);
    expect(enforcing.items).toHaveLength(all.enforcing);
    const reporting = (
      await hostsAs('sam', `${shared}&enforcing=false`).expect(200)
    ).body;
    expect(reporting.items.map((h: any) => h.owner)).toEqual([
      'user:default/pat',
    ]);
    expect(reporting.items).toHaveLength(all.total - all.enforcing);
    // Dana sees her report of the host alone, counted so.
    const forDana = (await hostsAs('dana', shared).expect(200)).body;
    expect(forDana).toMatchObject({ total: 1, enforcing: 1 });
    expect(forDana.items).toHaveLength(1);
  });

  it('keeps the newest report, whatever order reports arrive in', async () => {
    const dana = await agentOf('user:default/dana');
    const status = (observedAt: string, enforcement: ClientEnforcement[]) => ({
      events: [],
      host: { idHash: dana.host, os: 'linux', enforcement, observedAt },
    });
    await post(
      dana.credential,
      status('2026-11-22T08:00:00Z', [CLAUDE_MANAGED_ONLY]),
    ).expect(202);
    // A spooled event from before the policy was written arrives late.
    await post(dana.credential, {
      events: [eventFrom(dana.host, { observedAt: '2026-11-22T07:00:00Z' })],
    }).expect(202);
    const one = async () =>
      (await hostsAs('dana', `?host=${dana.host}`).expect(200)).body.items;
    expect(await one()).toMatchObject([
      {
        clients: [CLAUDE_MANAGED_ONLY],
        reportedAt: '2026-11-22T08:00:00.000Z',
      },
    ]);
    // The policy was removed since: the next report says so.
    await post(dana.credential, status('2026-11-22T09:00:00Z', [])).expect(202);
    expect(await one()).toMatchObject([
      { clients: [], reportedAt: '2026-11-22T09:00:00.000Z' },
    ]);
  });

  it('names a host by the label its agent gives it, to whoever may see the host, as its latest report says', async () => {
    const dana = await agentOf('user:default/dana');
    await post(dana.credential, {
      events: [
        eventFrom(dana.host, {
          observedAt: '2026-11-23T08:00:00Z',
          label: '  Dana’s MacBook ',
        }),
      ],
    }).expect(202);
    const one = async (who: string) =>
      (await hostsAs(who, `?host=${dana.host}`).expect(200)).body.items;
    expect(await one('dana')).toMatchObject([
      { hostIdHash: dana.host, label: 'Dana’s MacBook' },
    ]);
    expect(await one('sam')).toMatchObject([{ label: 'Dana’s MacBook' }]);
    // Erin may not see Dana's host: nor its label.
    expect(await one('erin')).toEqual([]);

    // A status after a scan that found nothing carries it too.
    await post(dana.credential, {
      events: [],
      host: {
        idHash: dana.host,
        os: 'darwin',
        label: 'Dana’s work laptop',
        enforcement: [],
        observedAt: '2026-11-23T09:00:00Z',
      },
    }).expect(202);
    expect(await one('dana')).toMatchObject([{ label: 'Dana’s work laptop' }]);
    // Taken out of the agent's config: the host goes back to its hash.
    await post(dana.credential, {
      events: [eventFrom(dana.host, { observedAt: '2026-11-23T10:00:00Z' })],
    }).expect(202);
    const [unlabelled] = await one('dana');
    expect(unlabelled.label).toBeUndefined();

    const twoLines = await post(dana.credential, {
      events: [],
      host: {
        idHash: dana.host,
        os: 'darwin',
        label: 'Dana\nrm -rf',
        enforcement: [],
        observedAt: '2026-11-23T11:00:00Z',
      },
    }).expect(400);
    expect(twoLines.body.error.message).toMatch(
      /host\.label must be one line of text/,
    );
  });

  it('refuses a status for another host, or one it cannot read, naming why', async () => {
    const dana = await agentOf('user:default/dana');
    const other = newHost();
    const res = await post(dana.credential, {
      events: [],
      host: {
        idHash: other,
        os: 'linux',
        enforcement: [CLAUDE_MANAGED_ONLY],
        observedAt: '2026-11-21T10:00:00Z',
      },
    }).expect(400);
    expect(res.body.error.message).toMatch(
      /host.idHash is not the host this agent credential was enrolled for/,
    );
    const bad = await post(dana.credential, {
      events: [],
      host: {
        idHash: dana.host,
        os: 'linux',
        enforcement: [{ client: 'claude-code', mode: 'sometimes' }],
        observedAt: '2026-11-21T10:00:00Z',
      },
    }).expect(400);
    expect(bad.body.error.message).toMatch(/host\.enforcement\.0\.mode/);
    expect(bad.body.error.message).not.toMatch(/select|insert|at .*\.ts/i);
    const listed = await request(server)
      .get(`/api/mcpeeker/hosts?host=${other}`)
      .set(as('sam'))
      .expect(200);
    expect(listed.body.items).toEqual([]);
    const query = await hostsAs('sam', '?enforcing=maybe').expect(400);
    expect(query.body.error.message).toMatch(/enforcing/);
  });

  it('takes a status with the service token, owned as the host’s events are', async () => {
    const host = newHost();
    await request(server)
      .post('/api/mcpeeker/events')
      .set(as('service'))
      .send({
        events: [],
        host: {
          idHash: host,
          os: 'win32',
          owner: 'user:default/erin',
          enforcement: [
            { client: 'claude-code', mode: 'allowlist', byMcpeeker: false },
          ],
          observedAt: '2026-11-21T11:00:00Z',
        },
      })
      .expect(202);
    const forErin = await hostsAs('erin', `?host=${host}`).expect(200);
    expect(forErin.body.items).toMatchObject([
      {
        os: 'win32',
        owner: 'user:default/erin',
        clients: [
          { client: 'claude-code', mode: 'allowlist', byMcpeeker: false },
        ],
      },
    ]);
    expect(
      (await hostsAs('dana', `?host=${host}`).expect(200)).body.items,
    ).toEqual([]);
  });
});
