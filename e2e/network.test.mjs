// End to end, the network layer as a user runs it: a real MCP server
// (server-everything, Streamable HTTP) on loopback, the real agent's scan
// reporting its port, the agent's live sensor (`network --interface lo
// --send`, tshark) watching a real MCP client (@modelcontextprotocol/sdk) talk
// to it, and the portal's backend correlating both into one finding whose
// breakdown shows both layers. JSON-RPC that is not MCP, in the same capture,
// stays silent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { ROOT, demoAuthHeaders, startPortal } from './portal.mjs';

const BACKEND = 'http://localhost:7500';
const METRICS_PORT = 9764;
const AGENT = path.join(ROOT, 'plugins/mcpeeker-agent/bin/mcpeeker-agent');
const hasTshark =
  spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;

let portal;
let work;
let decoy;
const children = [];

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts a process and waits until its output says `ready`. */
function startProcess(command, args, { env, ready, timeoutMs = 60_000 }) {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not ready in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = chunk => {
      output += chunk;
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve(Object.assign(child, { output: () => output }));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', code => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before ready:\n${output}`));
    });
  });
}

before(
  async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpeeker-e2e-network-'));
    const config = path.join(work, 'app-config.network.yaml');
    fs.writeFileSync(
      config,
      JSON.stringify({
        backend: { baseUrl: BACKEND, listen: { port: 7500 } },
      }),
    );
    portal = await startPortal({
      apps: ['backend'],
      extraConfigs: [config],
      backendUrl: BACKEND,
      metricsPort: METRICS_PORT,
      logName: 'e2e-network',
    });
  },
  { timeout: 300_000 },
);

after(async () => {
  decoy?.close();
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await portal?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test(
  'the agent and its network sensor report one MCP server; the backend makes one finding of both layers, and JSON-RPC that is not MCP stays silent',
  { timeout: 240_000, skip: !hasTshark && 'tshark is not installed' },
  async () => {
    // A real MCP server, and a JSON-RPC service that is not MCP.
    const mcpPort = await freePort();
    await startProcess(
      process.execPath,
      [
        path.join(
          ROOT,
          'node_modules/@modelcontextprotocol/server-everything/dist/index.js',
        ),
        'streamableHttp',
      ],
      { env: { PORT: String(mcpPort) }, ready: /listening on port/i },
    );
    decoy = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"jsonrpc":"2.0","id":1,"result":{"capabilities":{}}}');
      });
    });
    await new Promise(r => decoy.listen(0, '127.0.0.1', r));
    const decoyPort = decoy.address().port;

    const home = path.join(work, 'home');
    fs.mkdirSync(home);
    const agentConfig = path.join(home, 'agent.yaml');
    fs.writeFileSync(
      agentConfig,
      ['processes: false', 'owner: user:default/dana'].join('\n'),
    );
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      MCPEEKER_SPOOL_DIR: path.join(home, 'spool'),
      MCPEEKER_HOST_ID_SALT: 'mcpeeker-development-salt',
      MCPEEKER_HTTP_URL: `${BACKEND}/api/mcpeeker/events`,
      MCPEEKER_TOKEN: 'mcpeeker-dev-agent-token',
    };

    // The endpoint agent: its port probe finds the server.
    const scan = spawnSync(
      process.execPath,
      [AGENT, 'run', '--once', '--config', agentConfig],
      { encoding: 'utf8', env },
    );
    assert.equal(scan.status, 0, scan.stderr);
    assert.match(scan.stderr, /sent \d+ events? to http/);

    // The live sensor on loopback, sending what it sees.
    const sensor = await startProcess(
      process.execPath,
      [
        AGENT,
        'network',
        '--interface',
        'lo',
        '--send',
        '--config',
        agentConfig,
      ],
      { env, ready: /capturing on lo/ },
    );

    const require = createRequire(path.join(ROOT, 'package.json'));
    const sdk = p =>
      import(
        pathToFileURL(require.resolve(`@modelcontextprotocol/sdk/${p}`)).href
      );
    const { Client } = await sdk('client/index.js');
    const { StreamableHTTPClientTransport } = await sdk(
      'client/streamableHttp.js',
    );
    const analyst = await demoAuthHeaders(BACKEND, 'sam');

    /** The finding on the agent's port detection, once its network evidence has the tools/list. */
    const correlated = async () => {
      const res = await fetch(
        `${BACKEND}/api/mcpeeker/findings?layer=network&limit=100`,
        { headers: analyst },
      );
      assert.equal(res.status, 200);
      for (const f of (await res.json()).items) {
        if (!f.layers.includes('endpoint')) continue;
        const detail = await (
          await fetch(`${BACKEND}/api/mcpeeker/findings/${f.compositeId}`, {
            headers: analyst,
          })
        ).json();
        // The sensor sends what it saw in batches: on a busy machine the
        // session's initialize can land before its tools/list.
        if (
          detail.evidence.endpoint.some(e => e.detection.port === mcpPort) &&
          detail.evidence.network.some(
            e => e.flow.dstPort === mcpPort && e.mcp.method === 'tools/list',
          )
        )
          return detail;
      }
      return undefined;
    };

    // The capture may start a moment after tshark says so: a client session
    // at a time until the backend has what the sensor saw.
    let finding;
    const deadline = Date.now() + 120_000;
    while (!finding && Date.now() < deadline) {
      const client = new Client({ name: 'e2e-client', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(
          new URL(`http://127.0.0.1:${mcpPort}/mcp`),
        ),
      );
      const { tools } = await client.listTools();
      assert.ok(tools.some(t => t.name === 'echo'));
      await client.callTool({ name: 'echo', arguments: { message: 'hi' } });
      await client.close();
      // Decoys in the same capture: a language server's initialize, Ethereum.
      for (const body of [
        {
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: { processId: 42, rootUri: 'file:///src', capabilities: {} },
        },
        { jsonrpc: '2.0', id: 2, method: 'eth_blockNumber', params: [] },
      ])
        await fetch(`http://127.0.0.1:${decoyPort}/`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      for (let i = 0; i < 10 && !finding; i++) {
        await new Promise(r => setTimeout(r, 1000));
        finding = await correlated();
      }
    }
    assert.ok(finding, `no finding with both layers:\n${sensor.output()}`);

    // One finding, both layers in its breakdown, what the sensor saw in its evidence.
    assert.deepEqual(finding.layers, ['endpoint', 'network']);
    const layers = finding.breakdown.contributions.map(c => c.layer);
    assert.ok(layers.includes('endpoint') && layers.includes('network'));
    const methods = new Set(finding.evidence.network.map(e => e.mcp.method));
    assert.ok(methods.has('tools/list'), [...methods].join(', '));
    assert.ok(
      finding.evidence.network.every(e => e.sensor.kind === 'tshark'),
      'network evidence from the tshark sensor',
    );

    // The decoys made nothing.
    const all = await (
      await fetch(`${BACKEND}/api/mcpeeker/findings?layer=network&limit=200`, {
        headers: analyst,
      })
    ).json();
    assert.ok(
      !all.items.some(f => f.serverName === `MCP server on port ${decoyPort}`),
      'no finding for the JSON-RPC decoys',
    );

    // Stopped as a person stops it: it says what it did and exits 0.
    const exited = new Promise(r => sensor.once('exit', r));
    process.kill(sensor.pid, 'SIGINT');
    assert.equal(await exited, 0, sensor.output());
    assert.match(sensor.output(), /\d+ MCP exchanges?, \d+ events?/);
  },
);
