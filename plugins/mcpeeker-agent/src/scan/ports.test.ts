import { ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { AddressInfo } from 'node:net';
import {
  COMPOSITE_ID_PATTERN,
  toolDefinitionHash,
} from '@mcpeeker/plugin-mcpeeker-common';
import {
  parseLsofListen,
  parseNetstatListening,
  parseProcNetTcp,
  loopbackOriginOf,
} from './listeningPorts';
import { scanPorts } from './scanPorts';

jest.setTimeout(30_000);

const HOST = 'b'.repeat(64);
const SALT = 'ports-test-salt-0123456789';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise(r => server.close(r));
  return port;
}

async function waitForPort(port: number) {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>(resolve => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${port}`);
}

describe('scanPorts against real servers', () => {
  const children: ChildProcess[] = [];
  const servers: Array<http.Server | net.Server> = [];
  let ports: {
    streamable: number;
    sse: number;
    plainHttp: number;
    notHttp: number;
    recording: number;
  };
  const recordedMethods: string[] = [];
  const openSockets = new Set<net.Socket>();

  beforeAll(async () => {
    const everything = require.resolve(
      '@modelcontextprotocol/server-everything/dist/index.js',
    );
    ports = {
      streamable: await freePort(),
      sse: await freePort(),
      plainHttp: 0,
      notHttp: 0,
      recording: 0,
    };
    for (const [mode, port] of [
      ['streamableHttp', ports.streamable],
      ['sse', ports.sse],
    ] as const) {
      children.push(
        spawn(process.execPath, [everything, mode], {
          env: { ...process.env, PORT: String(port) },
          stdio: 'ignore',
        }),
      );
    }
    // An ordinary web server and a service that isn't HTTP at all.
    const plain = http.createServer((req, res) => {
      res.statusCode = req.method === 'GET' ? 200 : 404;
      res.end('<html>hello</html>');
    });
    const notHttp = net.createServer(socket => {
      openSockets.add(socket);
      socket.end('220 smtp.example ESMTP\r\n');
    });
    // A minimal MCP server that records every method it is asked.
    const recording = http.createServer((req, res) => {
      let body = '';
      req.on('data', d => (body += d));
      req.on('end', () => {
        const message = body ? JSON.parse(body) : {};
        recordedMethods.push(message.method);
        res.setHeader('content-type', 'application/json');
        if (message.id === undefined) {
          res.statusCode = 202;
          res.end();
        } else if (message.method === 'initialize') {
          res.end(
            JSON.stringify({
              jsonrpc: '2.0',
              id: message.id,
              result: {
                protocolVersion: '2025-06-18',
                capabilities: { tools: {} },
                serverInfo: { name: 'recorder', version: '1.0.0' },
              },
            }),
          );
        } else if (message.method === 'tools/list') {
          res.end(
            JSON.stringify({
              jsonrpc: '2.0',
              id: message.id,
              result: {
                tools: [
                  {
                    name: 'delete_everything',
                    description: 'dangerous',
                    inputSchema: { type: 'object' },
                  },
                ],
              },
            }),
          );
        } else {
          res.end(
            JSON.stringify({
              jsonrpc: '2.0',
              id: message.id,
              error: { code: -32601, message: 'no' },
            }),
          );
        }
      });
    });
    for (const server of [plain, notHttp, recording]) {
      await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
      servers.push(server);
    }
    ports.plainHttp = (plain.address() as AddressInfo).port;
    ports.notHttp = (notHttp.address() as AddressInfo).port;
    ports.recording = (recording.address() as AddressInfo).port;
    await waitForPort(ports.streamable);
    await waitForPort(ports.sse);
  });

  afterAll(async () => {
    for (const child of children) child.kill();
    for (const socket of openSockets) socket.destroy();
    await Promise.all(
      servers.map(
        s =>
          new Promise(r => {
            // fetch keeps connections alive; a server waits for them unless told.
            if (s instanceof http.Server) s.closeAllConnections();
            s.close(r);
          }),
      ),
    );
  });

  it('confirms MCP servers by their handshake over Streamable HTTP and legacy SSE, and nothing else', async () => {
    const result = await scanPorts({
      platform: 'linux',
      hostIdHash: HOST,
      salt: SALT,
      onlyPorts: Object.values(ports),
    });
    if (!('detections' in result)) throw new Error(result.skipped);
    const byPort = new Map(result.detections.map(d => [d.port, d]));
    expect([...byPort.keys()].sort()).toEqual(
      [ports.streamable, ports.sse, ports.recording].sort(),
    );

    const streamable = byPort.get(ports.streamable)!;
    expect(streamable).toMatchObject({
      source: 'port',
      transport: 'http',
      url: expect.stringMatching(new RegExp(`:${ports.streamable}/mcp$`)),
      serverInfo: { name: 'mcp-servers/everything' },
      protocolVersion: expect.any(String),
      capabilities: expect.arrayContaining(['tools']),
      tools: expect.arrayContaining(['echo']),
      toolsHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      pid: children[0].pid,
      compositeId: expect.stringMatching(COMPOSITE_ID_PATTERN),
    });
    const sse = byPort.get(ports.sse)!;
    expect(sse).toMatchObject({
      transport: 'sse',
      url: expect.stringMatching(/\/sse$/),
      serverInfo: { name: 'mcp-servers/everything' },
      pid: children[1].pid,
    });
    // The reference server's descriptions speak to no model: no tool-poisoning fact.
    expect(
      (streamable.risks ?? []).filter(f => f.kind === 'tool-poisoning'),
    ).toEqual([]);
    // The same server code offers the same tools, whatever the transport.
    expect(sse.toolsHash).toBe(streamable.toolsHash);
    expect(sse.tools).toEqual(streamable.tools);
  });

  it('asks only for the handshake and the tool list, never calls a tool, and hashes each tool as a gateway would', async () => {
    recordedMethods.length = 0;
    const result = await scanPorts({
      platform: 'linux',
      hostIdHash: HOST,
      salt: SALT,
      onlyPorts: [ports.recording],
    });
    expect(recordedMethods.filter(Boolean)).toEqual([
      'initialize',
      'notifications/initialized',
      'tools/list',
    ]);
    if (!('detections' in result)) throw new Error(result.skipped);
    // The gateway offers it as mcp__recorder__delete_everything: the same hash.
    expect(result.detections[0].toolDefinitions).toEqual([
      {
        name: 'delete_everything',
        hash: toolDefinitionHash({
          name: 'mcp__recorder__delete_everything',
          description: 'dangerous',
          inputSchema: { type: 'object' },
        }),
      },
    ]);
  });

  it('gives a changed tool set a different hash, the same server the same id', async () => {
    const first = await scanPorts({
      platform: 'linux',
      hostIdHash: HOST,
      salt: SALT,
      onlyPorts: [ports.streamable],
    });
    const second = await scanPorts({
      platform: 'linux',
      hostIdHash: HOST,
      salt: SALT,
      onlyPorts: [ports.streamable],
    });
    if (!('detections' in first) || !('detections' in second))
      throw new Error('skipped');
    expect(second.detections[0].toolsHash).toBe(first.detections[0].toolsHash);
    expect(second.detections[0].compositeId).toBe(
      first.detections[0].compositeId,
    );
  });
});

describe('listening port listings', () => {
  it('reads /proc/net/tcp and tcp6', () => {
    const tcp = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2222 1 0000000000000000 100 0 0 10 0
   2: 0100007F:1F91 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 3333 1 0000000000000000 100 0 0 10 0`;
    const tcp6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:0F3D 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4444 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:0F3E 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5555 1 0000000000000000 100 0 0 10 0`;
    expect(parseProcNetTcp(tcp, 4)).toEqual([
      { port: 3000, address: '0.0.0.0', inode: '1111' },
      { port: 8080, address: '127.0.0.1', inode: '2222' },
    ]);
    expect(parseProcNetTcp(tcp6, 6)).toEqual([
      { port: 3901, address: '::', inode: '4444' },
      { port: 3902, address: '::1', inode: '5555' },
    ]);
  });

  it('reads macOS lsof and Windows netstat listings', () => {
    const lsof = `COMMAND   PID USER   FD   TYPE             DEVICE SIZE/OFF NODE NAME
node    4242 dana   23u  IPv6 0x1234567890abcdef      0t0  TCP *:3001 (LISTEN)
Python  4343 dana    5u  IPv4 0x2234567890abcdef      0t0  TCP 127.0.0.1:8000 (LISTEN)
node    4444 dana   24u  IPv6 0x3234567890abcdef      0t0  TCP [::1]:6274 (LISTEN)
Google  555 dana   30u  IPv4 0x4234567890abcdef      0t0  TCP 192.168.1.20:52000->1.2.3.4:443 (ESTABLISHED)`;
    expect(parseLsofListen(lsof)).toEqual([
      { port: 3001, address: '0.0.0.0', pid: 4242 },
      { port: 8000, address: '127.0.0.1', pid: 4343 },
      { port: 6274, address: '::1', pid: 4444 },
    ]);
    const netstat = `
Active Connections

  Proto  Local Address          Foreign Address        State           PID
  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       1044
  TCP    127.0.0.1:3001         0.0.0.0:0              LISTENING       8812
  TCP    10.0.0.5:49700         20.1.2.3:443           ESTABLISHED     9000
  TCP    [::]:8080              [::]:0                 LISTENING       7000`;
    expect(parseNetstatListening(netstat)).toEqual([
      { port: 135, address: '0.0.0.0', pid: 1044 },
      { port: 3001, address: '127.0.0.1', pid: 8812 },
      { port: 8080, address: '::', pid: 7000 },
    ]);
  });

  it('knocks only on loopback', () => {
    expect(loopbackOriginOf({ port: 1, address: '0.0.0.0' })).toBe(
      'http://127.0.0.1:1',
    );
    expect(loopbackOriginOf({ port: 1, address: '::' })).toBe('http://[::1]:1');
    expect(loopbackOriginOf({ port: 1, address: '10.1.2.3' })).toBeUndefined();
  });
});
