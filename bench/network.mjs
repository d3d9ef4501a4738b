#!/usr/bin/env node
// Benchmark of the agent's network log adapters (mcpeeker-agent network):
// a generated Zeek http.log (TSV) and a generated Suricata EVE file, each
// read end to end by the adapter (file → lines → records → MCP evidence →
// events, printed nowhere) and, in the same run, by a bare reader of the
// same file (stream, split on newlines, then split on tabs / JSON.parse).
// About 1 % of the lines are MCP; the rest is ordinary traffic. Prints one
// JSON line per adapter:
// {"bench":"network","adapter":"zeek"|"eve","lines":…,"linesPerSec":…,"rawParsePerSec":…,"ratio":…}
// And the live sensor's adapter (adapter "pcap"): real MCP sessions (the SDK
// client and server-everything) and plain HTTP recorded on loopback with
// dumpcap, turned into tshark's -T ek lines once; then the sensor's reading of
// those lines (parse → exchanges → signatures → events) against a bare
// JSON.parse of the same lines. tshark's own time is printed beside it
// (tsharkSec): it runs in its own process. Skipped, with a line saying so,
// without tshark and dumpcap (Debian's tshark; capturing needs root or the
// wireshark group).
// Usage: node bench/network.mjs [--lines N] [--runs N] [--sessions N]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { countArg, loadTs } from './harness.mjs';

const { readNetworkLogs } = loadTs(
  'plugins/mcpeeker-agent/src/network/logs/readNetworkLogs.ts',
);
const { RemoteHostList } = loadTs(
  'plugins/mcpeeker-agent/src/network/remoteHosts.ts',
);
const { TrafficSensor } = loadTs(
  'plugins/mcpeeker-agent/src/network/capture/captureTraffic.ts',
);
const { ExchangeAssembler } = loadTs(
  'plugins/mcpeeker-agent/src/network/capture/exchangeAssembler.ts',
);
const { parseTsharkLine, tsharkArgs } = loadTs(
  'plugins/mcpeeker-agent/src/network/capture/tsharkFrames.ts',
);
const LINES = countArg('--lines', '200000');
const SESSIONS = countArg('--sessions', '300');
const RUNS = countArg('--runs', '5');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpeeker-bench-network-'));
const ip = i => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const ts = i => (1764583200 + i / 1000).toFixed(6);

function zeekFile() {
  const fields =
    'ts uid id.orig_h id.orig_p id.resp_h id.resp_p trans_depth method host uri referrer version user_agent origin request_body_len response_body_len status_code status_msg info_code info_msg tags username password proxied orig_fuids orig_filenames orig_mime_types resp_fuids resp_filenames resp_mime_types client_header_names'.split(
      ' ',
    );
  const out = [
    '#separator \\x09',
    '#set_separator\t,',
    '#empty_field\t(empty)',
    '#unset_field\t-',
    '#path\thttp',
    '#open\t2026-12-01-10-00-00',
    `#fields\t${fields.join('\t')}`,
    `#types\t${fields.map(() => 'string').join('\t')}`,
  ];
  for (let i = 0; i < LINES; i++) {
    const mcp = i % 100 === 0;
    out.push(
      [
        ts(i),
        `C${i}`,
        ip(i),
        40000 + (i % 20000),
        ip(i + 7),
        mcp ? 3001 : 80,
        1,
        mcp ? 'POST' : 'GET',
        mcp ? '10.1.2.3:3001' : `www${i % 50}.example.com`,
        mcp ? '/mcp' : `/static/app.${i % 97}.js?v=${i}`,
        '-',
        '1.1',
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36',
        '-',
        mcp ? 58 : 0,
        1200,
        200,
        'OK',
        '-',
        '-',
        '(empty)',
        '-',
        '-',
        '-',
        '-',
        '-',
        mcp ? 'application/json' : '-',
        `F${i}`,
        '-',
        mcp ? 'text/event-stream' : 'application/javascript',
        mcp
          ? 'HOST,CONTENT-TYPE,ACCEPT,MCP-SESSION-ID,MCP-PROTOCOL-VERSION'
          : 'HOST,USER-AGENT,ACCEPT',
      ].join('\t'),
    );
  }
  out.push('#close\t2026-12-01-11-00-00');
  const file = path.join(dir, 'http.log');
  fs.writeFileSync(file, `${out.join('\n')}\n`);
  return file;
}

function eveFile() {
  const out = [];
  for (let i = 0; i < LINES; i++) {
    const common = {
      timestamp: `2026-12-01T10:00:${String(i % 60).padStart(2, '0')}.${String(
        i % 1e6,
      ).padStart(6, '0')}+0000`,
      flow_id: 1e12 + i,
      in_iface: 'eth0',
      src_ip: ip(i),
      src_port: 40000 + (i % 20000),
      dest_ip: ip(i + 7),
      proto: 'TCP',
    };
    let line;
    if (i % 100 === 0)
      line = {
        ...common,
        event_type: 'tls',
        dest_port: 443,
        tls: { sni: 'mcp.linear.app', version: 'TLS 1.3' },
      };
    else if (i % 4 === 0)
      line = {
        ...common,
        event_type: 'http',
        dest_port: 80,
        tx_id: 0,
        http: {
          hostname: `www${i % 50}.example.com`,
          url: `/static/app.${i % 97}.js`,
          http_user_agent: 'Mozilla/5.0 (X11; Linux x86_64)',
          http_content_type: 'application/javascript',
          http_method: 'GET',
          protocol: 'HTTP/1.1',
          status: 200,
          length: 1200,
        },
      };
    else if (i % 4 === 1)
      line = {
        ...common,
        event_type: 'tls',
        dest_port: 443,
        tls: { sni: `cdn${i % 50}.example.net`, version: 'TLS 1.3' },
      };
    else if (i % 4 === 2)
      line = {
        ...common,
        event_type: 'dns',
        proto: 'UDP',
        dest_port: 53,
        dns: {
          type: 'query',
          id: i % 65536,
          rrname: `host${i % 500}.example.org`,
          rrtype: 'A',
          tx_id: 0,
        },
      };
    else
      line = {
        ...common,
        event_type: 'flow',
        dest_port: 443,
        app_proto: 'tls',
        flow: {
          pkts_toserver: 9,
          pkts_toclient: 8,
          bytes_toserver: 1900,
          bytes_toclient: 2400,
          start: common.timestamp,
          end: common.timestamp,
          age: 0,
          state: 'closed',
          reason: 'timeout',
          alerted: false,
        },
      };
    out.push(JSON.stringify(line));
  }
  const file = path.join(dir, 'eve.json');
  fs.writeFileSync(file, `${out.join('\n')}\n`);
  return file;
}

/** The bare reader: the same stream, cut into lines, each split on tabs or parsed as JSON; nothing else. */
async function rawParse(file, parse) {
  let count = 0;
  let rest = '';
  for await (const chunk of fs.createReadStream(file, { encoding: 'utf8' })) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) {
      if (line === '' || line.startsWith('#')) continue;
      parse(line);
      count++;
    }
  }
  if (rest) {
    parse(rest);
    count++;
  }
  return count;
}

const hosts = RemoteHostList.shipped();
const context = kind => ({
  salt: 'bench-salt-0123456789',
  sensor: { id: `${kind}-bench`, kind, version: '0.0.0' },
});
async function adapter(kind, file) {
  let events = 0;
  await readNetworkLogs({
    sources: [{ kind, file }],
    follow: false,
    hosts,
    contexts: { zeek: context('zeek'), eve: context('suricata') },
    format: 'jsonl',
    stdout: () => {
      events++;
    },
    log: () => {},
  });
  return events;
}

async function bestRate(run, lines = LINES) {
  let best = 0;
  // The first run warms the JIT and the page cache; it is not counted.
  await run();
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    await run();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    best = Math.max(best, lines / seconds);
  }
  return best;
}

const onPath = command =>
  spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' })
    .status === 0;
const freePort = () =>
  new Promise(resolve => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** Records SESSIONS MCP sessions and ten times as many plain HTTP requests on loopback; returns tshark's ek lines of them. */
async function recordEkLines() {
  const mcpPort = await freePort();
  const everything = spawn(
    process.execPath,
    [
      path.resolve(
        'node_modules/@modelcontextprotocol/server-everything/dist/index.js',
      ),
      'streamableHttp',
    ],
    { env: { ...process.env, PORT: String(mcpPort) }, stdio: 'pipe' },
  );
  const plain = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('{"ok":true}'));
  });
  await new Promise(r => plain.listen(0, '127.0.0.1', r));
  const plainPort = plain.address().port;
  const pcap = path.join(dir, 'capture.pcapng');
  const dumpcap = spawn(
    'dumpcap',
    [
      '-i',
      'lo',
      '-q',
      '-w',
      pcap,
      '-f',
      `tcp port ${mcpPort} or tcp port ${plainPort}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  try {
    let said = '';
    dumpcap.stderr.on('data', c => (said += c));
    let out = '';
    everything.stdout.on('data', c => (out += c));
    everything.stderr.on('data', c => (out += c));
    for (
      let i = 0;
      !/^File: /m.test(said) || !/listening on port/i.test(out);
      i++
    ) {
      if (i > 600)
        throw new Error(`capture or server not ready: ${said} ${out}`);
      await new Promise(r => setTimeout(r, 100));
    }
    const require = createRequire(path.resolve('package.json'));
    const sdk = p =>
      import(
        pathToFileURL(require.resolve(`@modelcontextprotocol/sdk/${p}`)).href
      );
    const { Client } = await sdk('client/index.js');
    const { StreamableHTTPClientTransport } = await sdk(
      'client/streamableHttp.js',
    );
    for (let i = 0; i < SESSIONS; i++) {
      const client = new Client({ name: 'bench', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(
          new URL(`http://127.0.0.1:${mcpPort}/mcp`),
        ),
      );
      await client.listTools();
      await client.callTool({
        name: 'echo',
        arguments: { message: `hi ${i}` },
      });
      await client.close();
      for (let j = 0; j < 10; j++)
        await fetch(`http://127.0.0.1:${plainPort}/api/items/${i * 10 + j}`, {
          method: j % 2 ? 'POST' : 'GET',
          ...(j % 2
            ? {
                body: JSON.stringify({
                  jsonrpc: '2.0',
                  id: j,
                  method: 'eth_blockNumber',
                }),
              }
            : {}),
        });
    }
    // What dumpcap has written so far is flushed when it stops.
    await new Promise(r => setTimeout(r, 500));
  } finally {
    dumpcap.kill('SIGINT');
    await new Promise(r => dumpcap.once('exit', r));
    everything.kill();
    plain.close();
  }
  const started = process.hrtime.bigint();
  const tshark = spawnSync('tshark', tsharkArgs({ read: pcap }), {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const tsharkSec = Number(process.hrtime.bigint() - started) / 1e9;
  if (tshark.status !== 0) throw new Error(`tshark: ${tshark.stderr}`);
  return { lines: tshark.stdout.split('\n').filter(Boolean), tsharkSec };
}

/** The sensor's work on tshark's lines, as `network --read` does it, events counted. */
function sensorOver(lines) {
  const sensor = new TrafficSensor(context('tshark'), { hosts });
  let events = 0;
  const found = event => {
    if (event) events++;
  };
  const assembler = new ExchangeAssembler(o => found(sensor.observe(o)));
  for (const line of lines) {
    const frame = parseTsharkLine(line);
    if (!frame) continue;
    if (frame.kind === 'tls' || frame.kind === 'dns')
      found(sensor.observeName(frame, 'bench.pcapng'));
    else assembler.push(frame);
  }
  assembler.flush();
  return events;
}

try {
  if (!onPath('tshark') || !onPath('dumpcap'))
    console.error(
      'bench/network: pcap skipped: tshark and dumpcap are not installed',
    );
  else {
    const { lines, tsharkSec } = await recordEkLines();
    const events = sensorOver(lines);
    const linesPerSec = await bestRate(
      async () => sensorOver(lines),
      lines.length,
    );
    const rawParsePerSec = await bestRate(async () => {
      for (const line of lines) JSON.parse(line);
    }, lines.length);
    console.log(
      JSON.stringify({
        bench: 'network',
        adapter: 'pcap',
        lines: lines.length,
        sessions: SESSIONS,
        events,
        linesPerSec: Math.round(linesPerSec),
        rawParsePerSec: Math.round(rawParsePerSec),
        ratio: Math.round((linesPerSec / rawParsePerSec) * 100) / 100,
        tsharkSec: Math.round(tsharkSec * 100) / 100,
      }),
    );
  }
  for (const [kind, file, parse] of [
    ['zeek', zeekFile(), line => line.split('\t')],
    ['eve', eveFile(), line => JSON.parse(line)],
  ]) {
    const events = await adapter(kind, file);
    // Alternate which goes first, so neither always gets the warmer machine.
    const linesPerSec = await bestRate(() => adapter(kind, file));
    const rawParsePerSec = await bestRate(() => rawParse(file, parse));
    console.log(
      JSON.stringify({
        bench: 'network',
        adapter: kind,
        lines: LINES,
        events,
        linesPerSec: Math.round(linesPerSec),
        rawParsePerSec: Math.round(rawParsePerSec),
        ratio: Math.round((linesPerSec / rawParsePerSec) * 100) / 100,
      }),
    );
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
