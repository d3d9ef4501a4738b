import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashIdentifier } from '@mcpeeker/plugin-mcpeeker-common';
import { runCli } from '../../cli';
import { RemoteHostList } from '../remoteHosts';
import { NAME_REPEAT_MS, TrafficSensor } from './captureTraffic';
import type { ExchangeObservation } from './exchangeAssembler';

const SALT = 'capture-test-salt';
const context = {
  salt: SALT,
  sensor: { id: 'tshark-test', kind: 'tshark' as const, version: '0.1.0' },
};

const INITIALIZE_BODY =
  '{"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"exp","version":"1.0.0"}},"jsonrpc":"2.0","id":0}';

const observation = (
  overrides: Partial<ExchangeObservation> &
    Pick<ExchangeObservation, 'exchange'>,
): ExchangeObservation => ({
  key: '0:4',
  time: Date.parse('2026-12-03T04:16:43.585Z'),
  client: '10.1.2.9',
  server: '10.1.2.3',
  serverPort: 3001,
  ...overrides,
});

describe('TrafficSensor', () => {
  it('reports an exchange again only for what it had not shown: the request, then the server naming itself', () => {
    const sensor = new TrafficSensor(context);
    const request = {
      method: 'POST',
      uri: '/mcp',
      requestHeaders: [{ name: 'content-type', value: 'application/json' }],
      requestBody: INITIALIZE_BODY,
    };
    const first = sensor.observe(observation({ exchange: request }))!;
    expect(first.signature).toEqual({
      id: 'MCP-001',
      name: 'MCP initialize request over HTTP',
      severity: 'high',
    });
    expect(first.mcp.serverInfo).toBeUndefined();
    expect(first.flow).toEqual({
      srcAddressHash: hashIdentifier('10.1.2.9', SALT),
      dstAddressHash: hashIdentifier('10.1.2.3', SALT),
      dstPort: 3001,
      transport: 'http',
    });
    expect(first.observedAt).toBe('2026-12-03T04:16:43.585Z');

    const answered = {
      ...request,
      response: {
        status: 200,
        headers: [
          { name: 'content-type', value: 'application/json' },
          { name: 'mcp-session-id', value: 'secret-session-1' },
        ],
        body: '{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-11-25","capabilities":{},"serverInfo":{"name":"acme-crm","version":"3.1.0"}}}',
      },
    };
    const second = sensor.observe(observation({ exchange: answered }))!;
    expect(second.signature?.id).toBe('MCP-002');
    expect(second.mcp).toMatchObject({
      method: 'initialize',
      serverInfo: { name: 'acme-crm' },
      sessionIdHash: hashIdentifier('secret-session-1', SALT),
    });
    expect(JSON.stringify(second)).not.toContain('secret-session-1');
    expect(sensor.observe(observation({ exchange: answered }))).toBeUndefined();
    expect(sensor.exchanges).toBe(1);
  });

  it('knows the legacy transport by the endpoint its stream announced, on that server only', () => {
    const sensor = new TrafficSensor(context);
    const stream = sensor.observe(
      observation({
        key: '3:35',
        exchange: {
          method: 'GET',
          uri: '/sse',
          requestHeaders: [{ name: 'Accept', value: 'text/event-stream' }],
          requestBody: '',
          response: {
            status: 200,
            headers: [{ name: 'Content-Type', value: 'text/event-stream' }],
            body: 'event: endpoint\ndata: /message?sessionId=abc-123\n\n',
          },
        },
      }),
    )!;
    expect(stream.flow.transport).toBe('sse');
    expect(stream.signature?.id).toBe('MCP-008');
    const postTo = (serverPort: number, key: string) =>
      sensor.observe(
        observation({
          key,
          serverPort,
          exchange: {
            method: 'POST',
            uri: '/message?sessionId=abc-123',
            requestHeaders: [],
            requestBody: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
          },
        }),
      )!;
    const post = postTo(3001, '5:42');
    expect(post.flow.transport).toBe('sse');
    expect(post.mcp.method).toBe('tools/list');
    expect(post.mcp.sessionIdHash).toBe(hashIdentifier('abc-123', SALT));
    expect(stream.mcp.sessionIdHash).toBe(post.mcp.sessionIdHash);
    expect(post.evidence[0]).toEqual({
      kind: 'http-request',
      snippet:
        'POST /message?sessionId=… → no answer seen; JSON-RPC tools/list',
      location: '/message?sessionId=…',
    });
    expect(postTo(3002, '6:50').flow.transport).toBe('http');
  });
});

describe('TrafficSensor on its own host', () => {
  it("takes loopback for this host's address, so the event meets the agent's port detection", () => {
    const exchange = {
      method: 'POST',
      uri: '/mcp',
      requestHeaders: [],
      requestBody: INITIALIZE_BODY,
    };
    const here = new TrafficSensor(context, { hostAddress: '192.0.2.2' });
    for (const [client, server] of [
      ['127.0.0.1', '127.0.0.1'],
      ['::1', '0:0:0:0:0:0:0:1'],
    ]) {
      const event = here.observe(
        observation({ key: server, client, server, exchange }),
      )!;
      expect(event.flow.dstAddressHash).toBe(hashIdentifier('192.0.2.2', SALT));
      expect(event.flow.srcAddressHash).toBe(hashIdentifier('192.0.2.2', SALT));
    }
    const remote = here.observe(observation({ key: 'r', exchange }))!;
    expect(remote.flow.dstAddressHash).toBe(hashIdentifier('10.1.2.3', SALT));
    const fromFile = new TrafficSensor(context).observe(
      observation({ client: '127.0.0.1', server: '127.0.0.1', exchange }),
    )!;
    expect(fromFile.flow.dstAddressHash).toBe(
      hashIdentifier('127.0.0.1', SALT),
    );
  });
});

describe('TrafficSensor over TLS and DNS: names only', () => {
  const hosts = new RemoteHostList(
    [
      {
        host: 'mcp.acme.example',
        path: '/mcp',
        url: 'https://mcp.acme.example/mcp',
        name: 'Acme CRM',
      },
      {
        host: 'api.shared.example',
        path: '/mcp',
        url: 'https://api.shared.example/mcp',
        name: 'Shared',
      },
    ],
    ['api.shared.example'],
  );
  const base = {
    frame: 1,
    time: Date.parse('2026-12-03T05:00:00Z'),
    src: '10.1.2.9',
    dst: '203.0.113.7',
    srcPort: 51000,
    dstPort: 443,
    stream: 7,
  };

  it('reports a ClientHello naming a known remote MCP server, once per client and server in 5 minutes', () => {
    const sensor = new TrafficSensor(context, { hosts });
    const hello = {
      ...base,
      kind: 'tls' as const,
      serverName: 'MCP.acme.example',
    };
    const event = sensor.observeName(hello, 'interface eth0')!;
    expect(event.flow).toMatchObject({
      dstAddressHash: hashIdentifier('203.0.113.7', SALT),
      dstPort: 443,
      tls: true,
    });
    expect(event.mcp.serverInfo?.name).toBe('mcp.acme.example');
    expect(event.evidence[0]).toEqual({
      kind: 'tls-sni',
      snippet:
        'TLS to mcp.acme.example: Acme CRM, a known remote MCP server (https://mcp.acme.example/mcp)',
      location: 'interface eth0',
    });
    expect(
      sensor.observeName({ ...hello, time: hello.time + 60_000 }, 'x'),
    ).toBeUndefined();
    expect(
      sensor.observeName({ ...hello, time: hello.time + NAME_REPEAT_MS }, 'x'),
    ).toBeDefined();
    // A host that serves other traffic too is no evidence by its name.
    expect(
      sensor.observeName({ ...hello, serverName: 'api.shared.example' }, 'x'),
    ).toBeUndefined();
    expect(new TrafficSensor(context).observeName(hello, 'x')).toBeUndefined();
  });

  it("reports a DNS answer for one: the client that asked, the server's address", () => {
    const sensor = new TrafficSensor(context, { hosts });
    const answer = {
      ...base,
      src: '10.1.0.53',
      srcPort: 53,
      dst: '10.1.2.9',
      dstPort: 40000,
      stream: -1,
      kind: 'dns' as const,
      name: 'mcp.acme.example',
      answer: '203.0.113.7',
    };
    const event = sensor.observeName(answer, 'f.pcap')!;
    expect(event.flow).toMatchObject({
      srcAddressHash: hashIdentifier('10.1.2.9', SALT),
      dstAddressHash: hashIdentifier('203.0.113.7', SALT),
      dstPort: 443,
      tls: true,
    });
    expect(event.evidence[0].kind).toBe('dns-query');
  });
});

describe('network --interface / --read', () => {
  const run = async (args: string[], env: Record<string, string> = {}) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(['network', ...args], {
      stdout: text => (stdout += text),
      stderr: text => (stderr += text),
      env: { ...process.env, MCPEEKER_HOST_ID_SALT: SALT, ...env },
    });
    return { code, stdout, stderr };
  };

  it.each([
    [['--interface', 'lo', '--zeek', '/tmp'], /not with --zeek or --eve/],
    [
      ['--read', 'a.pcap', '--interface', 'lo'],
      /one of --interface and --read/,
    ],
    [['--interface', 'lo', '--follow'], /--follow is for logs/],
    [['--read', 'a.pcap', '--capture-filter', 'tcp'], /goes with --interface/],
    [
      ['--read', '/nowhere/capture.pcap'],
      /--read \/nowhere\/capture.pcap: cannot be read \(ENOENT\)/,
    ],
  ])('%j is a usage error', async (args, message) => {
    const { code, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('says how to install tshark when it is not there', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpeeker-capture-'));
    const file = path.join(dir, 'empty.pcap');
    fs.writeFileSync(file, '');
    try {
      const { code, stdout, stderr } = await run(['--read', file], {
        MCPEEKER_TSHARK: path.join(dir, 'no-tshark-here'),
      });
      expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
      expect(stderr).toMatch(/is not installed: .*apt-get install tshark/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
