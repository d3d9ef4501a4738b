import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  hashIdentifier,
  hostStatusSchema,
  validateEvent,
} from '@mcpeeker/plugin-mcpeeker-common';
import { buildLinuxHome, makeTempDir, write } from '../__testUtils__/fixtures';
import { readHostId } from '../host';
import {
  AgentConfigError,
  loadAgentConfig,
  type AgentConfig,
} from './agentConfig';
import { Agent } from './runAgent';
import { HttpTransport } from './transports';

jest.setTimeout(60_000);

const SALT = 'host-status-salt-0123456789';

/** A portal's events route: every body it was sent, answering `status()`. */
async function fakePortal(status: () => number) {
  const bodies: any[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', d => (body += d));
    req.on('end', () => {
      const code = status();
      if (code === 202) bodies.push(JSON.parse(body));
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(
        code === 202
          ? JSON.stringify({ accepted: 0, duplicates: 0, rejected: [] })
          : JSON.stringify({ error: { name: 'Error', message: 'down' } }),
      );
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    bodies,
    url: `http://127.0.0.1:${port}/api/mcpeeker/events`,
    close: () => new Promise(r => server.close(r)),
  };
}

/** An agent on a machine whose user's home is `home`, its system folders under `systemRoot`. */
function agentOn(
  home: string,
  systemRoot: string,
  url: string,
  more: Partial<AgentConfig> = {},
) {
  const work = makeTempDir();
  const config: AgentConfig = {
    ...more,
    salt: SALT,
    saltIsDevelopmentDefault: false,
    owner: 'user:default/dana',
    intervalMs: 3_600_000,
    roots: [],
    processes: false,
    ports: false,
    report: { http: { url, token: 'agent-token' } },
    spool: { dir: path.join(work, 'spool'), maxEvents: 10_000 },
    credentialFile: path.join(work, 'credential'),
  };
  const log: string[] = [];
  const agent = new Agent(
    config,
    new HttpTransport({ url, token: 'agent-token' }),
    { log: line => log.push(line), env: {}, home, systemRoot },
  );
  return { agent, log };
}

/** A machine whose administrator allows two MCP servers in Claude Code, and nothing else. */
function enforcingMachine() {
  const systemRoot = makeTempDir();
  write(systemRoot, 'etc/claude-code/managed-settings.json', {
    allowedMcpServers: [{ serverName: 'github' }, { serverName: 'linear' }],
    allowManagedMcpServersOnly: true,
  });
  return systemRoot;
}

const ENFORCED = [
  {
    client: 'claude-code',
    mode: 'managed-only',
    byMcpeeker: false,
    allowed: 2,
  },
];

describe('mcpeeker-agent run: the host says what it enforces', () => {
  it('sends a host status when a scan finds no MCP server, and again once the portal is back', async () => {
    let up = false;
    const portal = await fakePortal(() => (up ? 202 : 503));
    try {
      const { agent, log } = agentOn(
        makeTempDir(),
        enforcingMachine(),
        portal.url,
      );
      await agent.scan();
      expect(await agent.flush()).toBe(0);
      expect(log.join('\n')).toContain(
        `host status not sent: the portal at ${portal.url.replace(
          /\/events$/,
          '',
        )} could not take the report now (HTTP 503): down`,
      );
      expect(portal.bodies).toEqual([]);

      up = true;
      await agent.flush();
      expect(portal.bodies).toHaveLength(1);
      const [body] = portal.bodies;
      expect(body.events).toEqual([]);
      expect(hostStatusSchema.parse(body.host)).toEqual({
        idHash: hashIdentifier(readHostId(), SALT),
        os: process.platform,
        owner: 'user:default/dana',
        enforcement: ENFORCED,
        // The scan's inventory: no config holds a server now, none unread,
        // so the portal may mark this owner's config servers here as gone.
        scan: { configIds: [], unreadConfigs: [] },
        observedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      // Said once: the next flush has nothing new to say.
      await agent.flush();
      expect(portal.bodies).toHaveLength(1);
    } finally {
      await portal.close();
    }
  });

  it('says "reports only" too: a machine under no managed policy sends an empty enforcement', async () => {
    const portal = await fakePortal(() => 202);
    try {
      const { agent } = agentOn(makeTempDir(), makeTempDir(), portal.url);
      await agent.scan();
      await agent.flush();
      expect(portal.bodies).toHaveLength(1);
      expect(portal.bodies[0].host.enforcement).toEqual([]);
    } finally {
      await portal.close();
    }
  });

  it('sends no separate status when there are events: each carries the host’s enforcement', async () => {
    const portal = await fakePortal(() => 202);
    try {
      const home = makeTempDir();
      buildLinuxHome(home, makeTempDir());
      const { agent } = agentOn(home, enforcingMachine(), portal.url);
      await agent.scan();
      await agent.flush();
      expect(portal.bodies.length).toBeGreaterThan(0);
      expect(portal.bodies.every(b => b.host === undefined)).toBe(true);
      const events = portal.bodies.flatMap(b => b.events);
      expect(events.length).toBeGreaterThan(0);
      for (const event of events) {
        const checked = validateEvent(event);
        expect(checked.success && checked.event.layer).toBe('endpoint');
        expect(event.host.enforcement).toEqual(ENFORCED);
      }
    } finally {
      await portal.close();
    }
  });

  it('names the host by the label its config gives it, and never by its host name', async () => {
    const portal = await fakePortal(() => 202);
    try {
      const { hostLabel } = loadAgentConfig(undefined, {
        MCPEEKER_HOST_LABEL: ' Dana’s MacBook ',
        MCPEEKER_HTTP_URL: portal.url,
        MCPEEKER_TOKEN: 'agent-token',
      });
      expect(hostLabel).toBe('Dana’s MacBook');
      const labelled = agentOn(makeTempDir(), makeTempDir(), portal.url, {
        hostLabel,
      });
      await labelled.agent.scan();
      await labelled.agent.flush();
      expect(hostStatusSchema.parse(portal.bodies[0].host).label).toBe(
        'Dana’s MacBook',
      );
      const home = makeTempDir();
      buildLinuxHome(home, makeTempDir());
      const withServers = agentOn(home, makeTempDir(), portal.url, {
        hostLabel,
      });
      await withServers.agent.scan();
      await withServers.agent.flush();
      const events = portal.bodies.slice(1).flatMap(b => b.events);
      expect(events.length).toBeGreaterThan(0);
      expect(events.every(e => e.host.label === 'Dana’s MacBook')).toBe(true);

      // No label configured: none is sent, and the host name never is.
      const before = portal.bodies.length;
      const plain = agentOn(makeTempDir(), makeTempDir(), portal.url);
      await plain.agent.scan();
      await plain.agent.flush();
      const sent = portal.bodies.slice(before);
      expect(sent[0].host).not.toHaveProperty('label');
      expect(JSON.stringify(sent)).not.toContain(`"${os.hostname()}"`);
    } finally {
      await portal.close();
    }
  });

  it('refuses a label of more than one line, naming where it is', () => {
    expect(() =>
      loadAgentConfig(undefined, { MCPEEKER_HOST_LABEL: 'Dana\nlaptop' }),
    ).toThrow(
      new AgentConfigError(
        'MCPEEKER_HOST_LABEL: expected one line of text of 1 to 64 characters, got "Dana\\nlaptop"',
      ),
    );
  });
});
