import {
  compositeId,
  createEvent,
  hashIdentifier,
  McpEvent,
  normalizeServerUrl,
} from '@mcpeeker/plugin-mcpeeker-common';
import request from 'supertest';
import {
  accessTestBackend,
  as,
  inDays,
} from '../__testUtils__/accessTestBackend';

jest.setTimeout(60_000);

const SALT = 'test-salt-0123456789';

/** What the agent's network command reports for TLS to a known remote MCP server: only the name is visible. */
function remoteSighting(host: string, url: string): McpEvent {
  return createEvent({
    layer: 'network',
    observedAt: '2026-11-21T10:01:00Z',
    compositeId: compositeId({ processSignature: normalizeServerUrl(url) }),
    sensor: { id: 'zeek-1', kind: 'zeek' },
    flow: {
      srcAddressHash: hashIdentifier('10.9.9.9', SALT),
      dstAddressHash: hashIdentifier(`name:${host}`, SALT),
      dstPort: 443,
      transport: 'http',
      tls: true,
    },
    mcp: { serverInfo: { name: host } },
    evidence: [{ kind: 'tls-sni', snippet: host }],
  });
}

const access = accessTestBackend();

describe('remote MCP servers seen on the wire', () => {
  it('count as evidence for an approved remote entry; an unknown one is a finding of its own', async () => {
    const { server } = await access.start();
    const entry = await request(server)
      .post('/api/mcpeeker/registry')
      .set(as('dana'))
      .send({
        name: 'notion',
        team: 'group:default/team-a',
        purpose: 'Our team wiki, read by the assistants',
        identity: { remoteUrl: 'https://mcp.notion.com/mcp' },
        transport: 'http',
        expiresAt: inDays(90),
      })
      .expect(201);
    await request(server)
      .post(`/api/mcpeeker/registry/${entry.body.id}/approve`)
      .set(as('pat'))
      .send({})
      .expect(200);
    await request(server)
      .post('/api/mcpeeker/events')
      .set(as('service'))
      .send({
        events: [
          remoteSighting('mcp.notion.com', 'https://mcp.notion.com/mcp'),
          remoteSighting('mcp.linear.app', 'https://mcp.linear.app/mcp'),
        ],
      })
      .expect(202);
    const list = await request(server)
      .get('/api/mcpeeker/findings?layer=network')
      .set(as('sam'))
      .expect(200);
    const byName = Object.fromEntries(
      list.body.items.map((f: any) => [f.serverName, f]),
    );
    expect(byName['mcp.notion.com']).toMatchObject({
      registryStatus: 'approved',
      classification: 'authorized',
      layers: ['network'],
    });
    expect(byName['mcp.linear.app']).toMatchObject({
      registryStatus: 'unregistered',
      score: 5,
      classification: 'suspect',
    });
    // The approved entry's verification sees its remote server on the wire.
    const verified = await request(server)
      .post(`/api/mcpeeker/registry/${entry.body.id}/verify`)
      .set(as('pat'))
      .expect(200);
    expect(verified.body).toMatchObject({
      detected: true,
      matches: [{ serverName: 'mcp.notion.com' }],
    });
  });
});
