import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  hashIdentifier,
  NetworkEvent,
  validateEvent,
} from '@mcpeeker/plugin-mcpeeker-common';
import { makeTempDir, PLANTED } from '../../__testUtils__/fixtures';
import {
  AGENTS_TOKEN,
  IngestPortal,
  startIngestPortal,
} from '../../__testUtils__/ingestPortal';
import { runCli } from '../../cli';
import { canonicalAddress, NetworkEventContext } from '../networkEvent';
import { RemoteHostList } from '../remoteHosts';
import { MCPEEKER_SIDS } from './eveLog';
import { timeOf } from './logRecord';
import { NetworkLogSource, readNetworkLogs } from './readNetworkLogs';

// Following polls files: a busy two-core machine needs room, never a tight bound.
jest.setTimeout(120_000);

const SALT = 'network-logs-test-salt-0123456789';
const FIXTURES = path.join(__dirname, '__fixtures__');
const fixture = (name: string) => path.join(FIXTURES, name);
const context = (kind: 'zeek' | 'suricata'): NetworkEventContext => ({
  salt: SALT,
  sensor: { id: `${kind}-test`, kind, version: '0.0.0' },
});

async function read(
  sources: NetworkLogSource[],
  options: {
    hosts?: RemoteHostList;
    follow?: boolean;
    checkpointDir?: string;
    stop?: AbortSignal;
    onEvent?: (event: NetworkEvent) => void;
    stdin?: Readable;
  } = {},
) {
  const events: NetworkEvent[] = [];
  const logs: string[] = [];
  const code = await readNetworkLogs({
    sources,
    follow: options.follow ?? false,
    hosts: options.hosts ?? RemoteHostList.shipped(),
    contexts: { zeek: context('zeek'), eve: context('suricata') },
    checkpointDir: options.checkpointDir,
    format: 'jsonl',
    stdout: text => {
      for (const line of text.split('\n').filter(Boolean)) {
        const event = JSON.parse(line) as NetworkEvent;
        events.push(event);
        options.onEvent?.(event);
      }
    },
    log: line => logs.push(line),
    pollMs: 50,
    stop: options.stop,
    stdin: options.stdin,
  });
  return { code, events, logs, summary: logs.join('\n') };
}

function expectValid(events: NetworkEvent[]) {
  for (const event of events) {
    const result = validateEvent(event);
    expect(result.success ? [] : result).toEqual([]);
  }
}

describe('the real samples', () => {
  it.each([
    ['zeek', 'zeek-tsv/conn.log', 4],
    ['zeek', 'zeek-tsv/ssl.log', 5],
    ['zeek', 'zeek-tsv/dns.log', 5],
    ['zeek', 'zeek-json/conn.log', 18],
    ['zeek', 'zeek-json/http.log', 7],
    ['zeek', 'zeek-json/ssl.json', 5],
    ['zeek', 'zeek-json/dns.json', 5],
    ['eve', 'eve/eve-dns-4.1.4.log', 9],
    ['eve', 'eve/test-eve-6-0.log', 3],
  ] as const)(
    '%s %s: every record read, none skipped, no MCP in it',
    async (kind, file, records) => {
      const { events, summary } = await read([{ kind, file: fixture(file) }]);
      expect(summary).toContain(
        `${records} records read, 0 events, 0 lines skipped`,
      );
      expect(events).toEqual([]);
    },
  );

  it("reads the cluster's conn.log with its extra leading _node_name column by its header", async () => {
    const header = fs
      .readFileSync(fixture('zeek-tsv/conn.log'), 'utf8')
      .split('\n')
      .find(l => l.startsWith('#fields'))!;
    expect(header.split('\t')[1]).toBe('_node_name');
    // The same extra column before our own mcp.log's fields: read by name, the addresses are where the header says.
    const dir = makeTempDir('mcpeeker-network-');
    const lines = fs.readFileSync(fixture('mcp/mcp.log'), 'utf8').split('\n');
    const shifted = lines.map(l => {
      if (l.startsWith('#fields'))
        return l.replace('#fields	', '#fields	_node_name	');
      if (l.startsWith('#types')) return l.replace('#types	', '#types	string	');
      return l && !l.startsWith('#') ? `worker-eth0-1	${l}` : l;
    });
    fs.writeFileSync(path.join(dir, 'mcp.log'), shifted.join('\n'));
    const { events } = await read([
      { kind: 'zeek', file: path.join(dir, 'mcp.log') },
    ]);
    expect(events).toHaveLength(3);
    expect(events[0].flow.dstAddressHash).toBe(
      hashIdentifier('10.1.2.3', SALT),
    );
    expect(events[0].flow.dstPort).toBe(3001);
  });

  it('turns a real SNI and DNS name into events once the organisation lists them, in TSV and JSON alike, with both timestamp forms', async () => {
    // wrccdc names from the zed samples, as an organisation's own hosts file would list them.
    const hosts = RemoteHostList.shipped().with([
      {
        host: 'ise.wrccdc.org',
        path: '/mcp',
        url: 'https://ise.wrccdc.org/mcp',
        name: 'ISE',
      },
    ]);
    const tsv = await read(
      [{ kind: 'zeek', file: fixture('zeek-tsv/dns.log') }],
      { hosts },
    );
    const json = await read(
      [{ kind: 'zeek', file: fixture('zeek-json/dns.json') }],
      { hosts },
    );
    expect(tsv.events.length).toBeGreaterThan(0);
    expect(json.events.length).toBe(tsv.events.length);
    // TSV writes epoch seconds, JSON-Streaming-Logs ISO 8601: the same moment.
    expect(json.events.map(e => e.observedAt)).toEqual(
      tsv.events.map(e => e.observedAt),
    );
    expect(tsv.events[0].observedAt).toBe('2018-03-24T17:15:20.865Z');
    expect(tsv.events[0].mcp.serverInfo?.name).toBe('ise.wrccdc.org');
    expect(tsv.events[0].flow.dstAddressHash).toBe(
      hashIdentifier('134.71.3.16', SALT),
    );
    expectValid([...tsv.events, ...json.events]);
  });

  it('reads both of Suricata 4.1 DNS formats: v1 one record per answer, v2 answers/grouped', async () => {
    const hosts = RemoteHostList.shipped().with([
      {
        host: 'google.com',
        path: '/mcp',
        url: 'https://google.com/mcp',
        name: 'G',
      },
      {
        host: 'atsv2-fp-shed.wg1.b.yahoo.com',
        path: '/mcp',
        url: 'https://atsv2-fp-shed.wg1.b.yahoo.com/mcp',
        name: 'Y',
      },
    ]);
    const { events } = await read(
      [{ kind: 'eve', file: fixture('eve/eve-dns-4.1.4.log') }],
      { hosts },
    );
    const answers = events.filter(e => e.evidence[0].snippet.includes('('));
    // v2: the AAAA answer in full form hashes as the compressed address the agent reports.
    expect(events.map(e => e.flow.dstAddressHash)).toContain(
      hashIdentifier('2607:f8b0:4006:805::200e', SALT),
    );
    // v1: each A answer of its own record.
    expect(events.map(e => e.flow.dstAddressHash)).toEqual(
      expect.arrayContaining([
        hashIdentifier('98.138.219.232', SALT),
        hashIdentifier('98.138.219.231', SALT),
      ]),
    );
    // An answer's client is its dest_ip.
    expect(
      answers.every(
        e => e.flow.srcAddressHash === hashIdentifier('10.0.2.15', SALT),
      ),
    ).toBe(true);
    expectValid(events);
  });
});

describe('MCP evidence', () => {
  it('Zeek http.log: MCP headers together, an SSE stream for mcp-remote, a CONNECT to a known remote server; the decoys stay silent', async () => {
    const { events, summary } = await read([
      { kind: 'zeek', file: fixture('mcp/http.log') },
    ]);
    expect(summary).toContain('7 records read, 3 events, 0 lines skipped');
    const [streamable, sse, connect] = events;
    expect(streamable.flow).toMatchObject({
      dstPort: 3001,
      transport: 'sse',
      tls: false,
    });
    expect(streamable.evidence[0].snippet).toContain('Mcp-Session-Id header');
    expect(sse.flow).toMatchObject({ dstPort: 3002, transport: 'sse' });
    expect(sse.mcp.userAgent).toBe('mcp-remote/0.1.29');
    expect(connect.flow.tls).toBe(true);
    expect(connect.mcp.serverInfo?.name).toBe('mcp.notion.com');
    const decoys = ['10.1.2.9', '10.1.2.10', '10.1.2.11', '10.1.2.12'].map(a =>
      hashIdentifier(a, SALT),
    );
    expect(events.filter(e => decoys.includes(e.flow.dstAddressHash))).toEqual(
      [],
    );
    expectValid(events);
  });

  it("Zeek mcp.log (our script's): each line an event with its signature, the session id hashed", async () => {
    const { events } = await read([
      { kind: 'zeek', file: fixture('mcp/mcp.log') },
    ]);
    expect(events.map(e => e.signature)).toEqual([
      {
        id: 'MCP-001',
        name: 'MCP initialize request over HTTP',
        severity: 'high',
      },
      {
        id: 'MCP-002',
        name: 'MCP initialize result over HTTP',
        severity: 'high',
      },
      {
        id: 'MCP-004',
        name: 'MCP tools/call request over HTTP',
        severity: 'high',
      },
    ]);
    expect(events[1].mcp).toMatchObject({
      method: 'initialize',
      serverInfo: { name: 'mcp-servers/everything' },
      sessionIdHash: hashIdentifier(
        '7f3c9a52-52c4-4f37-9a0e-1d2b3c4d5e6f',
        SALT,
      ),
    });
    expect(JSON.stringify(events)).not.toContain('7f3c9a52');
    expectValid(events);
  });

  it('Zeek ssl and dns: a known remote MCP host by SNI or query; a shared host by its name alone is not enough', async () => {
    const { events } = await read([
      { kind: 'zeek', file: fixture('mcp/ssl.json') },
      { kind: 'zeek', file: fixture('mcp/dns.json') },
    ]);
    expect(events.map(e => e.mcp.serverInfo?.name)).toEqual([
      'mcp.linear.app',
      'mcp.asana.com',
    ]);
    expect(events[0].flow).toMatchObject({
      transport: 'http',
      tls: true,
      dstPort: 443,
    });
    expect(events[1].flow.dstAddressHash).toBe(
      hashIdentifier('203.0.113.40', SALT),
    );
    expectValid(events);
  });

  it('Suricata EVE: our alerts with their signature, MCP headers on http, a known SNI, DNS v1 and v2; flow alone is nothing', async () => {
    const { events, summary } = await read([
      { kind: 'eve', file: fixture('mcp/eve.json') },
    ]);
    expect(summary).toContain('8 records read, 7 events, 0 lines skipped');
    const [initialize, result, httpEvent, tls, query, answerV1, answerV2] =
      events;
    expect(initialize.signature).toEqual({
      id: 'MCP-001',
      name: 'MCP initialize request over HTTP',
      severity: 'high',
    });
    // The initialize result goes server → client: the server is still the destination of the flow we report.
    expect(result.signature?.id).toBe('MCP-002');
    expect(result.flow.dstAddressHash).toBe(hashIdentifier('10.1.2.3', SALT));
    expect(result.flow.dstPort).toBe(3001);
    expect(httpEvent.mcp.sessionIdHash).toBe(
      hashIdentifier('7f3c9a52-52c4-4f37-9a0e-1d2b3c4d5e6f', SALT),
    );
    expect(tls.mcp.serverInfo?.name).toBe('mcp.linear.app');
    expect(query.evidence[0].kind).toBe('dns-query');
    expect(answerV1.flow.dstAddressHash).toBe(
      hashIdentifier('203.0.113.40', SALT),
    );
    expect(answerV2.flow.dstAddressHash).toBe(
      hashIdentifier('2001:db8::42', SALT),
    );
    // One server, one identity: the query and answers of mcp.asana.com share it.
    expect(answerV1.compositeId).toBe(query.compositeId);
    expectValid(events);
  });

  it('Suricata EVE decoys: a language server, Ethereum JSON-RPC, REST, an unrelated event stream, a shared host, another ruleset: nothing', async () => {
    const { events, summary } = await read([
      { kind: 'eve', file: fixture('mcp/eve-decoys.json') },
    ]);
    expect(events).toEqual([]);
    expect(summary).toContain('6 records read, 0 events, 0 lines skipped');
  });

  it('a real alert of another ruleset (ET POLICY, sid 2024833) is no evidence of ours', async () => {
    const { events, summary } = await read([
      { kind: 'eve', file: fixture('eve/eve.json') },
    ]);
    expect(events).toEqual([]);
    expect(summary).toContain(
      '5 records read, 0 events, 3 lines skipped (unknown event type ×3)',
    );
  });

  it('every sid of signatures/mcp.rules (when there) is in our block, and its msg and metadata name the id we read', () => {
    const rules = path.resolve(__dirname, '../../../signatures/mcp.rules');
    const text = fs.existsSync(rules) ? fs.readFileSync(rules, 'utf8') : '';
    const found = [
      ...text.matchAll(
        /msg:"MCPeeker (MCP-\d+) [^"]*";.*?mcpeeker_id (MCP-\d+).*?sid:(\d+);/g,
      ),
    ].map(([, fromMsg, fromMeta, sid]) => ({
      fromMsg,
      fromMeta,
      sid: Number(sid),
    }));
    expect(found.filter(f => f.fromMeta !== f.fromMsg)).toEqual([]);
    expect(
      found.filter(
        f => f.sid < MCPEEKER_SIDS.first || f.sid > MCPEEKER_SIDS.last,
      ),
    ).toEqual([]);
    expect(found.length).toBe(text.split('\nalert ').length - 1);
  });
});

describe('secrets', () => {
  it('never leave in an event: a token in the request target or user agent is redacted, a session id hashed', async () => {
    const dir = makeTempDir('mcpeeker-network-');
    const lines = fs.readFileSync(fixture('mcp/http.log'), 'utf8').split('\n');
    const positive = lines.find(l => l.includes('\tCmcp1\t'))!;
    const file = path.join(dir, 'http.log');
    fs.writeFileSync(
      file,
      [
        ...lines.filter(l => l.startsWith('#') && !l.startsWith('#close')),
        positive
          .replace('\t/mcp\t', `\t/mcp?access_token=${PLANTED.githubPat}\t`)
          .replace('\tnode\t', `\tnode Bearer ${PLANTED.bearer}\t`),
      ].join('\n'),
    );
    const { events } = await read([{ kind: 'zeek', file }]);
    expect(events).toHaveLength(1);
    const text = JSON.stringify(events);
    expect(text).not.toContain(PLANTED.githubPat);
    expect(text).not.toContain(PLANTED.bearer);
    expect(text).toContain('[redacted:');
    expectValid(events);
  });
});

describe('skipped lines', () => {
  it('names why each was skipped, counts them, and reads on', async () => {
    const dir = makeTempDir('mcpeeker-network-');
    const good = fs
      .readFileSync(fixture('mcp/eve.json'), 'utf8')
      .split('\n')[3];
    const file = path.join(dir, 'eve.json');
    fs.writeFileSync(
      file,
      [
        good,
        good.slice(0, 80), // cut short
        '\u0000\u0001\u0002binary\u0003',
        '{"timestamp":"2026-12-01T10:00:00Z","event_type":"stats","stats":{}}',
        '{"ts":1,"uid":"C1","id.orig_h":"10.0.0.1"}', // a Zeek JSON line
        'not json',
        good.replace('"dest_port":443', '"dest_port":0'),
        good,
      ].join('\n'),
    );
    const { events, logs, summary, code } = await read([{ kind: 'eve', file }]);
    expect(code).toBe(0);
    expect(events).toHaveLength(2);
    expect(logs).toEqual(
      expect.arrayContaining([
        `${file}:2: truncated line: a JSON object that never closes (skipped)`,
        `${file}:3: binary garbage (skipped)`,
        `${file}:4: unknown event type: stats (skipped, and every such line after it)`,
        `${file}:5: log of another type: Zeek JSON, not EVE (skipped, and every such line after it)`,
        `${file}:6: not JSON (skipped)`,
        `${file}:7: bad field: dest_port: not a port: 0 (skipped)`,
      ]),
    );
    expect(summary).toContain(
      `${file}: 2 records read, 2 events, 6 lines skipped (truncated line ×1, binary garbage ×1, unknown event type ×1, log of another type ×1, not JSON ×1, bad field ×1)`,
    );
  });

  it('a TSV line with fewer fields than #fields is truncated; rows before a #fields header cannot be read', async () => {
    const dir = makeTempDir('mcpeeker-network-');
    const lines = fs.readFileSync(fixture('mcp/mcp.log'), 'utf8').split('\n');
    const row = lines.find(l => l.startsWith('1764583200.1'))!;
    const file = path.join(dir, 'mcp.log');
    fs.writeFileSync(
      file,
      [
        row,
        ...lines.slice(0, 8),
        row.split('\t').slice(0, 5).join('\t'),
        row,
      ].join('\n'),
    );
    const { events, summary } = await read([{ kind: 'zeek', file }]);
    expect(events).toHaveLength(1);
    expect(summary).toContain('(no #fields header ×1, truncated line ×1)');
  });
});

describe('timestamps', () => {
  it("reads Zeek's epoch seconds and ISO 8601, and Suricata's offsets without a colon", () => {
    expect(timeOf('1714420898.610732', 'ts')).toBe('2024-04-29T20:01:38.610Z');
    expect(timeOf(1714420898.610732, 'ts')).toBe('2024-04-29T20:01:38.610Z');
    expect(timeOf('2021-06-09T20:55:13.160328Z', 'ts')).toBe(
      '2021-06-09T20:55:13.160Z',
    );
    expect(timeOf('2018-07-05T15:01:09.820360-0400', 'timestamp')).toBe(
      '2018-07-05T19:01:09.820Z',
    );
    expect(() => timeOf('XXXXXXXXXX.XXXXXX', 'ts')).toThrow('ts: not a time');
  });
});

describe('addresses', () => {
  it('are written as the agent reports its own before hashing', () => {
    expect(canonicalAddress('fe80:0000:0000:0000:fada:0cff:fedc:87f1')).toBe(
      'fe80::fada:cff:fedc:87f1',
    );
    expect(canonicalAddress('2601:19e:8200:91e0::1ec7')).toBe(
      '2601:19e:8200:91e0::1ec7',
    );
    expect(canonicalAddress('FE80::1%eth0')).toBe('fe80::1');
    expect(canonicalAddress('10.1.2.3')).toBe('10.1.2.3');
    expect(canonicalAddress('mcp.notion.com')).toBeUndefined();
  });
});

/** Polls until the condition holds; the bound only matters on a machine so busy that nothing moves for minutes. */
async function waitFor(condition: () => boolean, what: () => string) {
  for (let i = 0; i < 1200; i++) {
    if (condition()) return;
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error(`timed out; ${what()}`);
}

describe('--follow', () => {
  const lines = fs.readFileSync(fixture('mcp/mcp.log'), 'utf8').split('\n');
  const header = lines.filter(
    l => l.startsWith('#') && !l.startsWith('#close'),
  );
  const template = lines.find(l => l.startsWith('1764583200.1'))!;
  /** A distinct mcp.log row: its own time and client port, so its event is its own. */
  const row = (n: number) =>
    template
      .replace('1764583200.100000', `${1764583200 + n}.000000`)
      .replace('\t51544\t', `\t${40000 + n}\t`);
  const seconds = (events: NetworkEvent[]) =>
    events
      .map(e => Date.parse(e.observedAt) / 1000 - 1764583200)
      .sort((a, b) => a - b);

  it('reads through rotation (rename + new file) and truncation without losing or repeating a line, and a restart goes on from its checkpoint', async () => {
    const dir = makeTempDir('mcpeeker-network-');
    const state = makeTempDir('mcpeeker-network-state-');
    const file = path.join(dir, 'mcp.log');
    const append = (target: string, text: string) =>
      fs.appendFileSync(target, text);
    append(file, `${[...header, row(1), row(2)].join('\n')}\n`);

    let stop = new AbortController();
    let seen: NetworkEvent[] = [];
    let running = read([{ kind: 'zeek', file }], {
      follow: true,
      checkpointDir: state,
      stop: stop.signal,
      onEvent: e => seen.push(e),
    });
    const until = (n: number) =>
      waitFor(
        () => seen.length >= n,
        () => `${seen.length} of ${n} events`,
      );
    await until(2);
    // Rotation: renamed away; the writer finishes its line in the old file, then starts a new one.
    fs.renameSync(file, `${file}.1`);
    append(`${file}.1`, `${row(3)}\n`);
    append(file, `${[...header, row(4)].join('\n')}\n`);
    await until(4);
    // A line written in two parts is read once, whole.
    const half = row(5);
    append(file, half.slice(0, 30));
    await new Promise(r => setTimeout(r, 300));
    append(file, `${half.slice(30)}\n`);
    await until(5);
    // Truncation: the file starts again with its header.
    fs.writeFileSync(file, `${[...header, row(6)].join('\n')}\n`);
    await until(6);
    stop.abort();
    const first = await running;
    expect(first.code).toBe(0);
    expect(seconds(seen)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(seen.map(e => e.eventId)).size).toBe(6);
    expect(first.summary).toContain('rotated');
    expect(first.summary).toContain('truncated');

    // Stopped: lines written meanwhile are read on restart, the old ones not again.
    append(file, `${row(7)}\n`);
    // ... and rotated while stopped: the rest of the old file first, then the new one.
    append(file, `${row(8)}\n`);
    fs.renameSync(file, `${file}.2`);
    append(file, `${[...header, row(9)].join('\n')}\n`);
    stop = new AbortController();
    seen = [];
    running = read([{ kind: 'zeek', file }], {
      follow: true,
      checkpointDir: state,
      stop: stop.signal,
      onEvent: e => seen.push(e),
    });
    await until(3);
    // Quiet a moment: nothing more comes.
    await new Promise(r => setTimeout(r, 500));
    stop.abort();
    const second = await running;
    expect(seconds(seen)).toEqual([7, 8, 9]);
    expect(second.summary).toContain('rotated while stopped');
    expectValid(seen);
  });
});

describe('mcpeeker-agent network', () => {
  async function cli(args: string[], stdin?: Readable) {
    let stdout = '';
    let stderr = '';
    const code = await runCli(['network', ...args], {
      stdout: t => (stdout += t),
      stderr: t => (stderr += t),
      env: { MCPEEKER_HOST_ID_SALT: SALT, HOME: makeTempDir('mcpeeker-home-') },
      stdin,
    });
    return { code, stdout, stderr };
  }

  it('--format json prints one document of every event of a Zeek folder', async () => {
    const dir = makeTempDir('mcpeeker-network-');
    for (const name of ['http.log', 'mcp.log', 'ssl.json', 'dns.json'])
      fs.copyFileSync(fixture(`mcp/${name}`), path.join(dir, name));
    fs.copyFileSync(fixture('zeek-tsv/conn.log'), path.join(dir, 'conn.log'));
    fs.writeFileSync(path.join(dir, 'notice.log'), '#path\tnotice\n');
    const { code, stdout, stderr } = await cli([
      '--zeek',
      dir,
      '--format',
      'json',
    ]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.events).toHaveLength(3 + 3 + 1 + 1);
    expect(
      doc.events.every((e: NetworkEvent) => e.sensor.kind === 'zeek'),
    ).toBe(true);
    expectValid(doc.events);
    expect(stderr).toContain('conn.log: 4 records read, 0 events');
    expect(stderr).not.toContain('notice.log');
  });

  it("reads EVE from stdin, and an --hosts file adds the organisation's servers", async () => {
    const dir = makeTempDir('mcpeeker-network-');
    const hostsFile = path.join(dir, 'hosts.txt');
    fs.writeFileSync(hostsFile, '# our own\nhttps://l2.io/mcp\n');
    const eve = fs.readFileSync(fixture('eve/eve.json'));
    const without = await cli(['--eve', '-'], Readable.from([eve]));
    expect(without.stdout).toBe('');
    const { code, stdout } = await cli(
      ['--eve', '-', '--hosts', hostsFile],
      Readable.from([eve]),
    );
    expect(code).toBe(0);
    const events = stdout
      .split('\n')
      .filter(Boolean)
      .map(l => JSON.parse(l));
    // The real alert's tls.sni is not read (another ruleset's alert); nothing else in the file names l2.io.
    expect(events).toEqual([]);
    const tls = JSON.stringify({
      timestamp: '2018-07-05T15:07:20.910626-0400',
      event_type: 'tls',
      src_ip: '192.168.86.85',
      src_port: 55641,
      dest_ip: '195.80.156.70',
      dest_port: 443,
      proto: 'TCP',
      tls: { sni: 'l2.io', version: 'TLS 1.2' },
    });
    const withTls = await cli(
      ['--eve', '-', '--hosts', hostsFile],
      Readable.from([`${tls}\n`]),
    );
    expect(JSON.parse(withTls.stdout).mcp.serverInfo.name).toBe('l2.io');
  });

  it("takes the portal's approved remote servers as --hosts: an MCP Registry API page, or a server.json", async () => {
    const dir = makeTempDir('mcpeeker-network-');
    const page = path.join(dir, 'approved.json');
    // As GET /api/mcpeeker/v0.1/servers answers.
    fs.writeFileSync(
      page,
      JSON.stringify({
        servers: [
          {
            server: {
              name: 'io.example/wiki',
              version: '1.0.0',
              remotes: [
                {
                  type: 'streamable-http',
                  url: 'https://wiki-mcp.example.com/mcp',
                },
              ],
            },
            _meta: {},
          },
        ],
        metadata: { count: 1 },
      }),
    );
    const serverJson = path.join(dir, 'server.json');
    fs.writeFileSync(
      serverJson,
      JSON.stringify({
        name: 'io.example/tickets',
        remotes: [{ type: 'sse', url: 'https://tickets.example.org/sse' }],
      }),
    );
    const sni = (name: string) =>
      `${JSON.stringify({
        timestamp: '2026-12-03T10:00:00.000000+0000',
        event_type: 'tls',
        src_ip: '192.0.2.10',
        src_port: 55641,
        dest_ip: '198.51.100.7',
        dest_port: 443,
        proto: 'TCP',
        tls: { sni: name, version: 'TLS 1.3' },
      })}\n`;
    const { code, stdout } = await cli(
      ['--eve', '-', '--hosts', page, '--hosts', serverJson],
      Readable.from([
        sni('wiki-mcp.example.com') +
          sni('tickets.example.org') +
          sni('www.example.com'),
      ]),
    );
    expect(code).toBe(0);
    const events = stdout
      .split('\n')
      .filter(Boolean)
      .map(l => JSON.parse(l));
    expect(events.map(e => e.mcp.serverInfo.name)).toEqual([
      'wiki-mcp.example.com',
      'tickets.example.org',
    ]);
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ servers: 'none' }));
    const refused = await cli(
      ['--eve', '-', '--hosts', bad],
      Readable.from(['']),
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `--hosts ${bad}: expected a list of URLs, { "entries": [ … ] }, a server.json or an MCP Registry API page`,
    );
  });

  it('--send posts the events through its own spool with the service token', async () => {
    const received: Array<{ authorization?: string; events: NetworkEvent[] }> =
      [];
    const backend = http.createServer((req, res) => {
      let body = '';
      req.on('data', d => (body += d));
      req.on('end', () => {
        const { events } = JSON.parse(body);
        received.push({ authorization: req.headers.authorization, events });
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            accepted: events.length,
            duplicates: 0,
            rejected: [],
          }),
        );
      });
    });
    await new Promise<void>(r => backend.listen(0, '127.0.0.1', r));
    try {
      const { port } = backend.address() as AddressInfo;
      const spool = makeTempDir('mcpeeker-network-spool-');
      let stderr = '';
      const code = await runCli(
        [
          'network',
          '--eve',
          fixture('mcp/eve.json'),
          '--send',
          '--sensor',
          'dmz-suricata',
        ],
        {
          stdout: () => {},
          stderr: t => (stderr += t),
          env: {
            MCPEEKER_HOST_ID_SALT: SALT,
            HOME: makeTempDir('mcpeeker-home-'),
            MCPEEKER_HTTP_URL: `http://127.0.0.1:${port}/api/mcpeeker/events`,
            MCPEEKER_TOKEN: 'network-service-token',
            MCPEEKER_SPOOL_DIR: spool,
          },
        },
      );
      expect({ code, stderr }).toMatchObject({ code: 0 });
      const events = received.flatMap(b => b.events);
      expect(events).toHaveLength(7);
      expect(
        received.every(b => b.authorization === 'Bearer network-service-token'),
      ).toBe(true);
      expect(events.every(e => e.sensor.id === 'dmz-suricata')).toBe(true);
      expect(stderr).toContain('sent 7 events');
      // Sent: nothing waits in the network spool.
      const waiting = path.join(spool, 'network');
      expect(
        fs.existsSync(waiting)
          ? fs.readdirSync(waiting).filter(f => f.endsWith('.json'))
          : [],
      ).toEqual([]);
    } finally {
      await new Promise(r => backend.close(r));
    }
  });

  it('says what is wrong with how it was called', async () => {
    expect((await cli([])).stderr).toContain('network needs something to read');
    expect((await cli(['--eve', '/nonexistent/eve.json'])).stderr).toContain(
      '--eve /nonexistent/eve.json: cannot be read (ENOENT)',
    );
    expect(
      (await cli(['--zeek', FIXTURES, '--follow', '--format', 'json'])).code,
    ).toBe(2);
  });
});

describe('mcpeeker-agent network --send: the exit code says whether the backend took it all', () => {
  const BIN = path.resolve(__dirname, '../../../bin/mcpeeker-agent');
  let portal: IngestPortal | undefined;
  let work: string;
  beforeEach(async () => {
    work = makeTempDir('mcpeeker-network-send-');
    portal = await startIngestPortal();
  });
  afterEach(async () => {
    await portal?.close();
    portal = undefined;
  });

  /** The agent as a script runs it: its bin, to its exit. */
  function networkSend(token: string) {
    return new Promise<{ code: number | null; stderr: string }>(resolve => {
      const child = spawn(
        process.execPath,
        [BIN, 'network', '--eve', fixture('mcp/eve.json'), '--send'],
        {
          env: {
            PATH: process.env.PATH,
            HOME: work,
            MCPEEKER_HOST_ID_SALT: SALT,
            MCPEEKER_SPOOL_DIR: path.join(work, 'spool'),
            MCPEEKER_HTTP_URL: `${portal!.base}/events`,
            MCPEEKER_TOKEN: token,
          },
        },
      );
      let stderr = '';
      child.stderr.on('data', d => (stderr += d));
      child.on('close', code => resolve({ code, stderr }));
    });
  }
  const spooled = () =>
    fs.existsSync(path.join(work, 'spool', 'network'))
      ? fs
          .readdirSync(path.join(work, 'spool', 'network'))
          .filter(f => f.endsWith('.json'))
      : [];

  it('exit 0 when the backend took everything', async () => {
    const { code, stderr } = await networkSend(AGENTS_TOKEN);
    expect(stderr).not.toContain('refused');
    expect(stderr).toContain(
      `sent 7 events to http ${new URL(portal!.base).origin}\n`,
    );
    expect(code).toBe(0);
    expect(portal!.received).toHaveLength(7);
    expect(spooled()).toEqual([]);
  });

  it('exit 3 when the backend refuses some of the events, naming its reason for each and how many in the end', async () => {
    // Left in the spool by an agent that made an event this portal does not take.
    const { events } = await read([
      { kind: 'eve', file: fixture('mcp/eve.json') },
    ]);
    const event = events[0];
    const foreign = { ...event, sensor: { ...event.sensor, kind: 'snort' } };
    fs.mkdirSync(path.join(work, 'spool', 'network'), { recursive: true });
    fs.writeFileSync(
      path.join(work, 'spool', 'network', '000000000000001-000000000-old.json'),
      JSON.stringify(foreign),
    );
    const { code, stderr } = await networkSend(AGENTS_TOKEN);
    const reason =
      'sensor.kind: Invalid option: expected one of "zeek"|"suricata"|"tshark"|"mcpeeker-signature"';
    expect(stderr).toContain(
      `network: the backend rejected event ${event.eventId}: ${reason}\n`,
    );
    expect(stderr).toContain(
      `sent 8 events to http ${
        new URL(portal!.base).origin
      }, 1 of them refused (above)`,
    );
    expect(stderr.trim().split('\n').at(-1)).toBe(
      `mcpeeker-agent: network: the backend refused 1 of the 8 events it was sent, and keeps it as a dead letter: it is not sent again (first: event ${event.eventId}: ${reason})`,
    );
    expect(code).toBe(3);
    // The seven valid ones were kept; nothing waits to be sent again.
    expect(portal!.received).toHaveLength(7);
    expect(spooled()).toEqual([]);
  });

  it('exit 3 when the backend refuses the token, naming its reason; the events wait in the spool', async () => {
    const { code, stderr } = await networkSend('not-the-token');
    expect(stderr).toContain(
      `network: the portal at ${
        portal!.base
      } refused the report (HTTP 401): Illegal token; it does not take the agents' service token this agent has (report.http.token, MCPEEKER_TOKEN): set the token the portal issued for agents; 7 events wait in the spool (${path.join(
        work,
        'spool',
        'network',
      )})\n`,
    );
    expect(stderr.trim().split('\n').at(-1)).toBe(
      `mcpeeker-agent: network: ${fixture(
        'mcp/eve.json',
      )}: 8 records read, 7 events, 0 lines skipped`,
    );
    expect(code).toBe(3);
    expect(spooled()).toHaveLength(7);
  });

  it('--follow stops at once on a refused token, as run does: the reason, what to do, the events kept in the spool, exit 3', async () => {
    const file = path.join(work, 'eve.json');
    fs.copyFileSync(fixture('mcp/eve.json'), file);
    const child = spawn(
      process.execPath,
      [BIN, 'network', '--eve', file, '--follow', '--send'],
      {
        env: {
          PATH: process.env.PATH,
          HOME: work,
          MCPEEKER_HOST_ID_SALT: SALT,
          MCPEEKER_SPOOL_DIR: path.join(work, 'spool'),
          MCPEEKER_HTTP_URL: `${portal!.base}/events`,
          MCPEEKER_TOKEN: 'not-the-token',
        },
      },
    );
    let stderr = '';
    child.stderr.on('data', d => (stderr += d));
    // Not every 30 s until SIGINT: it is done well before the first retry.
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    const code = await new Promise(r => child.on('close', r));
    clearTimeout(timer);
    expect(code).toBe(3);
    expect(portal!.attempts).toBe(1);
    const dir = path.join(work, 'spool', 'network');
    const lines = stderr
      .trim()
      .split('\n')
      .map(line => line.replace(/^mcpeeker-agent: \S+ network: /, ''));
    expect(lines.slice(-3)).toEqual([
      `the portal at ${
        portal!.base
      } refused the report (HTTP 401): Illegal token; it does not take the agents' service token this agent has (report.http.token, MCPEEKER_TOKEN): set the token the portal issued for agents; 7 events wait in the spool (${dir})`,
      `not trying again: the portal will take nothing with this agent's token until it is replaced (above); 7 events in the spool (${dir}) are kept and sent first when network --send starts again`,
      `${file}: 8 records read, 7 events, 0 lines skipped`,
    ]);
    expect(spooled()).toHaveLength(7);
    // How far it read, for --follow started again with the right token.
    expect(
      fs.readdirSync(path.join(work, 'spool', 'network-checkpoints')),
    ).toHaveLength(1);
  });

  it('exit 0 when the backend could not take them now: they wait in the spool for the next send', async () => {
    portal!.down = true;
    const { code, stderr } = await networkSend(AGENTS_TOKEN);
    expect(stderr).toContain(
      `the portal at ${
        portal!.base
      } could not take the report now (HTTP 503): starting; 7 events wait in the spool`,
    );
    expect(code).toBe(0);
    expect(spooled()).toHaveLength(7);
  });
});
