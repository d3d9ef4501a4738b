import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net, { AddressInfo } from 'node:net';
import path from 'node:path';
import { connect, NatsConnection } from '@nats-io/transport-node';
import {
  jetstream,
  jetstreamManager,
  JetStreamManager,
} from '@nats-io/jetstream';
import {
  hashIdentifier,
  hostStatusSubject,
  validateEvent,
  validateHostStatus,
} from '@mcpeeker/plugin-mcpeeker-common';
import {
  buildLinuxHome,
  makeTempDir,
  PLANTED,
  write,
} from '../__testUtils__/fixtures';
import { readHostId } from '../host';

jest.setTimeout(60_000);

const NATS_URL = process.env.MCPEEKER_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const SALT = 'run-test-salt-0123456789';
const BIN = path.resolve(__dirname, '../../bin/mcpeeker-agent');

let nc: NatsConnection;
let jsm: JetStreamManager;
let stream: string;
let prefix: string;
let home: string;
let work: string;

function agentConfig(extra: Record<string, unknown> = {}) {
  const file = path.join(
    work,
    `agent-${Math.random().toString(36).slice(2)}.yaml`,
  );
  const config = {
    owner: 'user:default/dana',
    processes: false,
    ports: false,
    report: { nats: { servers: [NATS_URL], subjectPrefix: prefix } },
    spool: { dir: path.join(work, 'spool') },
    ...extra,
  };
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
}

function runOnce(configFile: string, env: Record<string, string> = {}) {
  return spawnSync(
    process.execPath,
    [BIN, 'run', '--once', '--config', configFile],
    {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: home,
        MCPEEKER_HOST_ID_SALT: SALT,
        ...env,
      },
    },
  );
}

async function messages() {
  const info = await jsm.streams.info(stream);
  const js = jetstream(nc);
  const out = [];
  for (
    let seq = info.state.first_seq;
    seq <= info.state.last_seq && info.state.messages > 0;
    seq++
  ) {
    const m = await js.streams.get(stream).then(s => s.getMessage({ seq }));
    if (m)
      out.push({
        subject: m.subject,
        msgId: m.header?.get('Nats-Msg-Id'),
        data: m.string(),
      });
  }
  return out;
}

const spoolFiles = () => {
  try {
    return fs
      .readdirSync(path.join(work, 'spool'))
      .filter(f => f.endsWith('.json'));
  } catch {
    return [];
  }
};

beforeAll(async () => {
  nc = await connect({ servers: NATS_URL });
  jsm = await jetstreamManager(nc);
});
afterAll(async () => {
  await nc.close();
});

beforeEach(async () => {
  const id = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  stream = `MCPEEKER_AGENT_TEST_${id}`;
  prefix = `mcpagenttest${id}.endpoint`;
  await jsm.streams.add({
    name: stream,
    subjects: [`${prefix}.>`],
    duplicate_window: 60_000_000_000,
  });
  home = makeTempDir();
  work = makeTempDir();
  buildLinuxHome(home, makeTempDir());
});
afterEach(async () => {
  await jsm.streams.delete(stream).catch(() => undefined);
});

describe('mcpeeker-agent run --once', () => {
  it('publishes one valid endpoint event per detection to JetStream, secrets redacted, ids as Nats-Msg-Id', async () => {
    const result = runOnce(agentConfig());
    expect(result.stderr).toMatch(/scan: \d+ MCP servers in \d+ detections/);
    expect(result.status).toBe(0);
    for (const secret of Object.values(PLANTED))
      expect(result.stderr).not.toContain(secret);
    const published = await messages();
    expect(published.length).toBeGreaterThan(30);
    // The log counts servers (detections of one server share its id) and detections.
    const [, servers, detections] =
      /scan: (\d+) MCP servers in (\d+) detections/
        .exec(result.stderr)!
        .map(Number);
    expect(detections).toBe(published.length);
    expect(servers).toBe(
      new Set(published.map(m => JSON.parse(m.data).compositeId)).size,
    );
    expect(spoolFiles()).toEqual([]);
    const hostIdHash = hashIdentifier(readHostId(), SALT);
    for (const m of published) {
      const event = JSON.parse(m.data);
      expect(validateEvent(event)).toEqual({
        success: true,
        event: expect.anything(),
      });
      expect(m.msgId).toBe(event.eventId);
      expect(m.subject).toBe(`${prefix}.${hostIdHash}`);
      expect(event.host).toMatchObject({
        idHash: hostIdHash,
        owner: 'user:default/dana',
      });
      for (const [name, secret] of Object.entries(PLANTED)) {
        expect({ name, leaked: m.data.includes(secret) }).toEqual({
          name,
          leaked: false,
        });
      }
    }
    expect(published.map(m => JSON.parse(m.data).detection.serverName)).toEqual(
      expect.arrayContaining(['github', 'linear', 'filesystem', 'figma']),
    );
  });

  it('keeps events in the spool while NATS is unreachable, sends them in order when it is back, and a resend is not a duplicate', async () => {
    const down = runOnce(
      agentConfig({
        report: {
          nats: { servers: ['nats://127.0.0.1:1'], subjectPrefix: prefix },
        },
      }),
    );
    expect(down.status).toBe(0);
    expect(down.stderr).toMatch(
      /cannot reach nats nats:\/\/127\.0\.0\.1:1: .*; (\d+) events wait in the spool/,
    );
    const waiting = spoolFiles();
    expect(waiting.length).toBeGreaterThan(30);
    const spooledIds = waiting.map(
      f =>
        JSON.parse(fs.readFileSync(path.join(work, 'spool', f), 'utf8'))
          .eventId,
    );

    // Back up: a scan without detections, so all that arrives is the backlog.
    fs.rmSync(home, { recursive: true, force: true });
    fs.mkdirSync(home);
    const copy = path.join(work, 'kept.json');
    fs.copyFileSync(path.join(work, 'spool', waiting[0]), copy);
    const up = runOnce(agentConfig());
    expect(up.status).toBe(0);
    expect(up.stderr).toContain(`sent ${waiting.length} events`);
    expect(spoolFiles()).toEqual([]);
    // The backlog, then the host status of the scan that found nothing.
    const statusSubject = hostStatusSubject(
      prefix,
      hashIdentifier(readHostId(), SALT),
    );
    const events = async () =>
      (await messages()).filter(m => m.subject !== statusSubject);
    const arrived = await messages();
    expect(arrived.map(m => m.msgId)).toEqual([
      ...spooledIds,
      expect.stringMatching(/^host-status:/),
    ]);
    expect(arrived.at(-1)!.subject).toBe(statusSubject);

    // A crash between publish and spool delete means a resend: the stream keeps one copy.
    fs.copyFileSync(copy, path.join(work, 'spool', waiting[0]));
    expect(runOnce(agentConfig()).status).toBe(0);
    expect((await events()).length).toBe(waiting.length);
  });

  it('after a scan that finds no MCP server, publishes the host status with the scan’s inventory, so the portal sees the last server leave', async () => {
    fs.rmSync(home, { recursive: true, force: true });
    fs.mkdirSync(home);
    const result = runOnce(agentConfig());
    expect(result.stderr).toMatch(/scan: 0 MCP servers in 0 detections/);
    expect(result.stderr).not.toMatch(/host status not sent/);
    expect(result.status).toBe(0);
    const hostIdHash = hashIdentifier(readHostId(), SALT);
    const published = await messages();
    expect(published).toHaveLength(1);
    const [status] = published;
    expect(status.subject).toBe(`${prefix}.status.${hostIdHash}`);
    expect(status.msgId).toMatch(/^host-status:[0-9a-f]{64}$/);
    expect(validateHostStatus(JSON.parse(status.data))).toEqual({
      success: true,
      status: {
        idHash: hostIdHash,
        os: process.platform,
        owner: 'user:default/dana',
        enforcement: [],
        observedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        scan: { configIds: [], unreadConfigs: [] },
      },
    });

    // NATS down: the status is not sent, and the log says why.
    const down = runOnce(
      agentConfig({
        report: {
          nats: { servers: ['nats://127.0.0.1:1'], subjectPrefix: prefix },
        },
      }),
    );
    expect(down.status).toBe(0);
    expect(down.stderr).toMatch(/host status not sent: /);
    expect(await messages()).toHaveLength(1);
  });

  it('says loudly when the spool is full', () => {
    const result = runOnce(
      agentConfig({
        report: {
          nats: { servers: ['nats://127.0.0.1:1'], subjectPrefix: prefix },
        },
        spool: { dir: path.join(work, 'spool'), maxEvents: 5 },
      }),
    );
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/SPOOL FULL: \d+ new events were NOT stored/);
    expect(spoolFiles()).toHaveLength(5);
  });
});

describe('mcpeeker-agent run (daemon)', () => {
  let child: ChildProcess | undefined;
  afterEach(() => child?.kill('SIGKILL'));

  it('scans on start and on SIGHUP, and stops cleanly on SIGTERM', async () => {
    child = spawn(
      process.execPath,
      [BIN, 'run', '--config', agentConfig({ interval: '1h' })],
      {
        env: {
          PATH: process.env.PATH,
          HOME: home,
          MCPEEKER_HOST_ID_SALT: SALT,
        },
      },
    );
    let stderr = '';
    child.stderr!.on('data', d => (stderr += d));
    const exited = new Promise<number | null>(r =>
      child!.on('exit', code => r(code)),
    );
    const waitFor = async (predicate: () => boolean | Promise<boolean>) => {
      for (let i = 0; i < 200; i++) {
        if (await predicate()) return;
        await new Promise(r => setTimeout(r, 100));
      }
      throw new Error(`timed out; agent said:\n${stderr}`);
    };
    await waitFor(() => /sent \d+ events/.test(stderr));
    const first = (await messages()).length;
    expect(first).toBeGreaterThan(30);

    child.kill('SIGHUP');
    await waitFor(async () => (await messages()).length === 2 * first);
    expect(stderr).toContain('SIGHUP: scanning now');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(
      /SIGTERM: finishing the current step, then stopping[\s\S]*stopped/,
    );
  });
});

describe('mcpeeker-agent run over HTTP: a backend over its rate limit', () => {
  let child: ChildProcess | undefined;
  let backend: http.Server | undefined;
  afterEach(async () => {
    child?.kill('SIGKILL');
    backend?.closeAllConnections();
    await new Promise(r => backend?.close(r));
  });

  it('keeps the batch spooled on 429, waits the Retry-After, then delivers it', async () => {
    // A backend that is over its limit once, then takes the batch.
    const requests: Array<{ at: number; eventIds: string[] }> = [];
    backend = http.createServer((req, res) => {
      let body = '';
      req.on('data', d => (body += d));
      req.on('end', () => {
        requests.push({
          at: Date.now(),
          eventIds: JSON.parse(body).events.map((e: any) => e.eventId),
        });
        res.setHeader('content-type', 'application/json');
        if (requests.length === 1) {
          res.writeHead(429, { 'retry-after': '2' });
          res.end(
            JSON.stringify({
              error: {
                name: 'RateLimitedError',
                message: 'Too many requests',
              },
            }),
          );
          return;
        }
        res.writeHead(202);
        res.end(JSON.stringify({ accepted: 1, duplicates: 0, rejected: [] }));
      });
    });
    await new Promise<void>(r => backend!.listen(0, '127.0.0.1', r));
    const { port } = backend.address() as AddressInfo;

    child = spawn(
      process.execPath,
      [
        BIN,
        'run',
        '--config',
        agentConfig({
          interval: '1h',
          report: {
            http: {
              url: `http://127.0.0.1:${port}/api/mcpeeker/events`,
              token: 'agent-token',
            },
          },
        }),
      ],
      {
        env: {
          PATH: process.env.PATH,
          HOME: home,
          MCPEEKER_HOST_ID_SALT: SALT,
        },
      },
    );
    let stderr = '';
    child.stderr!.on('data', d => (stderr += d));
    // Ends as soon as the agent got there; the bound only matters on a
    // machine so busy that starting Node takes seconds.
    const waitFor = async (predicate: () => boolean) => {
      for (let i = 0; i < 600; i++) {
        if (predicate()) return;
        await new Promise(r => setTimeout(r, 100));
      }
      throw new Error(`timed out; agent said:\n${stderr}`);
    };

    await waitFor(
      () => requests.length === 1 && /asked to wait 2 s/.test(stderr),
    );
    // Refused: everything is still in the spool.
    expect(spoolFiles().length).toBeGreaterThan(0);
    expect(spoolFiles()).toHaveLength(requests[0].eventIds.length);

    await waitFor(() => requests.length === 2 && spoolFiles().length === 0);
    expect(requests[1].at - requests[0].at).toBeGreaterThanOrEqual(2000);
    // Well before the agent's own 30 s retry: it waited as long as asked, not longer.
    expect(requests[1].at - requests[0].at).toBeLessThan(25_000);
    expect(requests[1].eventIds).toEqual(requests[0].eventIds);
    expect(stderr).toMatch(/sent \d+ events/);
  });
});

describe('mcpeeker-agent run over HTTP: a backend outage and an agent restart', () => {
  const children: ChildProcess[] = [];
  let backend: http.Server | undefined;
  afterEach(async () => {
    for (const c of children) c.kill('SIGKILL');
    backend?.closeAllConnections();
    await new Promise(r => backend?.close(r));
  });

  it('keeps every event through the outage and a kill -9 of the agent, then delivers them oldest first, each once', async () => {
    // A backend that is down (503) until `up`, then takes every batch.
    let up = false;
    const received: string[] = [];
    let refused = 0;
    backend = http.createServer((req, res) => {
      let body = '';
      req.on('data', d => (body += d));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        if (!up) {
          refused++;
          res.writeHead(503);
          res.end(
            JSON.stringify({
              error: { name: 'ServiceUnavailable', message: 'down' },
            }),
          );
          return;
        }
        const ids = JSON.parse(body).events.map((e: any) => e.eventId);
        received.push(...ids);
        res.writeHead(202);
        res.end(
          JSON.stringify({ accepted: ids.length, duplicates: 0, rejected: [] }),
        );
      });
    });
    await new Promise<void>(r => backend!.listen(0, '127.0.0.1', r));
    const { port } = backend.address() as AddressInfo;
    const config = agentConfig({
      interval: '1h',
      report: {
        http: {
          url: `http://127.0.0.1:${port}/api/mcpeeker/events`,
          token: 'agent-token',
        },
      },
    });
    let agent: { child: ChildProcess; stderr: string };
    const start = () => {
      const child = spawn(process.execPath, [BIN, 'run', '--config', config], {
        env: {
          PATH: process.env.PATH,
          HOME: home,
          MCPEEKER_HOST_ID_SALT: SALT,
        },
      });
      children.push(child);
      const out = { child, stderr: '' };
      child.stderr!.on('data', d => (out.stderr += d));
      return out;
    };
    const waitFor = async (predicate: () => boolean, what: string) => {
      for (let i = 0; i < 600; i++) {
        if (predicate()) return;
        await new Promise(r => setTimeout(r, 100));
      }
      throw new Error(`${what}: timed out; the agent said:\n${agent.stderr}`);
    };
    const spooled = () =>
      spoolFiles()
        .sort()
        .map(
          f =>
            JSON.parse(fs.readFileSync(path.join(work, 'spool', f), 'utf8'))
              .eventId as string,
        );

    // The outage: a scan at start and one on SIGHUP, both kept.
    agent = start();
    await waitFor(
      () => /events wait in the spool/.test(agent.stderr),
      'the first scan spooled',
    );
    const first = spooled();
    expect(first.length).toBeGreaterThan(30);
    agent.child.kill('SIGHUP');
    await waitFor(
      () => (agent.stderr.match(/events wait in the spool/g) ?? []).length >= 2,
      'the second scan spooled',
    );
    const waiting = spooled();
    expect(waiting.length).toBe(2 * first.length);
    // The second scan's events queue behind the first's.
    expect(waiting.slice(0, first.length)).toEqual(first);
    expect(refused).toBeGreaterThanOrEqual(2);

    // The machine goes down hard: nothing is lost from the spool.
    const killed = new Promise(r => agent.child.once('exit', r));
    agent.child.kill('SIGKILL');
    await killed;
    expect(spooled()).toEqual(waiting);

    // The backend is back and the agent starts again: the backlog goes
    // first, in the order it was taken, then the new scan; each event once.
    up = true;
    agent = start();
    await waitFor(
      () => received.length >= 3 * first.length && spoolFiles().length === 0,
      'the spool drained',
    );
    expect(received.slice(0, waiting.length)).toEqual(waiting);
    expect(received).toHaveLength(3 * first.length);
    expect(new Set(received).size).toBe(received.length);
  });
});

describe('mcpeeker-agent run over HTTP: a portal that refuses the agents’ token', () => {
  let child: ChildProcess | undefined;
  let backend: http.Server | undefined;
  afterEach(async () => {
    child?.kill('SIGKILL');
    backend?.closeAllConnections();
    await new Promise(r => backend?.close(r));
  });

  /** A portal that refuses every batch as the backend does (Backstage's error body). */
  async function refusingPortal(status: number, name: string, message: string) {
    const batches: Array<{ events: any[]; host?: unknown }> = [];
    backend = http.createServer((req, res) => {
      let body = '';
      req.on('data', d => (body += d));
      req.on('end', () => {
        batches.push(JSON.parse(body));
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: { name, message },
            response: { statusCode: status },
          }),
        );
      });
    });
    await new Promise<void>(r => backend!.listen(0, '127.0.0.1', r));
    const { port } = backend.address() as AddressInfo;
    return {
      base: `http://127.0.0.1:${port}/api/mcpeeker`,
      batches,
    };
  }

  /** `run`, the daemon, to its end, or killed after 25 s: it must not retry for ever. */
  async function runDaemon(configFile: string) {
    child = spawn(process.execPath, [BIN, 'run', '--config', configFile], {
      env: { PATH: process.env.PATH, HOME: home, MCPEEKER_HOST_ID_SALT: SALT },
    });
    let stderr = '';
    child.stderr!.on('data', d => (stderr += d));
    const timer = setTimeout(() => child?.kill('SIGKILL'), 25_000);
    const [status, signal] = await new Promise<[number | null, string | null]>(
      r => child!.on('exit', (code, sig) => r([code, sig])),
    );
    clearTimeout(timer);
    return { status, signal, lines: stderr.trim().split('\n') };
  }

  it.each([
    [
      401,
      'AuthenticationError',
      'Illegal token',
      "refused the report (HTTP 401): Illegal token; it does not take the agents' service token this agent has (report.http.token, MCPEEKER_TOKEN): set the token the portal issued for agents",
    ],
    [
      403,
      'NotAllowedError',
      "This portal takes agents' requests over mutual TLS only: send them to its agents' listener (port 7443) with a client certificate its CA signed (mcpeeker.ingest.http.mtls)",
      "refused the report (HTTP 403): This portal takes agents' requests over mutual TLS only: send them to its agents' listener (port 7443) with a client certificate its CA signed (mcpeeker.ingest.http.mtls); check the agent's token, URL and TLS certificate",
    ],
  ])(
    'HTTP %d: stops with exit 1 after one attempt, saying why and what to do, and keeps every event in the spool',
    async (status, name, message, said) => {
      const portal = await refusingPortal(status, name, message);
      const result = await runDaemon(
        agentConfig({
          interval: '1h',
          report: {
            http: { url: `${portal.base}/events`, token: 'not-the-token' },
          },
        }),
      );
      expect({ status: result.status, signal: result.signal }).toEqual({
        status: 1,
        signal: null,
      });
      expect(portal.batches).toHaveLength(1);
      const events = portal.batches[0].events.length;
      expect(events).toBeGreaterThan(30);
      expect(result.lines.slice(-3)).toEqual([
        expect.stringContaining(
          `the portal at ${
            portal.base
          } ${said}; ${events} events wait in the spool (${path.join(
            work,
            'spool',
          )})`,
        ),
        expect.stringContaining(
          `not trying again: the portal will take nothing with this agent's token until it is replaced (above); ${events} events in the spool (${path.join(
            work,
            'spool',
          )}) are kept and sent first when run starts again`,
        ),
        expect.stringMatching(/ stopped$/),
      ]);
      expect(result.lines.join('\n')).not.toContain('cannot reach');
      expect(spoolFiles()).toHaveLength(events);
    },
  );

  it('stops the same way when only the host status was to be sent (a scan that found nothing)', async () => {
    fs.rmSync(home, { recursive: true, force: true });
    fs.mkdirSync(home);
    const portal = await refusingPortal(
      401,
      'AuthenticationError',
      'Illegal token',
    );
    const result = await runDaemon(
      agentConfig({
        interval: '1h',
        report: {
          http: { url: `${portal.base}/events`, token: 'not-the-token' },
        },
      }),
    );
    expect(result.status).toBe(1);
    expect(portal.batches).toEqual([
      { events: [], host: expect.objectContaining({ os: process.platform }) },
    ]);
    expect(result.lines.slice(-3)).toEqual([
      expect.stringContaining(
        `host status not sent: the portal at ${portal.base} refused the report (HTTP 401): Illegal token;`,
      ),
      expect.stringMatching(
        /not trying again: .*; 0 events in the spool \(.*\) are kept/,
      ),
      expect.stringMatching(/ stopped$/),
    ]);
  });
});

describe('mcpeeker-agent run over NATS: a NATS server that refuses the agent', () => {
  const NATS_SERVER = '/usr/sbin/nats-server';
  let server: ChildProcess | undefined;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    child?.kill('SIGKILL');
    if (server && server.exitCode === null) {
      const exited = new Promise(r => server!.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    server = undefined;
  });

  /** A free loopback port in 3700-3799, the range this test may use. */
  async function portInRange(): Promise<number> {
    const start = Math.floor(Math.random() * 100);
    for (let i = 0; i < 100; i++) {
      const port = 3700 + ((start + i) % 100);
      const free = await new Promise<boolean>(resolve => {
        const probe = net.createServer();
        probe.once('error', () => resolve(false));
        probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
      });
      if (free) return port;
    }
    throw new Error('no free port in 3700-3799');
  }

  /**
   * A nats-server of its own with `authorization` (the shared one takes
   * anyone): the agents' token only, or an agent whose permissions let it
   * publish elsewhere than the agents' subjects.
   */
  async function startNats(authorization: string): Promise<string> {
    const dir = makeTempDir('mcpeeker-nats-auth-');
    const port = await portInRange();
    const conf = path.join(dir, 'nats.conf');
    fs.writeFileSync(
      conf,
      `listen: "127.0.0.1:${port}"
jetstream { store_dir: "${path.join(dir, 'js')}" }
${authorization}
`,
    );
    server = spawn(
      NATS_SERVER,
      ['-c', conf, '-l', path.join(dir, 'nats.log')],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 300; i++) {
      const up = await new Promise<boolean>(resolve => {
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.end();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      });
      if (up) return `nats://127.0.0.1:${port}`;
      if (server.exitCode !== null) break;
      await new Promise(r => setTimeout(r, 100));
    }
    throw new Error(
      `nats-server did not start: ${fs.readFileSync(
        path.join(dir, 'nats.log'),
        'utf8',
      )}`,
    );
  }

  const TOKEN_ONLY = 'authorization { token: "agents-nats-token" }';
  const OTHER_SUBJECTS_ONLY = `authorization {
  users: [
    { user: agent, password: agent-password,
      permissions: { publish: ["elsewhere.>"], subscribe: ["_INBOX.>"] } }
  ]
}
no_auth_user: agent`;

  /** `run`, the daemon, to its end, or killed after 25 s: it must not retry for ever. */
  async function runDaemon(configFile: string) {
    child = spawn(process.execPath, [BIN, 'run', '--config', configFile], {
      env: { PATH: process.env.PATH, HOME: home, MCPEEKER_HOST_ID_SALT: SALT },
    });
    let stderr = '';
    child.stderr!.on('data', d => (stderr += d));
    const timer = setTimeout(() => child?.kill('SIGKILL'), 25_000);
    const [status, signal] = await new Promise<[number | null, string | null]>(
      r => child!.on('exit', (code, sig) => r([code, sig])),
    );
    clearTimeout(timer);
    return { status, signal, lines: stderr.trim().split('\n') };
  }

  it.each<[string, string, string | undefined, () => string]>([
    [
      'a wrong token',
      TOKEN_ONLY,
      'not-the-token',
      () =>
        'refused the report (Authorization Violation): it does not take the token this agent has (report.nats.token, MCPEEKER_NATS_TOKEN): set the token it takes from agents',
    ],
    [
      'no token',
      TOKEN_ONLY,
      undefined,
      () =>
        'refused the report (Authorization Violation): this agent has no token: set the token it takes from agents (report.nats.token, MCPEEKER_NATS_TOKEN)',
    ],
    [
      'a subject its permissions do not allow',
      OTHER_SUBJECTS_ONLY,
      undefined,
      () =>
        `refused the report (Permissions Violation for Publish to "${prefix}.${hashIdentifier(
          readHostId(),
          SALT,
        )}"): this agent may not publish there: allow it to publish on ${prefix}.> in the NATS server's permissions`,
    ],
  ])(
    '%s: stops with exit 1 after one attempt, saying why and what to do, and keeps every event in the spool',
    async (_what, authorization, token, said) => {
      const url = await startNats(authorization);
      const result = await runDaemon(
        agentConfig({
          interval: '1h',
          report: {
            nats: {
              servers: [url],
              subjectPrefix: prefix,
              ...(token ? { token } : {}),
            },
          },
        }),
      );
      expect({ status: result.status, signal: result.signal }).toEqual({
        status: 1,
        signal: null,
      });
      const events = spoolFiles().length;
      expect(events).toBeGreaterThan(30);
      const spool = path.join(work, 'spool');
      expect(result.lines.slice(-3)).toEqual([
        expect.stringContaining(
          `the NATS server at ${url} ${said()}; ${events} events wait in the spool (${spool})`,
        ),
        expect.stringContaining(
          `not trying again: the NATS server will take nothing from this agent until its token or permissions are changed (above); ${events} events in the spool (${spool}) are kept and sent first when run starts again`,
        ),
        expect.stringMatching(/ stopped$/),
      ]);
      expect(result.lines.join('\n')).not.toContain('cannot reach');
    },
  );

  it('run --once exits 1 on a refused token, its events in the spool; with the right token it sends them', async () => {
    const url = await startNats(TOKEN_ONLY);
    const admin = await connect({ servers: url, token: 'agents-nats-token' });
    try {
      await (
        await jetstreamManager(admin)
      ).streams.add({ name: 'AGENTS', subjects: [`${prefix}.>`] });
      const config = (token: string) =>
        agentConfig({
          report: { nats: { servers: [url], subjectPrefix: prefix, token } },
        });
      const refused = runOnce(config('not-the-token'));
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain(
        `the NATS server at ${url} refused the report (Authorization Violation)`,
      );
      const waiting = spoolFiles()
        .sort()
        .map(
          f =>
            JSON.parse(fs.readFileSync(path.join(work, 'spool', f), 'utf8'))
              .eventId,
        );
      expect(waiting.length).toBeGreaterThan(30);
      const right = runOnce(config('agents-nats-token'));
      expect(right.status).toBe(0);
      expect(spoolFiles()).toEqual([]);
      // What waited went first, in order, before this run's scan.
      const agents = (await jetstreamManager(admin)).streams.get('AGENTS');
      const sent = [];
      for (let seq = 1; seq <= waiting.length; seq++)
        sent.push(
          (await (await agents).getMessage({ seq }))?.header?.get(
            'Nats-Msg-Id',
          ),
        );
      expect(sent).toEqual(waiting);
    } finally {
      await admin.close();
    }
  });
});

describe('mcpeeker-agent run: configuration errors name the file and field', () => {
  it.each([
    [{ intervall: '1h' }, /agent-\w+\.yaml: intervall is not a known setting/],
    [
      { owner: 'dana' },
      /owner: expected an entity ref like user:default\/dana, got dana/,
    ],
    [
      { interval: 'often' },
      /interval: expected a duration like 12h, 30m or 45s, got "often"/,
    ],
    [
      {
        report: { http: { url: 'http://localhost:7007/api/mcpeeker/events' } },
      },
      /report\.http\.token \(or MCPEEKER_TOKEN\): required with report\.http\.url/,
    ],
    [{ report: {} }, /nothing to report to: set report\.http\.url/],
  ])('%j', (extra, message) => {
    const result = runOnce(agentConfig(extra));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain('Usage:');
  });

  it('a file that is not YAML', () => {
    const file = write(work, 'broken.yaml', 'report: [unclosed\n');
    const result = runOnce(file);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${file}: not valid YAML or JSON`);
  });
});
