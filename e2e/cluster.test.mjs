// End to end, faults on a cluster: a three-server NATS JetStream cluster on
// loopback (the events stream kept ×3), two backend replicas sharing the
// durable consumer, one PostgreSQL database and one ClickHouse, and an
// agent's publisher (its spool and NATS transport) reporting throughout.
// Then, one at a time: the stream's NATS leader is killed, a backend
// replica is killed (SIGKILL) while it holds a batch, PostgreSQL drops the
// backend's connections and refuses new ones for a while, ClickHouse goes
// away for 30 s. After each, everything must come back by itself within a
// deadline and the books must balance: every event published is stored
// once or dead-lettered once, and no finding is doubled.
//
// PostgreSQL is the machine's, shared with every other test: it is not
// restarted. Its outage is this test's database refusing connections
// (ALLOW_CONNECTIONS false) with the backend's sessions terminated
// (pg_terminate_backend), which the backend sees as a restart would show it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { backendReplica, demoAuthHeaders, ROOT } from './portal.mjs';
import { sleep, within } from './wait.mjs';
import { loadTs } from '../bench/harness.mjs';

const require = createRequire(path.join(ROOT, 'package.json'));
const { connect } = require('@nats-io/transport-node');
const { jetstreamManager } = require('@nats-io/jetstream');
const pg = require('pg');

const NATS_SERVER = process.env.MCPEEKER_NATS_SERVER ?? '/usr/sbin/nats-server';
const PG_URL =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??
  'postgresql://postgres@127.0.0.1:5432';
const SALT = 'mcpeeker-development-salt';
const id = `${Date.now()}`;
const stream = `MCPEEKER_CLUSTER_${id}`;
const prefix = `mcpcluster${id}`;
const database = `mcpeeker_cluster_${id}`;
const chDatabase = `mcpeeker_cluster_${id}`;

const log = line =>
  console.log(`# cluster ${new Date().toISOString().slice(11, 23)} ${line}`);

function portFree(port) {
  return new Promise(resolve => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `count` consecutive free ports from a random start in [low, high]. */
async function freePorts(low, high, count) {
  for (let attempt = 0; attempt < 20; attempt++) {
    const start = low + Math.floor(Math.random() * (high - low + 2 - count));
    const ports = Array.from({ length: count }, (_, i) => start + i);
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return ports;
  }
  throw new Error(`no ${count} free ports in ${low}-${high}`);
}

// ---------------------------------------------------------------- NATS cluster

function natsNode(work, name, client, route, routes) {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  const config = path.join(dir, 'nats.conf');
  fs.writeFileSync(
    config,
    [
      `server_name: ${name}`,
      `listen: 127.0.0.1:${client}`,
      `jetstream { store_dir: "${path.join(
        dir,
        'js',
      )}", max_memory_store: 64MB, max_file_store: 1GB }`,
      `cluster { name: mcpeeker-test, listen: 127.0.0.1:${route}, routes: [${routes
        .map(r => `nats-route://127.0.0.1:${r}`)
        .join(', ')}] }`,
    ].join('\n'),
  );
  const logFile = path.join(ROOT, 'test-results', `e2e-cluster-${name}.log`);
  let child;
  return {
    name,
    url: `nats://127.0.0.1:${client}`,
    start() {
      const out = fs.openSync(logFile, 'a');
      child = spawn(NATS_SERVER, ['-c', config], {
        stdio: ['ignore', out, out],
      });
      fs.closeSync(out);
    },
    async kill() {
      if (!child || child.exitCode !== null || child.signalCode !== null)
        return;
      const exited = new Promise(r => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

// ---------------------------------------------------------------- the agent's publisher

/**
 * What agents report, through the agent's own Publisher (spool first, then
 * NATS in order, oldest first; kept until the stream acknowledged): every
 * tick a few endpoint events of 40 servers on 10 hosts, and now and then
 * one whose id does not match its content, which the backend must
 * dead-letter. Remembers every event it took.
 */
function agentFleet(work, servers) {
  const { createEvent, compositeId, hashIdentifier } = loadTs(
    'plugins/mcpeeker-common/src/index.ts',
  );
  const { Publisher } = loadTs('plugins/mcpeeker-agent/src/run/publisher.ts');
  const { NatsTransport } = loadTs(
    'plugins/mcpeeker-agent/src/run/transports.ts',
  );
  const spool = path.join(work, 'agent-spool');
  const lines = [];
  const publisher = new Publisher(
    { dir: spool, maxEvents: 100_000 },
    new NatsTransport({ servers, subjectPrefix: `${prefix}.endpoint` }),
    line => lines.push(line),
  );
  const valid = new Map(); // eventId → compositeId
  const invalid = new Set();
  let n = 0;
  let running = false;
  let loop;
  const event = () => {
    n++;
    const host = hashIdentifier(`cluster-host-${n % 10}`, SALT);
    const server = `server-${n % 4}`;
    return createEvent({
      layer: 'endpoint',
      observedAt: new Date().toISOString(),
      compositeId: compositeId({
        hostIdHash: host,
        processSignature: `npx -y @example/${server}`,
      }),
      sensor: { id: `agent-${n % 10}`, kind: 'mcpeeker-agent' },
      host: { idHash: host, os: 'linux', owner: 'user:default/dana' },
      detection: {
        source: 'config',
        client: 'cursor',
        serverName: server,
        configPath: `/home/dana/.cursor/mcp-${n}.json`,
        scope: 'user',
        transport: 'stdio',
        command: 'npx',
        args: ['-y', `@example/${server}`],
      },
    });
  };
  const tick = async () => {
    const events = [];
    for (let i = 0; i < 6; i++) {
      const e = event();
      if (n % 23 === 0) {
        // Its id no longer matches its content.
        const forged = {
          ...e,
          observedAt: new Date(Date.parse(e.observedAt) + 1000).toISOString(),
        };
        invalid.add(forged.eventId);
        events.push(forged);
      } else {
        valid.set(e.eventId, e.compositeId);
        events.push(e);
      }
    }
    const { refused } = await publisher.add(events);
    assert.equal(refused, 0, 'the spool refused events');
    return publisher.flush();
  };
  return {
    valid,
    invalid,
    lines,
    spool,
    start() {
      running = true;
      loop = (async () => {
        while (running) {
          await tick();
          await sleep(250);
        }
      })();
    },
    /** Stops taking events, and waits until the spool has sent everything. */
    async drain(ms) {
      running = false;
      await loop;
      await within(
        ms,
        `the agent's spool to drain (last said: ${lines.at(-1)})`,
        async () => (await publisher.flush()) === 0,
      );
    },
    published: () => valid.size + invalid.size,
    close: () => publisher.close(),
  };
}

// ---------------------------------------------------------------- the books

async function clickhouseRows(url, query) {
  const res = await fetch(`${url}/?default_format=JSONEachRow`, {
    method: 'POST',
    body: query,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`ClickHouse: ${text.slice(0, 300)}`);
  return text
    .split('\n')
    .filter(Boolean)
    .map(l => JSON.parse(l));
}

let nodes = [];
let clickhouse;
let replicas = [];
let fleet;
let work;
let admin;
let headers;

/** The dead letters, through the API (every page). */
async function deadLetters(backend) {
  const out = [];
  let before;
  for (;;) {
    const res = await fetch(
      `${backend}/api/mcpeeker/dead-letters?limit=200${
        before ? `&before=${before}` : ''
      }`,
      { headers },
    );
    if (!res.ok) throw new Error(`dead letters: HTTP ${res.status}`);
    const page = await res.json();
    out.push(...page.items);
    if (!page.nextBefore) return { items: out, total: page.total };
    before = page.nextBefore;
  }
}

/**
 * Stops publishing, lets the spool drain, then waits until every event
 * published is accounted for, and checks that none is counted twice.
 */
async function booksBalance(after, ms) {
  const started = Date.now();
  await fleet.drain(120_000);
  const drained = Date.now();
  const published = fleet.published();
  const backend = replicas[0].url;
  const counts = await within(
    ms,
    `after ${after}, events published (${published}) = stored + dead-lettered`,
    async () => {
      // Every message acked: its batch committed, findings included.
      const consumer = await (
        await jetstreamManager(admin)
      ).consumers.info(stream, 'mcpeeker-cluster');
      if (consumer.num_pending + consumer.num_ack_pending > 0)
        throw new Error(
          `${consumer.num_pending} pending, ${consumer.num_ack_pending} unacknowledged`,
        );
      const [{ stored }] = await clickhouseRows(
        clickhouse.url,
        `SELECT uniqExact(event_id) AS stored FROM ${chDatabase}.events`,
      );
      const { total } = await deadLetters(backend);
      const seen = { stored: Number(stored), deadLettered: total };
      if (seen.stored + seen.deadLettered !== published)
        throw new Error(`stored ${seen.stored}, dead-lettered ${total}`);
      return seen;
    },
  );
  const balanced = Date.now();
  assert.equal(counts.stored, fleet.valid.size, `after ${after}: stored`);
  assert.equal(
    counts.deadLettered,
    fleet.invalid.size,
    `after ${after}: dead-lettered`,
  );

  // No event stored under two findings, and each stored event is one published.
  const twice = await clickhouseRows(
    clickhouse.url,
    `SELECT event_id, groupArray(finding_id) AS findings FROM ${chDatabase}.events FINAL GROUP BY event_id HAVING count() > 1 LIMIT 5`,
  );
  assert.deepEqual(twice, [], `after ${after}: events counted twice`);

  // Each finding once, counting each of its events once.
  const expected = new Map();
  for (const compositeId of fleet.valid.values())
    expected.set(compositeId, (expected.get(compositeId) ?? 0) + 1);
  const findings = await clickhouseRows(
    clickhouse.url,
    `SELECT composite_id, count() AS rows, max(version) AS events FROM ${chDatabase}.findings FINAL GROUP BY composite_id`,
  );
  assert.deepEqual(
    Object.fromEntries(
      findings.map(f => [f.composite_id, [Number(f.rows), Number(f.events)]]),
    ),
    Object.fromEntries([...expected].map(([k, v]) => [k, [1, v]])),
    `after ${after}: each finding once ([rows, events behind it])`,
  );
  const list = await (
    await fetch(`${backend}/api/mcpeeker/findings`, { headers })
  ).json();
  assert.equal(
    list.totalCount,
    expected.size,
    `after ${after}: findings listed`,
  );

  // Each dead letter is one forged event, once.
  const { items } = await deadLetters(backend);
  const ids = items.map(d => JSON.parse(d.payload).eventId);
  assert.equal(
    new Set(ids).size,
    ids.length,
    `after ${after}: a dead letter twice`,
  );
  assert.deepEqual(new Set(ids), fleet.invalid, `after ${after}: dead letters`);
  log(
    `after ${after}: ${published} published = ${counts.stored} stored + ${
      counts.deadLettered
    } dead-lettered, ${expected.size} findings (spool drained in ${
      drained - started
    } ms, books balanced ${balanced - drained} ms later)`,
  );
  const shares = [];
  for (const replica of replicas) {
    const health = await (
      await fetch(`${replica.url}/api/mcpeeker/health`)
    ).json();
    const processed = / (\d+) processed/.exec(
      health.dependencies.nats.detail ?? '',
    )?.[1];
    shares.push(`${replica.name} ${processed ?? '?'}`);
  }
  log(`processed since each replica's start: ${shares.join(', ')}`);
  const spooled = fleet.lines.filter(l => /cannot reach/.test(l)).length;
  log(`the publisher kept events in its spool ${spooled} times so far`);
  fleet.start();
}

/** Both replicas report every dependency ok (their reports are cached 5 s). */
async function healthy(what, ms) {
  for (const replica of replicas) {
    await within(ms, `${replica.name} healthy after ${what}`, async () => {
      const res = await fetch(`${replica.url}/api/mcpeeker/health`);
      const health = await res.json();
      const down = Object.entries(health.dependencies)
        .filter(([, d]) => d.status === 'down')
        .map(([k, d]) => `${k}: ${d.error}`);
      if (health.status !== 'ok')
        throw new Error(`${health.status}; ${down.join('; ')}`);
      return true;
    });
  }
}

/**
 * A few seconds of publishing with the fault in place: the agents go on
 * publishing through it. How soon after a fault depends on the machine (a
 * publisher finding the new NATS leader took over 5 s with both cores busy),
 * so the wait ends on the first event published, within a minute.
 */
async function publishFor(ms) {
  const before = fleet.published();
  await sleep(ms);
  await within(60_000, 'the agents to go on publishing', async () =>
    fleet.published() > before ? true : undefined,
  );
}

// ---------------------------------------------------------------- setup

before(
  async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpeeker-e2e-cluster-'));
    fs.mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });

    const clients = await freePorts(4310, 4399, 3);
    const routes = await freePorts(6310, 6399, 3);
    nodes = ['n1', 'n2', 'n3'].map((name, i) =>
      natsNode(
        work,
        name,
        clients[i],
        routes[i],
        routes.filter((_, j) => j !== i),
      ),
    );
    for (const node of nodes) node.start();
    const servers = nodes.map(n => n.url);
    admin = await within(
      60_000,
      'the NATS cluster to elect a leader',
      async () => {
        const nc = await connect({
          servers,
          timeout: 2000,
          maxReconnectAttempts: -1,
        });
        try {
          const jsm = await jetstreamManager(nc, { timeout: 2000 });
          await jsm.getAccountInfo();
          return nc;
        } catch (e) {
          await nc.close();
          throw e;
        }
      },
    );

    const { startClickHouseServer } = loadTs(
      'plugins/mcpeeker-backend/src/__testUtils__/clickhouseServer.ts',
    );
    clickhouse = await startClickHouseServer();

    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`CREATE DATABASE ${database}`);
    await client.end();

    const [portA, portB] = await freePorts(7800, 7899, 2);
    const pgUrl = new URL(PG_URL);
    replicas = [
      ['a', portA],
      ['b', portB],
    ].map(([name, port]) => {
      const url = `http://localhost:${port}`;
      const config = path.join(work, `app-config.${name}.yaml`);
      fs.writeFileSync(
        config,
        JSON.stringify({
          backend: {
            baseUrl: url,
            listen: { port },
            database: {
              client: 'pg',
              pluginDivisionMode: 'schema',
              ensureSchemaExists: true,
              connection: {
                host: pgUrl.hostname,
                port: Number(pgUrl.port || 5432),
                user: decodeURIComponent(pgUrl.username || 'postgres'),
                password: decodeURIComponent(pgUrl.password),
                database,
              },
            },
          },
          // Nothing mailed to another test's SMTP server.
          notifications: {
            processors: { email: { transportConfig: { transport: 'stream' } } },
          },
          mcpeeker: {
            ingest: {
              nats: {
                enabled: true,
                servers,
                stream,
                consumer: 'mcpeeker-cluster',
                subjectPrefix: prefix,
                replicas: 3,
              },
            },
            store: {
              kind: 'clickhouse',
              clickhouse: { url: clickhouse.url, database: chDatabase },
            },
          },
        }),
      );
      return Object.assign(
        backendReplica({
          name: `e2e-cluster-backend-${name}`,
          extraConfigs: [config],
          backendUrl: url,
          env: { MCPEEKER_DATA_DIR: path.join(work, `data-${name}`) },
        }),
        { url },
      );
    });
    // One after the other: the first runs the migrations of the fresh database.
    await replicas[0].start();
    fleet = agentFleet(work, servers);
    fleet.start();
    await replicas[1].start();
    headers = await demoAuthHeaders(replicas[0].url, 'sam');
    const info = await jetstreamManager(admin).then(j =>
      j.streams.info(stream),
    );
    assert.equal(info.config.num_replicas, 3, 'the stream is kept ×3');
    log(
      `cluster up: NATS ${clients.join(
        ',',
      )}, backends ${portA},${portB}, stream leader ${info.cluster?.leader}`,
    );
  },
  { timeout: 420_000 },
);

after(async () => {
  fleet?.close();
  for (const replica of replicas) await replica.stop().catch(() => {});
  await admin?.close().catch(() => {});
  for (const node of nodes) await node.kill();
  await clickhouse?.stop();
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client
    .query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
    .catch(e => log(`could not drop ${database}: ${e.message}`));
  await client.end();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

// ---------------------------------------------------------------- the faults

test(
  'two replicas on a NATS cluster lose no event and count none twice through four faults',
  { timeout: 900_000 },
  async () => {
    await publishFor(3000);
    await booksBalance('the start', 120_000);

    // 1. The stream's NATS leader goes away; the other two elect another.
    const jsm = await jetstreamManager(admin);
    const leader = (await jsm.streams.info(stream)).cluster.leader;
    const node = nodes.find(n => n.name === leader);
    assert.ok(node, `the stream's leader ${leader} is one of ours`);
    log(`killing NATS ${leader}, the stream's leader`);
    await node.kill();
    await publishFor(5000);
    await within(60_000, 'another NATS server to lead the stream', async () => {
      const info = await jsm.streams.info(stream);
      return info.cluster?.leader && info.cluster.leader !== leader;
    });
    await healthy(`NATS ${leader} went away`, 90_000);
    await booksBalance(`NATS ${leader} went away`, 120_000);
    node.start();
    await within(60_000, `NATS ${leader} to catch up again`, async () => {
      const info = await jsm.streams.info(stream);
      const back = info.cluster?.replicas?.find(r => r.name === leader);
      return back?.current;
    });

    // 2. A replica dies holding messages. It is frozen first (SIGSTOP)
    // until the consumer shows messages delivered and not acked — the other
    // replica acks its own within a batch's time, so these are the frozen
    // one's — then killed. They come again after the consumer's 60 s ack
    // wait, to whichever replica fetches.
    const victim = replicas[1];
    let holding = 0;
    const deadline = Date.now() + 60_000;
    while (!holding) {
      assert.ok(
        Date.now() < deadline,
        `${victim.name} held no unacknowledged message within 60 s`,
      );
      process.kill(victim.pid, 'SIGSTOP');
      await sleep(2000);
      holding = (await jsm.consumers.info(stream, 'mcpeeker-cluster'))
        .num_ack_pending;
      if (!holding) process.kill(victim.pid, 'SIGCONT');
    }
    await victim.kill();
    log(`kill -9 ${victim.name}, holding ${holding} unacknowledged messages`);
    await publishFor(3000);
    await victim.start();
    await healthy(`${victim.name} was killed`, 90_000);
    await booksBalance(`${victim.name} was killed`, 180_000);

    // 3. PostgreSQL drops the backends' sessions and refuses new ones for 10 s.
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    log('PostgreSQL refuses the backends');
    await client.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
    const dropped = await client.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database],
    );
    assert.ok(dropped.rowCount > 0, 'the backends had no session to drop');
    await publishFor(10_000);
    await client.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
    await client.end();
    await healthy('PostgreSQL came back', 90_000);
    await booksBalance('PostgreSQL came back', 120_000);

    // 4. ClickHouse goes away for 30 s, then comes back on its port with its data.
    log('ClickHouse goes away for 30 s');
    await clickhouse.halt();
    await publishFor(30_000);
    await clickhouse.resume();
    await healthy('ClickHouse came back', 90_000);
    await booksBalance('ClickHouse came back', 120_000);

    await fleet.drain(60_000);
  },
);
