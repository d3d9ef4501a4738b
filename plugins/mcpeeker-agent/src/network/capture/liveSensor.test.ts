import { ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  compositeId,
  hashIdentifier,
  NetworkEvent,
  networkEventSchema,
} from '@mcpeeker/plugin-mcpeeker-common';
import { runCli } from '../../cli';
import { interfaceAddressHashes } from '../../run/toEvents';

const onPath = (command: string) =>
  (process.env.PATH ?? '')
    .split(path.delimiter)
    .some(dir => fs.existsSync(path.join(dir, command)));
const HAVE_TSHARK = onPath('tshark') && onPath('dumpcap');
const SALT = 'live-sensor-test-salt';

/** Calls `check` until it returns something, or fails after `ms`. */
async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (let pause = 50; ; pause = Math.min(pause * 2, 500)) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, pause));
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

const accepts = (port: number) =>
  new Promise<true | undefined>(resolve => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(undefined));
  });

const children: ChildProcess[] = [];

/** server-everything in one of its HTTP modes, on a free port. */
async function startEverything(mode: 'streamableHttp' | 'sse') {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      require.resolve('@modelcontextprotocol/server-everything/dist/index.js'),
      mode,
    ],
    { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' },
  );
  children.push(child);
  await waitFor(`server-everything ${mode} on ${port}`, () => accepts(port));
  return port;
}

async function talkMcp(
  transport: StreamableHTTPClientTransport | SSEClientTransport,
) {
  const client = new Client({ name: 'live-sensor-test', version: '1.0.0' });
  await client.connect(transport);
  const { tools } = await client.listTools();
  expect(tools.map(t => t.name)).toContain('echo');
  await client.callTool({ name: 'echo', arguments: { message: 'hi' } });
  await client.close();
}

const DECOY_ANSWERS: Record<string, string> = {
  '/lsp':
    '{"jsonrpc":"2.0","id":1,"result":{"capabilities":{"hoverProvider":true},"serverInfo":{"name":"typescript-language-server","version":"4.3.3"}}}',
  '/eth': '{"jsonrpc":"2.0","id":1,"result":"0x13a5f2b"}',
};

/** JSON-RPC and REST that are not MCP, answered as their services would. */
function startDecoys(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(DECOY_ANSWERS[req.url ?? ''] ?? '{"status":"ok"}');
    });
  });
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () => resolve(server)),
  );
}

const post = (
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  }).then(r => r.text());

(HAVE_TSHARK ? describe : describe.skip)(
  `network --read on a real MCP session captured on loopback${
    HAVE_TSHARK
      ? ''
      : ' (skipped: tshark and dumpcap are not installed; apt-get install tshark)'
  }`,
  () => {
    let dir: string;
    let decoys: http.Server;
    let tlsPeer: net.Server | undefined;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpeeker-live-sensor-'));
    });
    afterAll(async () => {
      for (const child of children) if (child.exitCode === null) child.kill();
      tlsPeer?.close();
      decoys?.closeAllConnections();
      await new Promise(resolve =>
        decoys ? decoys.close(resolve) : resolve(undefined),
      );
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('reports Streamable HTTP and legacy SSE with their ports and methods, a TLS hello to a known remote server, and not the decoys', async () => {
      const [streamable, legacy] = await Promise.all([
        startEverything('streamableHttp'),
        startEverything('sse'),
      ]);
      decoys = await startDecoys();
      const decoyPort = (decoys.address() as net.AddressInfo).port;
      // A TLS server in name only: the ClientHello is what the sensor reads.
      tlsPeer = net.createServer(socket =>
        socket.on('data', () => socket.destroy()),
      );
      await new Promise<void>(resolve =>
        tlsPeer!.listen(0, '127.0.0.1', resolve),
      );
      const tlsPort = (tlsPeer.address() as net.AddressInfo).port;
      const hostsFile = path.join(dir, 'remote-mcp-hosts.txt');
      fs.writeFileSync(hostsFile, 'https://mcp.acme.example/mcp\n');
      const pcap = path.join(dir, 'loopback.pcapng');
      const dumpcap = spawn(
        'dumpcap',
        [
          '-i',
          'lo',
          '-q',
          '-w',
          pcap,
          '-f',
          [streamable, legacy, decoyPort, tlsPort]
            .map(p => `tcp port ${p}`)
            .join(' or '),
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      children.push(dumpcap);
      let dumpcapSaid = '';
      dumpcap.stderr!.on('data', chunk => (dumpcapSaid += chunk));
      const dumpcapExit = new Promise(resolve => dumpcap.once('exit', resolve));
      // "File: …" comes once the interface is open ("Capturing on" before).
      await waitFor('dumpcap to capture on lo', () => {
        if (/^File: /m.test(dumpcapSaid)) return true;
        if (dumpcap.exitCode !== null)
          throw new Error(`dumpcap stopped: ${dumpcapSaid}`);
        return undefined;
      });

      const decoyBase = `http://127.0.0.1:${decoyPort}`;
      await post(`${decoyBase}/lsp`, {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          processId: process.pid,
          rootUri: 'file:///home/dana/project',
          capabilities: {},
          clientInfo: { name: 'Visual Studio Code', version: '1.95.0' },
        },
      });
      await post(`${decoyBase}/eth`, [
        { jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] },
        { jsonrpc: '2.0', id: 2, method: 'eth_chainId', params: [] },
      ]);
      await post(
        `${decoyBase}/api/v1/databases/initialize`,
        { method: 'initialize', protocolVersion: '3', clientInfo: 'installer' },
        { accept: 'application/json, text/event-stream' },
      );
      await talkMcp(
        new StreamableHTTPClientTransport(
          new URL(`http://127.0.0.1:${streamable}/mcp`),
        ),
      );
      await talkMcp(
        new SSEClientTransport(new URL(`http://127.0.0.1:${legacy}/sse`)),
      );
      await new Promise(resolve => {
        const hello = tls.connect({
          host: '127.0.0.1',
          port: tlsPort,
          servername: 'mcp.acme.example',
          rejectUnauthorized: false,
        });
        hello.on('error', () => undefined);
        hello.on('close', resolve);
      });
      // Everything before this request is in the file once tshark finds it there.
      const marker = `/capture-complete-${Date.now()}`;
      await fetch(`${decoyBase}${marker}`).then(r => r.text());
      await waitFor('the capture file to hold the last request', async () => {
        const { stdout } = await promisify(execFile)('tshark', [
          '-r',
          pcap,
          '-Y',
          `http.request.uri == "${marker}"`,
          '-T',
          'fields',
          '-e',
          'frame.number',
        ]).catch(() => ({ stdout: '' }));
        return stdout.trim() ? true : undefined;
      });
      dumpcap.kill('SIGINT');
      await dumpcapExit;

      let out = '';
      let err = '';
      const code = await runCli(
        ['network', '--read', pcap, '--format', 'json', '--hosts', hostsFile],
        {
          stdout: text => (out += text),
          stderr: text => (err += text),
          env: { ...process.env, MCPEEKER_HOST_ID_SALT: SALT },
        },
      );
      expect({ code, err }).toEqual({
        code: 0,
        err: expect.stringMatching(/MCP exchanges/),
      });
      const { events } = JSON.parse(out) as { events: NetworkEvent[] };
      for (const event of events) networkEventSchema.parse(event);

      const on = (port: number) => events.filter(e => e.flow.dstPort === port);
      expect(on(decoyPort)).toEqual([]);
      const loopback = hashIdentifier('127.0.0.1', SALT);
      for (const [port, transport] of [
        [streamable, 'http'],
        [legacy, 'sse'],
      ] as const) {
        const seen = on(port);
        expect(seen.map(e => e.mcp.method)).toEqual(
          expect.arrayContaining(['initialize', 'tools/list', 'tools/call']),
        );
        expect(seen.every(e => e.flow.transport === transport)).toBe(true);
        expect(seen.every(e => e.sensor.kind === 'tshark')).toBe(true);
        expect(seen.every(e => e.flow.dstAddressHash === loopback)).toBe(true);
        expect(
          seen.find(e => e.mcp.method === 'initialize')?.signature,
        ).toMatchObject({
          id: 'MCP-001',
          severity: 'high',
        });
        expect(seen.map(e => e.mcp.serverInfo?.name)).toContain(
          'mcp-servers/everything',
        );
      }
      expect(on(legacy).map(e => e.signature?.id)).toContain('MCP-008');
      expect(on(tlsPort)).toEqual([
        expect.objectContaining({
          compositeId: compositeId({
            processSignature: 'https://mcp.acme.example/mcp',
          }),
          flow: expect.objectContaining({ tls: true, dstPort: tlsPort }),
          evidence: [expect.objectContaining({ kind: 'tls-sni' })],
        }),
      ]);
      expect(
        on(streamable).find(e => e.mcp.method === 'tools/list')?.mcp
          .sessionIdHash,
      ).toMatch(/^[0-9a-f]{64}$/);
    }, 120_000);

    it("runs live on lo and puts loopback on this host's address, as the agent reports it", async () => {
      const port = await startEverything('streamableHttp');
      const sensor = spawn(
        process.execPath,
        [
          path.resolve(__dirname, '../../../bin/mcpeeker-agent'),
          'network',
          '--interface',
          'lo',
          '--capture-filter',
          `tcp port ${port}`,
        ],
        {
          env: { ...process.env, MCPEEKER_HOST_ID_SALT: SALT },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      children.push(sensor);
      let out = '';
      let err = '';
      sensor.stdout!.on('data', chunk => (out += chunk));
      sensor.stderr!.on('data', chunk => (err += chunk));
      const exit = new Promise(resolve => sensor.once('exit', resolve));
      await waitFor('the sensor to capture on lo', () => {
        if (/capturing on lo/.test(err)) return true;
        if (sensor.exitCode !== null)
          throw new Error(`the sensor stopped: ${err}`);
        return undefined;
      });

      const printed = () =>
        out
          .split('\n')
          .filter(Boolean)
          .map(line => networkEventSchema.parse(JSON.parse(line)));
      // tshark says it captures before its dumpcap has the interface open:
      // probe (a tools/list the server refuses) until the sensor reports one.
      const PROBE = 'capture-probe';
      await waitFor('the sensor to report a probe', async () => {
        await post(
          `http://127.0.0.1:${port}/mcp`,
          { jsonrpc: '2.0', id: 1, method: 'tools/list' },
          { 'user-agent': PROBE },
        );
        const seen = printed().some(e => e.mcp.userAgent === PROBE);
        return seen ? true : undefined;
      });

      await talkMcp(
        new StreamableHTTPClientTransport(
          new URL(`http://127.0.0.1:${port}/mcp`),
        ),
      );
      const events = await waitFor('the tools/call event', () => {
        const seen = printed().filter(e => e.mcp.userAgent !== PROBE);
        return seen.some(e => e.mcp.method === 'tools/call') ? seen : undefined;
      });
      sensor.kill('SIGINT');
      expect(await exit).toBe(0);
      expect(err).toMatch(/MCP exchanges, \d+ events/);

      expect(events.map(e => e.mcp.method)).toEqual(
        expect.arrayContaining(['initialize', 'tools/list', 'tools/call']),
      );
      // The agent's own addresses, or loopback where the machine has none.
      const agentAddresses = interfaceAddressHashes(SALT);
      const thisHost =
        agentAddresses.length > 0
          ? agentAddresses
          : [hashIdentifier('127.0.0.1', SALT)];
      for (const event of events) {
        expect(event.flow.dstPort).toBe(port);
        expect(event.sensor.kind).toBe('tshark');
        expect(thisHost).toContain(event.flow.dstAddressHash);
      }
    }, 120_000);
  },
);
