import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import {
  GatewayEvent,
  hashIdentifier,
  validateEvent,
} from '@mcpeeker/plugin-mcpeeker-common';
import { makeTempDir } from '../__testUtils__/fixtures';
import {
  AGENTS_TOKEN,
  IngestPortal,
  startIngestPortal,
} from '../__testUtils__/ingestPortal';
import { runCli } from '../cli';
import { readHostId } from '../host';
import { writeAgentCredential } from '../run/agentCredential';

// Generous: a busy two-core machine starts Node slowly.
jest.setTimeout(120_000);

const SALT = 'gateway-cli-test-salt-0123456789';
const BIN = path.resolve(__dirname, '../../bin/mcpeeker-agent');
const NATS_URL = process.env.MCPEEKER_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

const fixture = (name: string) =>
  fs
    .readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8')
    .split('\n')
    .filter(Boolean);
const [connector, claudeCode, anthropicWeather, , anthropicPlain] = fixture(
  'anthropic-messages.jsonl',
);
const [openaiWeather, openaiMcpClient] = fixture('openai-chat.jsonl');
const [litellmWeather] = fixture('litellm-standard-logging-payload.jsonl');

async function run(
  args: string[],
  options: { env?: Record<string, string>; stdin?: Readable } = {},
) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['gateway', ...args], {
    stdout: t => (stdout += t),
    stderr: t => (stderr += t),
    env: { MCPEEKER_HOST_ID_SALT: SALT, ...options.env },
    stdin: options.stdin,
  });
  const events: GatewayEvent[] = stdout
    .split('\n')
    .filter(Boolean)
    .map(l => JSON.parse(l));
  return { code, stdout, stderr, events };
}

/** Polls until the condition holds; the bound only matters on a machine so busy that Node takes seconds to start. */
async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: () => string,
) {
  for (let i = 0; i < 900; i++) {
    if (await condition()) return;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`timed out; ${what()}`);
}

let work: string;
beforeEach(() => {
  work = makeTempDir('mcpeeker-gateway-');
});

describe('mcpeeker-agent gateway --read FILE', () => {
  it('prints one event per JSON line, and names the first bad lines by number, then counts them all', async () => {
    const file = path.join(work, 'requests.jsonl');
    fs.writeFileSync(
      file,
      [
        claudeCode, // 1: two servers, two events
        'not json at all', // 2
        '', // blank: not a line of the log
        anthropicPlain, // 4: no tools
        '{"hello":"world"}', // 5
        openaiWeather, // 6
        '{"messages":[],"tools":[{"type":"function","function":{}}]}', // 7
        litellmWeather, // 8
        '{"broken', // 9
        '[]', // 10
        '{"nope":1}', // 11
        '{"still":"nope"}', // 12
        connector, // 13, no newline at the end
      ].join('\n'),
    );
    const { code, stderr, events } = await run(['--read', file]);
    expect(code).toBe(0);
    expect(events.map(e => e.request.api)).toEqual([
      'anthropic-messages',
      'anthropic-messages',
      'openai-chat',
      'litellm',
      'anthropic-messages',
    ]);
    for (const event of events)
      expect(validateEvent(event)).toMatchObject({ success: true });
    expect(stderr.split('\n').filter(Boolean)).toEqual([
      `mcpeeker-agent: gateway: ${file}:2: not JSON (skipped)`,
      `mcpeeker-agent: gateway: ${file}:5: unknown format: not an Anthropic Messages request, an OpenAI chat completions request or a LiteLLM StandardLoggingPayload (skipped)`,
      `mcpeeker-agent: gateway: ${file}:7: tools[0].function.name: expected a non-empty string (skipped)`,
      `mcpeeker-agent: gateway: ${file}:9: not JSON (skipped)`,
      `mcpeeker-agent: gateway: ${file}:10: unknown format: not a JSON object (skipped)`,
      `mcpeeker-agent: gateway: ${file}: further skipped lines are only counted`,
      `mcpeeker-agent: gateway: ${file}: 12 lines, 5 events, 8 skipped (not JSON ×2, no tools ×1, unknown format ×4, bad field ×1)`,
    ]);
  });

  it('reads stdin with --read -, and --format decides for every line', async () => {
    const { code, stderr, events } = await run(
      ['--read', '-', '--format', 'litellm'],
      { stdin: Readable.from([`${litellmWeather}\n${openaiWeather}\n`]) },
    );
    expect(code).toBe(0);
    expect(events).toHaveLength(1);
    expect(stderr).toContain(
      'stdin:2: unknown format: not a LiteLLM StandardLoggingPayload: no call_type (skipped)',
    );
    expect(stderr).toContain('stdin: 2 lines, 1 event, 1 skipped');
  });

  it('names the events’ sensor after the host, or after --gateway', async () => {
    const file = path.join(work, 'one.jsonl');
    fs.writeFileSync(file, `${openaiWeather}\n`);
    const [byHost] = (await run(['--read', file])).events;
    expect(byHost.sensor).toEqual({
      id: `gateway-${hashIdentifier(readHostId(), SALT).slice(0, 16)}`,
      kind: 'llm-gateway',
      version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
    });
    const [named] = (await run(['--read', file, '--gateway=litellm-prod']))
      .events;
    expect(named.sensor.id).toBe('litellm-prod');
  });

  it.each([
    [[], /option '--read' is required/],
    [
      ['--read', '/nonexistent/gateway.log'],
      /--read \/nonexistent\/gateway\.log: cannot be read \(ENOENT\)/,
    ],
    [
      ['--read', '-', '--format', 'bedrock'],
      /--format must be auto, anthropic, openai, litellm, got 'bedrock'/,
    ],
    [['--read', '-', '--tail'], /unknown option '--tail' for gateway/],
  ])('bad usage %j: exit 2, naming what is wrong', async (args, message) => {
    const { code, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});

describe('mcpeeker-agent gateway --send', () => {
  let backend: http.Server | undefined;
  afterEach(async () => {
    backend?.closeAllConnections();
    await new Promise(r => (backend ? backend.close(r) : r(undefined)));
    backend = undefined;
  });

  /** A backend that takes every batch, and what it was sent. */
  async function startBackend() {
    const batches: Array<{ authorization?: string; events: any[] }> = [];
    backend = http.createServer((req, res) => {
      let body = '';
      req.on('data', d => (body += d));
      req.on('end', () => {
        batches.push({
          authorization: req.headers.authorization,
          events: JSON.parse(body).events,
        });
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ accepted: 1, duplicates: 0, rejected: [] }));
      });
    });
    await new Promise<void>(r => backend!.listen(0, '127.0.0.1', r));
    const { port } = backend.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}/api/mcpeeker/events`, batches };
  }

  const spoolFiles = (dir: string) =>
    fs.existsSync(dir)
      ? fs.readdirSync(dir).filter(f => f.endsWith('.json'))
      : [];

  it('sends the events as run reports them, with the service token even when the agent is enrolled', async () => {
    const { url, batches } = await startBackend();
    const spool = path.join(work, 'spool');
    // An enrolled agent's credential may report its own endpoint events only.
    writeAgentCredential(path.join(spool, 'agent-credential'), {
      agentId: 'agt_1',
      owner: 'user:default/dana',
      hostIdHash: 'a'.repeat(64),
      url: 'http://127.0.0.1:1/api/mcpeeker',
      enrolledAt: '2026-11-01T00:00:00Z',
      credential: 'enrolled-agent-credential',
    });
    const file = path.join(work, 'requests.jsonl');
    fs.writeFileSync(file, `${claudeCode}\n${openaiMcpClient}\n`);
    const { code, stdout, stderr } = await run(['--read', file, '--send'], {
      env: {
        MCPEEKER_HTTP_URL: url,
        MCPEEKER_TOKEN: 'agents-service-token',
        MCPEEKER_SPOOL_DIR: spool,
      },
    });
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain(`sent 3 events to http ${new URL(url).origin}`);
    expect(stderr).toContain(`${file}: 2 lines, 3 events, 0 skipped`);
    expect(batches).toHaveLength(1);
    expect(batches[0].authorization).toBe('Bearer agents-service-token');
    for (const event of batches[0].events)
      expect(validateEvent(event)).toMatchObject({ success: true });
    expect(spoolFiles(path.join(spool, 'gateway'))).toEqual([]);
  });

  it.each([
    ['2 events wait', () => claudeCode, [] as string[], 2],
    ['1 event waits', () => litellmWeather, ['--gateway', 'litellm.prod'], 1],
  ])(
    'keeps what the backend did not take in its own spool, and says so: "%s in the spool"',
    async (said, line, args, n) => {
      const spool = path.join(work, 'spool');
      const file = path.join(work, 'requests.jsonl');
      fs.writeFileSync(file, `${line()}\n`);
      const { code, stderr } = await run(['--read', file, '--send', ...args], {
        env: {
          MCPEEKER_HTTP_URL: 'http://127.0.0.1:1/api/mcpeeker/events',
          MCPEEKER_TOKEN: 'agents-service-token',
          MCPEEKER_SPOOL_DIR: spool,
        },
      });
      expect(code).toBe(0);
      const reach = stderr
        .split('\n')
        .find(l => l.includes('cannot reach http http://127.0.0.1:1: '));
      expect(reach).toContain(`; ${said} in the spool (${spool}/gateway)`);
      expect(spoolFiles(path.join(spool, 'gateway'))).toHaveLength(n);
      expect(spoolFiles(spool)).toEqual([]);
    },
  );

  it('needs a way to report, named like run names it', async () => {
    const { code, stderr } = await run(['--read', '-', '--send'], {
      env: { MCPEEKER_HTTP_URL: 'http://127.0.0.1:1/api/mcpeeker/events' },
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /report\.http\.token \(or MCPEEKER_TOKEN\): required with report\.http\.url .* which gateway events are sent with/,
    );
  });

  it('publishes to NATS JetStream on <prefix>.gateway.<gateway>, event ids as Nats-Msg-Id', async () => {
    const id = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
    const stream = `MCPEEKER_GATEWAY_TEST_${id}`;
    const prefix = `mcpgwtest${id}`;
    const nc = await connect({ servers: NATS_URL });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [`${prefix}.>`] });
    try {
      const config = path.join(work, 'agent.yaml');
      fs.writeFileSync(
        config,
        JSON.stringify({
          report: {
            nats: { servers: [NATS_URL], subjectPrefix: `${prefix}.endpoint` },
          },
          spool: { dir: path.join(work, 'spool') },
        }),
      );
      const file = path.join(work, 'requests.jsonl');
      fs.writeFileSync(file, `${litellmWeather}\n`);
      const { code, stderr } = await run([
        '--read',
        file,
        '--send',
        '--config',
        config,
        '--gateway',
        'litellm.prod',
      ]);
      expect(code).toBe(0);
      expect(stderr).toContain('sent 1 event to nats');
      const message = await jetstream(nc)
        .streams.get(stream)
        .then(s => s.getMessage({ seq: 1 }));
      const event = JSON.parse(message!.string());
      expect(message!.subject).toBe(`${prefix}.gateway.litellm_prod`);
      expect(message!.header?.get('Nats-Msg-Id')).toBe(event.eventId);
      expect(validateEvent(event)).toMatchObject({ success: true });
    } finally {
      await jsm.streams.delete(stream).catch(() => undefined);
      await nc.close();
    }
  });
});

describe('mcpeeker-agent gateway --send: the exit code says whether the backend took it all', () => {
  let started: IngestPortal | undefined;
  afterEach(async () => {
    await started?.close();
    started = undefined;
  });

  async function startPortal(options: { down?: boolean } = {}) {
    started = await startIngestPortal();
    started.down = Boolean(options.down);
    return started;
  }

  /** The agent as a script runs it: its bin, to its exit. */
  function gatewaySend(env: Record<string, string>) {
    const file = path.join(work, 'requests.jsonl');
    fs.writeFileSync(file, `${claudeCode}\n${openaiWeather}\n`);
    return new Promise<{ code: number | null; stderr: string; file: string }>(
      resolve => {
        const child = spawn(
          process.execPath,
          [BIN, 'gateway', '--read', file, '--send'],
          {
            env: {
              PATH: process.env.PATH,
              HOME: work,
              MCPEEKER_HOST_ID_SALT: SALT,
              MCPEEKER_SPOOL_DIR: path.join(work, 'spool'),
              ...env,
            },
          },
        );
        let stderr = '';
        child.stderr.on('data', d => (stderr += d));
        child.on('close', code => resolve({ code, stderr, file }));
      },
    );
  }
  const spooled = () =>
    fs.existsSync(path.join(work, 'spool', 'gateway'))
      ? fs
          .readdirSync(path.join(work, 'spool', 'gateway'))
          .filter(f => f.endsWith('.json'))
      : [];

  it('exit 0 when the backend took everything', async () => {
    const portal = await startPortal();
    const { code, stderr, file } = await gatewaySend({
      MCPEEKER_HTTP_URL: `${portal.base}/events`,
      MCPEEKER_TOKEN: AGENTS_TOKEN,
    });
    expect(stderr).toContain(`${file}: 2 lines, 3 events, 0 skipped`);
    expect(stderr).not.toContain('refused');
    expect(code).toBe(0);
    expect(portal.received).toHaveLength(3);
    expect(spooled()).toEqual([]);
  });

  it('exit 3 when the backend refuses some of the events, naming its reason for each and how many in the end', async () => {
    const portal = await startPortal();
    // Left in the spool by an agent that made an event this portal does not take.
    const [event] = (
      await run(['--read', '-'], {
        stdin: Readable.from([`${openaiMcpClient}\n`]),
      })
    ).events;
    const foreign = { ...event, request: { ...event.request, api: 'bedrock' } };
    fs.mkdirSync(path.join(work, 'spool', 'gateway'), { recursive: true });
    fs.writeFileSync(
      path.join(work, 'spool', 'gateway', '000000000000001-000000000-old.json'),
      JSON.stringify(foreign),
    );
    const { code, stderr } = await gatewaySend({
      MCPEEKER_HTTP_URL: `${portal.base}/events`,
      MCPEEKER_TOKEN: AGENTS_TOKEN,
    });
    const reason =
      'request.api: Invalid option: expected one of "anthropic-messages"|"openai-chat"|"litellm"';
    expect(stderr).toContain(
      `gateway: the backend rejected event ${event.eventId}: ${reason}\n`,
    );
    expect(stderr).toContain(
      `sent 4 events to http ${
        new URL(portal.base).origin
      }, 1 of them refused (above)`,
    );
    expect(stderr.trim().split('\n').at(-1)).toBe(
      `mcpeeker-agent: gateway: the backend refused 1 of the 4 events it was sent, and keeps it as a dead letter: it is not sent again (first: event ${event.eventId}: ${reason})`,
    );
    expect(code).toBe(3);
    // The three valid ones were kept; nothing waits to be sent again.
    expect(portal.received).toHaveLength(3);
    expect(spooled()).toEqual([]);
  });

  it('exit 3 when the backend refuses the token, naming its reason; the events wait in the spool', async () => {
    const portal = await startPortal();
    const { code, stderr, file } = await gatewaySend({
      MCPEEKER_HTTP_URL: `${portal.base}/events`,
      MCPEEKER_TOKEN: 'not-the-token',
    });
    expect(stderr).toContain(
      `gateway: the portal at ${
        portal.base
      } refused the report (HTTP 401): Illegal token; it does not take the agents' service token this agent has (report.http.token, MCPEEKER_TOKEN): set the token the portal issued for agents; 3 events wait in the spool (${path.join(
        work,
        'spool',
        'gateway',
      )})\n`,
    );
    expect(stderr.trim().split('\n').at(-1)).toBe(
      `mcpeeker-agent: gateway: ${file}: 2 lines, 3 events, 0 skipped`,
    );
    expect(code).toBe(3);
    expect(spooled()).toHaveLength(3);
  });

  it('exit 0 when the backend could not take them now: they wait in the spool for the next send', async () => {
    const portal = await startPortal({ down: true });
    const { code, stderr } = await gatewaySend({
      MCPEEKER_HTTP_URL: `${portal.base}/events`,
      MCPEEKER_TOKEN: AGENTS_TOKEN,
    });
    expect(stderr).toContain(
      `the portal at ${portal.base} could not take the report now (HTTP 503): starting; 3 events wait in the spool`,
    );
    expect(code).toBe(0);
    expect(spooled()).toHaveLength(3);
  });
});

describe('mcpeeker-agent gateway --follow', () => {
  let child: ChildProcess | undefined;
  let backend: http.Server | undefined;
  afterEach(async () => {
    child?.kill('SIGKILL');
    child = undefined;
    backend?.closeAllConnections();
    await new Promise(r => (backend ? backend.close(r) : r(undefined)));
    backend = undefined;
  });

  function follow(args: string[], env: Record<string, string> = {}) {
    const proc = spawn(process.execPath, [BIN, 'gateway', ...args], {
      env: {
        PATH: process.env.PATH,
        HOME: work,
        MCPEEKER_HOST_ID_SALT: SALT,
        ...env,
      },
    });
    const output = { stdout: '', stderr: '' };
    proc.stdout!.on('data', d => (output.stdout += d));
    proc.stderr!.on('data', d => (output.stderr += d));
    const exited = new Promise<number | null>(r =>
      proc.on('exit', code => r(code)),
    );
    const events = () =>
      output.stdout
        .split('\n')
        .filter(Boolean)
        .map(l => JSON.parse(l) as GatewayEvent);
    child = proc;
    return { proc, output, exited, events };
  }

  it('waits for the log, reads what is appended, follows it through rotation and truncation, and stops cleanly on SIGTERM', async () => {
    const file = path.join(work, 'gateway.log');
    const f = follow(['--read', file, '--follow']);
    const said = () =>
      `stdout:\n${f.output.stdout}\nstderr:\n${f.output.stderr}`;
    await waitFor(
      () => f.output.stderr.includes('no such file yet, waiting'),
      said,
    );

    fs.writeFileSync(file, `${claudeCode}\n`);
    await waitFor(() => f.events().length === 2, said);

    fs.appendFileSync(file, `${openaiWeather}\n{"oops"\n`);
    await waitFor(
      () =>
        f.events().length === 3 &&
        f.output.stderr.includes(`${file}:3: not JSON`),
      said,
    );

    // Rotated as logrotate does: renamed, written to a little longer, then a new file.
    fs.renameSync(file, `${file}.1`);
    fs.appendFileSync(`${file}.1`, `${anthropicWeather}\n`);
    fs.writeFileSync(file, `${openaiMcpClient}\n{"oops"\n`);
    await waitFor(
      () =>
        f.events().length === 5 &&
        f.output.stderr.includes(`${file}:2: not JSON`),
      said,
    );
    expect(f.output.stderr).toContain(`${file}: rotated, reading the new file`);

    // Truncated in place (copytruncate), then written again.
    fs.truncateSync(file, 0);
    await waitFor(
      () => f.output.stderr.includes('truncated, reading from its start'),
      said,
    );
    fs.appendFileSync(file, `${litellmWeather}\n`);
    await waitFor(() => f.events().length === 6, said);

    f.proc.kill('SIGTERM');
    expect(await f.exited).toBe(0);
    expect(f.output.stderr).toContain(
      'SIGTERM: stopping after the lines read so far',
    );
    expect(f.output.stderr).toMatch(
      new RegExp(
        `${file.replace(
          /[.*+?^${}()|[\]\\]/g,
          '\\$&',
        )}: 7 lines, 6 events, 2 skipped \\(not JSON ×2\\)\\n$`,
      ),
    );
    expect(f.events().map(e => e.request.api)).toEqual([
      'anthropic-messages',
      'anthropic-messages',
      'openai-chat',
      'anthropic-messages',
      'openai-chat',
      'litellm',
    ]);
    for (const event of f.events())
      expect(validateEvent(event)).toMatchObject({ success: true });
  });

  it('reads a pipe that stays open until SIGTERM, then stops cleanly', async () => {
    const f = follow(['--read', '-']);
    f.proc.stdin!.write(`${openaiWeather}\n`);
    await waitFor(
      () => f.events().length === 1,
      () => f.output.stderr,
    );
    f.proc.kill('SIGTERM');
    expect(await f.exited).toBe(0);
    expect(f.output.stderr).toMatch(
      /SIGTERM: stopping after the lines read so far\n.*stdin: 1 line, 1 event, 0 skipped\n$/,
    );
  });

  it('with --send, sends what is appended as it comes', async () => {
    const received: any[] = [];
    backend = http.createServer((req, res) => {
      let body = '';
      req.on('data', d => (body += d));
      req.on('end', () => {
        received.push(...JSON.parse(body).events);
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end('{"accepted":1,"duplicates":0,"rejected":[]}');
      });
    });
    await new Promise<void>(r => backend!.listen(0, '127.0.0.1', r));
    const { port } = backend.address() as AddressInfo;
    const file = path.join(work, 'gateway.log');
    fs.writeFileSync(file, `${openaiWeather}\n`);
    const f = follow(['--read', file, '--follow', '--send'], {
      MCPEEKER_HTTP_URL: `http://127.0.0.1:${port}/api/mcpeeker/events`,
      MCPEEKER_TOKEN: 'agents-service-token',
      MCPEEKER_SPOOL_DIR: path.join(work, 'spool'),
    });
    const said = () => `stderr:\n${f.output.stderr}`;
    await waitFor(() => received.length === 1, said);
    fs.appendFileSync(file, `${claudeCode}\n`);
    await waitFor(() => received.length === 3, said);
    expect(received.map(e => e.request.requestId)).toEqual([
      expect.stringMatching(/^sha256:/),
      'req_011CUr5qV2h9m8Nw3kYzTb7e',
      'req_011CUr5qV2h9m8Nw3kYzTb7e',
    ]);
    f.proc.kill('SIGINT');
    expect(await f.exited).toBe(0);
    expect(f.output.stdout).toBe('');
    expect(f.output.stderr).toContain(`${file}: 2 lines, 3 events, 0 skipped`);
  });

  describe('with --send, against a portal answering as the backend does', () => {
    let portal: IngestPortal | undefined;
    afterEach(async () => {
      await portal?.close();
      portal = undefined;
    });
    const spooled = () =>
      fs.existsSync(path.join(work, 'spool', 'gateway'))
        ? fs
            .readdirSync(path.join(work, 'spool', 'gateway'))
            .filter(f => f.endsWith('.json'))
        : [];

    it('stops at once on a refused token, as run does: the reason, what to do, the events kept in the spool, exit 3', async () => {
      portal = await startIngestPortal();
      const file = path.join(work, 'gateway.log');
      fs.writeFileSync(file, `${claudeCode}\n${openaiWeather}\n`);
      const f = follow(['--read', file, '--follow', '--send'], {
        MCPEEKER_HTTP_URL: `${portal.base}/events`,
        MCPEEKER_TOKEN: 'not-the-token',
        MCPEEKER_SPOOL_DIR: path.join(work, 'spool'),
      });
      // Not every 30 s until SIGINT: it is done well before the first retry.
      const code = await Promise.race([
        f.exited,
        new Promise(r => setTimeout(() => r('still following'), 25_000)),
      ]);
      expect(code).toBe(3);
      expect(portal.attempts).toBe(1);
      const dir = path.join(work, 'spool', 'gateway');
      const lines = f.output.stderr
        .trim()
        .split('\n')
        .map(line => line.replace(/^mcpeeker-agent: \S+ gateway: /, ''));
      expect(lines.slice(-3)).toEqual([
        `the portal at ${portal.base} refused the report (HTTP 401): Illegal token; it does not take the agents' service token this agent has (report.http.token, MCPEEKER_TOKEN): set the token the portal issued for agents; 3 events wait in the spool (${dir})`,
        `not trying again: the portal will take nothing with this agent's token until it is replaced (above); 3 events in the spool (${dir}) are kept and sent first when gateway --send starts again`,
        `${file}: 2 lines, 3 events, 0 skipped`,
      ]);
      expect(spooled()).toHaveLength(3);
    });

    it('keeps trying a backend that cannot take the events now, and sends them once it can', async () => {
      portal = await startIngestPortal();
      portal.down = true;
      portal.retryAfterSeconds = 1;
      const file = path.join(work, 'gateway.log');
      fs.writeFileSync(file, `${claudeCode}\n`);
      const f = follow(['--read', file, '--follow', '--send'], {
        MCPEEKER_HTTP_URL: `${portal.base}/events`,
        MCPEEKER_TOKEN: AGENTS_TOKEN,
        MCPEEKER_SPOOL_DIR: path.join(work, 'spool'),
      });
      const said = () => `stderr:\n${f.output.stderr}`;
      await waitFor(() => portal!.attempts >= 3, said);
      expect(f.proc.exitCode).toBeNull();
      expect(f.output.stderr).toContain(
        `could not take the report now (HTTP 503): starting; 2 events wait in the spool`,
      );
      portal.down = false;
      await waitFor(() => portal!.received.length === 2, said);
      f.proc.kill('SIGINT');
      expect(await f.exited).toBe(0);
      expect(f.output.stderr).not.toContain('not trying again');
      expect(spooled()).toEqual([]);
    });
  });
});
