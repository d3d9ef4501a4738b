import { mockCredentials } from '@backstage/backend-test-utils';
import { compositeId } from '@mcpeeker/plugin-mcpeeker-common';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import request from 'supertest';
import {
  accessTestBackend,
  as,
  registration,
} from '../__testUtils__/accessTestBackend';
import { HOST } from '../__testUtils__/events';

jest.setTimeout(90_000);

const PORTAL = 'http://portal.example.test';
const DANAS = compositeId({ hostIdHash: HOST, port: 3001 });
const ERINS = compositeId({ hostIdHash: HOST, port: 4000 });
const TOOLS = [
  'mcpeeker.is-mcp-server-approved',
  'mcpeeker.list-my-unapproved-mcp-servers',
  'mcpeeker.register-mcp-server',
  'mcpeeker.why-was-mcp-server-flagged',
];

const access = accessTestBackend();
let server: any;
const clients: Client[] = [];

/** An MCP client on the portal's MCP endpoint, as a coding assistant connects: Streamable HTTP, the person's token in Authorization. */
async function connect(authorization: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(
    new URL(`http://localhost:${server.port()}/api/mcp-actions/v1`),
    { requestInit: { headers: { Authorization: authorization } } },
  );
  const client = new Client({ name: 'mcpeeker-test', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return client;
}

/** A tool's answer: its structured content, or its error text. */
async function use(client: Client, name: string, args: object = {}) {
  const result = await client.callTool({
    name: `mcpeeker.${name}`,
    arguments: args as Record<string, unknown>,
  });
  return result.isError
    ? { error: (result.content as Array<{ text: string }>)[0].text }
    : (result.structuredContent as any);
}

beforeAll(async () => {
  ({ server } = await access.start({}, undefined, {
    rootConfig: {
      app: { baseUrl: PORTAL },
      backend: { actions: { pluginSources: ['mcpeeker'] } },
    },
    features: [mcpActionsPlugin],
  }));
});

afterAll(async () => {
  await Promise.all(clients.map(c => c.close()));
});

describe('the MCP endpoint, with a real MCP client', () => {
  it('lists the four tools with their schemas and what they do', async () => {
    const dana = await connect(
      mockCredentials.user.header('user:default/dana'),
    );
    const { tools } = await dana.listTools();
    const ours = tools.filter(t => t.name.startsWith('mcpeeker.'));
    expect(ours.map(t => t.name).sort()).toEqual(TOOLS);
    const byName = Object.fromEntries(ours.map(t => [t.name, t]));
    expect(byName['mcpeeker.register-mcp-server'].inputSchema.required).toEqual(
      expect.arrayContaining(['name', 'purpose', 'team', 'expiresAt']),
    );
    expect(
      Object.keys(
        byName['mcpeeker.is-mcp-server-approved'].inputSchema.properties!,
      ).sort(),
    ).toEqual(['command', 'compositeId', 'name', 'url']);
    expect(byName['mcpeeker.why-was-mcp-server-flagged'].annotations).toEqual(
      expect.objectContaining({ readOnlyHint: true, destructiveHint: false }),
    );
    expect(byName['mcpeeker.register-mcp-server'].annotations).toEqual(
      expect.objectContaining({ readOnlyHint: false, destructiveHint: false }),
    );
  });

  it("answers as the portal's own routes do for the same person", async () => {
    const dana = await connect(
      mockCredentials.user.header('user:default/dana'),
    );

    const mine = await use(dana, 'list-my-unapproved-mcp-servers');
    const list = await request(server)
      .get('/api/mcpeeker/findings?registry=unregistered')
      .set(as('dana'));
    expect(mine.servers.map((s: any) => [s.compositeId, s.score])).toEqual(
      list.body.items.map((f: any) => [f.compositeId, f.score]),
    );
    expect(mine.servers[0].link).toBe(`${PORTAL}/mcpeeker/findings/${DANAS}`);

    const why = await use(dana, 'why-was-mcp-server-flagged', {
      compositeId: DANAS,
    });
    const page = await request(server)
      .get(`/api/mcpeeker/findings/${DANAS}`)
      .set(as('dana'));
    expect([why.score, why.classification, why.contributions]).toEqual([
      page.body.score,
      page.body.classification,
      page.body.breakdown.contributions,
    ]);

    // Another developer's finding is not found, in words, without a stack.
    expect(
      await use(dana, 'why-was-mcp-server-flagged', { compositeId: ERINS }),
    ).toEqual({ error: `NotFoundError: No finding ${ERINS}` });
    expect(
      (
        await request(server)
          .get(`/api/mcpeeker/findings/${ERINS}`)
          .set(as('dana'))
      ).status,
    ).toBe(404);

    expect(
      await use(dana, 'is-mcp-server-approved', { compositeId: DANAS }),
    ).toMatchObject({ approved: false, status: 'none' });

    const registered = await use(dana, 'register-mcp-server', {
      ...registration(),
      fromFinding: DANAS,
    });
    expect(registered.entry).toMatchObject({
      status: 'pending',
      owner: 'user:default/dana',
    });
    const entry = await request(server)
      .get(`/api/mcpeeker/registry/${registered.entry.id}`)
      .set(as('dana'));
    expect(entry.body).toMatchObject(registered.entry);
    // A field the registry refuses is named.
    expect(
      await use(dana, 'register-mcp-server', {
        ...registration({ name: 'other-mcp', identity: { port: 1 } }),
      }),
    ).toEqual({
      error:
        'InputError: Invalid registration: identity.port port identifies a server only with hostIdHash',
    });

    expect(
      await use(dana, 'is-mcp-server-approved', { compositeId: DANAS }),
    ).toMatchObject({
      approved: false,
      status: 'pending',
      otherEntries: [{ id: registered.entry.id }],
    });
  });

  it('answers a service token with a refusal: the tools answer people', async () => {
    const service = await connect(mockCredentials.service.header());
    expect(await use(service, 'list-my-unapproved-mcp-servers')).toEqual({
      error: expect.stringMatching(
        /^NotAllowedError: MCPeeker's tools answer a signed-in person/,
      ),
    });
  });
});
