import { createServiceFactory } from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  actionsRegistryServiceMock,
  MockActionsRegistry,
} from '@backstage/backend-test-utils/alpha';
import { compositeId } from '@mcpeeker/plugin-mcpeeker-common';
import request from 'supertest';
import {
  accessTestBackend,
  as,
  inDays,
  registration,
} from '../__testUtils__/accessTestBackend';
import { HOST } from '../__testUtils__/events';
import { STORE_TEST_DATABASE_IDS } from '../__testUtils__/storeTestDatabases';

jest.setTimeout(60_000);

const PORTAL = 'http://portal.example.test';
const DANAS = compositeId({ hostIdHash: HOST, port: 3001 });
const ERINS = compositeId({ hostIdHash: HOST, port: 4000 });

const access = accessTestBackend(STORE_TEST_DATABASE_IDS);
let actions: MockActionsRegistry;
let server: any;

/** A tool call as a person (or a service) makes it, with their own credentials. */
async function call(who: string, tool: string, input: object = {}) {
  const credentials =
    who === 'service'
      ? mockCredentials.service()
      : mockCredentials.user(`user:default/${who}`);
  const { output } = await actions.invoke({
    id: `test:${tool}`,
    input: input as any,
    credentials,
  });
  return output as any;
}

/** The error a tool call ends with: its class and message, as an MCP client reads them. */
async function refusal(who: string, tool: string, input: object = {}) {
  const error = await call(who, tool, input).then(
    () => undefined,
    e => e,
  );
  return error && `${error.name}: ${error.message}`;
}

describe.each(access.ids)('MCPeeker actions on %s', databaseId => {
  beforeAll(async () => {
    // Each backend registers its actions anew.
    const registry = actionsRegistryServiceMock();
    actions = registry;
    ({ server } = await access.start({}, databaseId, {
      rootConfig: { app: { baseUrl: PORTAL } },
      features: [
        createServiceFactory({
          service: actionsRegistryServiceRef,
          deps: {},
          factory: () => registry,
        }),
      ],
    }));
  });

  it('are registered with truthful attributes and their schemas', async () => {
    const { actions: listed } = await actions.list();
    expect(Object.fromEntries(listed.map(a => [a.name, a.attributes]))).toEqual(
      {
        'is-mcp-server-approved': {
          readOnly: true,
          idempotent: true,
          destructive: false,
        },
        'list-my-unapproved-mcp-servers': {
          readOnly: true,
          idempotent: true,
          destructive: false,
        },
        'register-mcp-server': {
          readOnly: false,
          idempotent: false,
          destructive: false,
        },
        'why-was-mcp-server-flagged': {
          readOnly: true,
          idempotent: true,
          destructive: false,
        },
      },
    );
    const register = listed.find(a => a.name === 'register-mcp-server')!;
    expect((register.schema.input as any).required).toEqual(
      expect.arrayContaining([
        'name',
        'purpose',
        'team',
        'expiresAt',
        'transport',
        'identity',
      ]),
    );
  });

  it("lists a developer's own unapproved servers as the findings list shows them", async () => {
    const mine = await call('dana', 'list-my-unapproved-mcp-servers');
    const route = await request(server)
      .get('/api/mcpeeker/findings?registry=unregistered')
      .set(as('dana'));
    expect(route.status).toBe(200);
    expect(
      mine.servers.map((s: any) => [s.compositeId, s.score, s.classification]),
    ).toEqual(
      route.body.items.map((f: any) => [
        f.compositeId,
        f.score,
        f.classification,
      ]),
    );
    expect(mine.servers.map((s: any) => s.compositeId)).toEqual([DANAS]);
    const [server0] = mine.servers;
    const [finding] = route.body.items;
    expect(server0).toMatchObject({
      name: finding.serverName,
      hostIdHash: HOST,
      link: `${PORTAL}/mcpeeker/findings/${DANAS}`,
      registerLink: `${PORTAL}/mcpeeker/registry/new?finding=${DANAS}`,
    });
    // Every reason of the breakdown, in words.
    for (const c of finding.breakdown.contributions)
      expect(server0.whyFlagged).toContainEqual(
        expect.stringContaining(c.reason),
      );
    expect(mine.answer).toBe(
      '1 MCP server found on your machines is not approved.',
    );

    // Erin gets hers; the analyst may read all, but none were found on her machines.
    expect(
      (await call('erin', 'list-my-unapproved-mcp-servers')).servers.map(
        (s: any) => s.compositeId,
      ),
    ).toEqual([ERINS]);
    expect(await call('sam', 'list-my-unapproved-mcp-servers')).toMatchObject({
      totalCount: 0,
      servers: [],
    });
  });

  it('explains a finding as its page does, and only to whom may read it', async () => {
    const why = await call('dana', 'why-was-mcp-server-flagged', {
      compositeId: DANAS,
    });
    const page = await request(server)
      .get(`/api/mcpeeker/findings/${DANAS}`)
      .set(as('dana'));
    expect(why).toMatchObject({
      compositeId: DANAS,
      name: page.body.serverName,
      score: page.body.score,
      classification: page.body.classification,
      contributions: page.body.breakdown.contributions,
      judgeUnavailable: false,
      registry: { status: 'unregistered' },
      link: `${PORTAL}/mcpeeker/findings/${DANAS}`,
    });
    expect(why.answer).toContain(`scores ${page.body.score}`);

    // Erin's finding: to dana as absent as one that does not exist.
    expect(
      await refusal('dana', 'why-was-mcp-server-flagged', {
        compositeId: ERINS,
      }),
    ).toBe(`NotFoundError: No finding ${ERINS}`);
    expect(
      await refusal('dana', 'why-was-mcp-server-flagged', {
        compositeId: 'mcp_00000000000000000000000000000000',
      }),
    ).toBe('NotFoundError: No finding mcp_00000000000000000000000000000000');
    expect(
      (await call('sam', 'why-was-mcp-server-flagged', { compositeId: ERINS }))
        .compositeId,
    ).toBe(ERINS);
    expect(
      await refusal('nobody', 'why-was-mcp-server-flagged', {
        compositeId: DANAS,
      }),
    ).toBe('NotAllowedError: You may not read MCP findings');
    expect(
      await refusal('dana', 'why-was-mcp-server-flagged', {
        compositeId: 'github',
      }),
    ).toBe(
      'InputError: Invalid question: compositeId must be a composite id (mcp_ + 32 hex)',
    );
    // A service token gets nothing: the tools answer people.
    expect(
      await refusal('service', 'why-was-mcp-server-flagged', {
        compositeId: DANAS,
      }),
    ).toMatch(/^NotAllowedError: MCPeeker's tools answer a signed-in person/);
  });

  it('says a server is not approved, and how to register it', async () => {
    expect(
      await call('dana', 'is-mcp-server-approved', { compositeId: DANAS }),
    ).toMatchObject({
      approved: false,
      status: 'none',
      otherEntries: [],
      howToRegister: expect.stringContaining(
        `${PORTAL}/mcpeeker/registry/new?finding=${DANAS}`,
      ),
    });
    expect(await refusal('dana', 'is-mcp-server-approved', {})).toBe(
      'InputError: Invalid question: (body) give at least one of name, compositeId, command, url',
    );
    expect(
      await refusal('dana', 'is-mcp-server-approved', { url: 'ftp://x' }),
    ).toBe('InputError: Invalid question: url must be an http or https URL');
  });

  it('registers through the registry’s own path: its checks, its audit, pending', async () => {
    const input = {
      ...registration(),
      fromFinding: DANAS,
    };
    expect(
      await refusal('dana', 'register-mcp-server', {
        ...input,
        purpose: 'short',
      }),
    ).toBe(
      'InputError: Invalid registration: purpose must be at least 10 characters',
    );
    expect(
      await refusal('dana', 'register-mcp-server', {
        ...input,
        expiresAt: inDays(400),
      }),
    ).toBe('InputError: expiresAt must be at most 365 days ahead');
    expect(
      await refusal('dana', 'register-mcp-server', {
        ...input,
        owner: 'user:default/erin',
      }),
    ).toBe(
      'InputError: Invalid registration: owner must be you (user:default/dana); only admins register for others',
    );
    expect(
      await refusal('dana', 'register-mcp-server', {
        ...input,
        team: 'group:default/ghosts',
      }),
    ).toMatch(/team group:default\/ghosts is not in the catalog/);

    const registered = await call('dana', 'register-mcp-server', input);
    expect(registered.entry).toMatchObject({
      name: 'github-mcp',
      owner: 'user:default/dana',
      createdBy: 'user:default/dana',
      status: 'pending',
      identity: { hostIdHash: HOST, port: 3001 },
    });
    expect(registered.link).toBe(`${PORTAL}/mcpeeker/registry?q=github-mcp`);
    const id = registered.entry.id;
    // The route sees what the tool stored, and the audit chain has it.
    const stored = await request(server)
      .get(`/api/mcpeeker/registry/${id}`)
      .set(as('dana'));
    expect(stored.body).toMatchObject(registered.entry);
    const audit = await request(server)
      .get(`/api/mcpeeker/audit?entry=${id}`)
      .set(as('sam'));
    expect(
      audit.body.items.map((r: any) => [
        r.actor,
        r.action,
        r.details.fromFinding,
      ]),
    ).toEqual([['user:default/dana', 'create', DANAS]]);
    // The same server twice is refused, as the form refuses it.
    expect(await refusal('dana', 'register-mcp-server', input)).toBe(
      `ConflictError: identity: this server is already registered as github-mcp (entry ${id}, pending)`,
    );

    // Pending: its owner sees it; erin does not see dana's registration at all.
    expect(
      await call('dana', 'is-mcp-server-approved', { compositeId: DANAS }),
    ).toMatchObject({
      approved: false,
      status: 'pending',
      otherEntries: [{ id, status: 'pending' }],
    });
    expect(
      await call('erin', 'is-mcp-server-approved', { compositeId: DANAS }),
    ).toMatchObject({ approved: false, status: 'none', otherEntries: [] });

    // Approved by an admin: covered, until when, whoever asks.
    const approved = await request(server)
      .post(`/api/mcpeeker/registry/${id}/approve`)
      .set(as('pat'))
      .send({});
    expect(approved.status).toBe(200);
    for (const who of ['dana', 'erin']) {
      const answer = await call(who, 'is-mcp-server-approved', {
        compositeId: DANAS,
      });
      expect(answer).toMatchObject({
        approved: true,
        status: 'approved',
        entry: {
          id,
          name: 'github-mcp',
          covers: 'identity',
          expiresAt: input.expiresAt,
        },
      });
      expect(answer.answer).toContain(`until ${answer.entry.expiresAt}`);
    }
    // By name alone: the entry covers dana's host only, not the name everywhere.
    const byName = await call('erin', 'is-mcp-server-approved', {
      name: 'github-mcp',
    });
    expect(byName).toMatchObject({
      approved: false,
      approvedOnOtherHosts: [{ id, name: 'github-mcp' }],
    });

    // The finding is approved now: the tools no longer list it, and say why.
    expect(
      (await call('dana', 'list-my-unapproved-mcp-servers')).servers,
    ).toEqual([]);
    const why = await call('dana', 'why-was-mcp-server-flagged', {
      compositeId: DANAS,
    });
    expect(why.registry).toEqual({
      status: 'approved',
      entryId: id,
      entryName: 'github-mcp',
    });
    expect(why.contributions).toContainEqual(
      expect.objectContaining({ layer: 'registry', points: -6 }),
    );
  });

  it('answers a fleet-wide entry by the command that starts the server', async () => {
    const reg = await request(server)
      .post('/api/mcpeeker/registry')
      .set(as('pat'))
      .send(
        registration({
          name: 'server-filesystem',
          identity: { packageId: '@modelcontextprotocol/server-filesystem' },
          transport: 'stdio',
        }),
      );
    expect(reg.status).toBe(201);
    const question = {
      command: 'npx -y @modelcontextprotocol/server-filesystem /tmp',
    };
    expect(
      await call('erin', 'is-mcp-server-approved', question),
    ).toMatchObject({ approved: false, status: 'none' });
    await request(server)
      .post(`/api/mcpeeker/registry/${reg.body.id}/approve`)
      .set(as('pat'))
      .send({})
      .expect(200);
    expect(
      await call('erin', 'is-mcp-server-approved', question),
    ).toMatchObject({
      approved: true,
      entry: { id: reg.body.id, covers: 'fleet-wide' },
    });
  });
});
