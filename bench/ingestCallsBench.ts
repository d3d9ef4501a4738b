/* eslint-disable */
// The measuring side of bench/ingest-calls.mjs: the backend's IngestService
// storing into ClickHouseStore (no NATS), with each ClickHouse call's CPU —
// the server's and this process's — summed per kind of call.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import inspector from 'node:inspector/promises';
import { createClient } from '@clickhouse/client';
import { makeEvent } from './ingestBench';
import { IngestService } from '../plugins/mcpeeker-backend/src/services/IngestService';
import { ClickHouseStore } from '../plugins/mcpeeker-backend/src/database/clickhouse/ClickHouseStore';
import { startClickHouseServer } from '../plugins/mcpeeker-backend/src/__testUtils__/clickhouseServer';

const quietLogger: any = {
  info() {},
  warn() {},
  debug() {},
  error: (m: string) => console.error(m),
  child() {
    return quietLogger;
  },
};

/** CPU (ms) of the ClickHouse server listening on `port`, from /proc (clock ticks of 10 ms). */
function serverCpuMs(port: string): () => number {
  const pid = execSync('pgrep -x chserver')
    .toString()
    .trim()
    .split('\n')
    .find(p => fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(port));
  if (!pid) throw new Error(`no ClickHouse server on port ${port}`);
  return () => {
    const f = fs
      .readFileSync(`/proc/${pid}/stat`, 'utf8')
      .split(') ')[1]
      .split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  };
}

/** What a call is, for the sums: the table inserted into, or the query's first words. */
const callName = (kind: string, p: any) =>
  `${kind} ${
    p.table
      ? String(p.table).split('.').pop()
      : String(p.query)
          .replace(/\s+/g, ' ')
          .replace(/\bmcpeeker_calls\./g, '')
          .slice(0, 48)
  }`;

export async function runIngestCallsBench(options: {
  events: number;
  behind: number;
  /** Reports of the same fleet already stored, per finding the measured events touch. */
  history?: number;
  batchSize: number;
}) {
  const server = await startClickHouseServer();
  try {
    const store = await ClickHouseStore.create({
      url: server.url,
      database: 'mcpeeker_calls',
    });
    const chCpu = serverCpuMs(new URL(server.url).port);
    let fillMs = 0;
    if (options.behind > 0) {
      // Events of earlier findings (ten each), in the table before the measured batches.
      const filler = createClient({
        url: server.url,
        request_timeout: 1_800_000,
      });
      const started = performance.now();
      await filler.command({
        query: `INSERT INTO mcpeeker_calls.events (event_id, finding_id, layer, source, host_id_hash, observed_at, received_at, payload, server_name, owner, rules, evidence_key)
          SELECT lower(hex(SHA256(toString(number)))),
                 concat('mcp_', lower(substring(hex(MD5(toString(number % ${Math.max(
                   1,
                   Math.floor(options.behind / 10),
                 )}))), 1, 32))),
                 'endpoint', 'config', 'h',
                 toDateTime64('2026-11-01 00:00:00', 3, 'UTC') + number,
                 toDateTime64('2026-11-01 00:00:00', 3, 'UTC') + number,
                 '{}', 'server', 'user:default/someone', '[]', 'k'
          FROM numbers(${options.behind})`,
      });
      await filler.command({
        query: 'OPTIMIZE TABLE mcpeeker_calls.events FINAL',
      });
      await filler.close();
      fillMs = Math.round(performance.now() - started);
    }
    const calls = new Map<
      string,
      { n: number; clickhouseMs: number; backendMs: number }
    >();
    let measuring = false;
    const client: any = (store as any).client;
    for (const kind of ['insert', 'query', 'command']) {
      const original = client[kind].bind(client);
      client[kind] = async (params: any) => {
        if (!measuring) return original(params);
        const ch = chCpu();
        const cpu = process.cpuUsage();
        const result = await original(params);
        // A query's rows are read by the caller: read them here, inside the measure.
        if (kind === 'query') {
          const rows = await result.json();
          result.json = async () => rows;
        }
        const used = process.cpuUsage(cpu);
        const name = callName(kind, params);
        const sum = calls.get(name) ?? { n: 0, clickhouseMs: 0, backendMs: 0 };
        sum.n++;
        sum.clickhouseMs += chCpu() - ch;
        sum.backendMs += (used.user + used.system) / 1000;
        calls.set(name, sum);
        return result;
      };
    }
    const ingest = new IngestService({
      events: store.events,
      deadLetters: { add: async () => {} } as any,
      salt: 'bench-salt',
      logger: quietLogger,
    });
    const t0 = Date.parse('2026-11-21T00:00:00Z');
    // Events as they arrive: parsed JSON, first deliveries (as NATS marks them).
    const made = (from: number, n: number, earlierMs = 0) =>
      Array.from({ length: n }, (_, i) =>
        JSON.parse(
          JSON.stringify(
            makeEvent(
              from + i,
              new Date(t0 + (from + i) * 10 - earlierMs).toISOString(),
            ),
          ),
        ),
      );
    const ingestAll = async (events: unknown[]) => {
      for (let i = 0; i < events.length; i += options.batchSize)
        await ingest.ingestParsed(
          events
            .slice(i, i + options.batchSize)
            .map(value => ({ value, firstDelivery: true })),
          'nats',
        );
    };
    await ingestAll(made(0, Math.min(2000, options.events))); // warm up
    const history = options.history ?? 0;
    let historyMs = 0;
    if (history > 0) {
      // The fleet reported as often before: its events once through the
      // pipeline (an hour earlier), then copied by ClickHouse with new ids and
      // earlier times, so each finding the measured events touch already has
      // `history` events.
      const started = performance.now();
      const earlier = 3_600_000;
      await ingestAll(made(1_000_000, options.events, earlier));
      const since = new Date(t0 + 1_000_000 * 10 - earlier).toISOString();
      if (history > 1) {
        const copier = createClient({
          url: server.url,
          request_timeout: 1_800_000,
        });
        await copier.command({
          query: `INSERT INTO mcpeeker_calls.events
            SELECT * REPLACE (
              lower(hex(SHA256(concat(event_id, toString(n))))) AS event_id,
              observed_at - toIntervalHour(n) AS observed_at)
            FROM (SELECT * FROM mcpeeker_calls.events
              WHERE observed_at >= parseDateTime64BestEffort({since:String}, 3, 'UTC')
                AND observed_at < parseDateTime64BestEffort({until:String}, 3, 'UTC'))
            ARRAY JOIN range(1, ${history}) AS n`,
          query_params: {
            since,
            until: new Date(t0 + 1_000_000 * 10).toISOString(),
          },
        });
        // Merged, as ClickHouse merges in the background (and what it keeps from them).
        const tables = await (
          await copier.query({
            query: `SELECT name FROM system.tables WHERE database = 'mcpeeker_calls' AND name IN ('events', 'finding_groups')`,
            format: 'JSONEachRow',
          })
        ).json<{ name: string }>();
        for (const { name } of tables)
          await copier.command({
            query: `OPTIMIZE TABLE mcpeeker_calls.${name} FINAL`,
          });
        await copier.close();
      }
      historyMs = Math.round(performance.now() - started);
    }
    const events = made(1_000_000, options.events);
    measuring = true;
    // MCPEEKER_BENCH_PROFILE=file.cpuprofile: a V8 CPU profile of the measured batches only.
    const profile = process.env.MCPEEKER_BENCH_PROFILE;
    const session = profile ? new inspector.Session() : undefined;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const ch = chCpu();
    const cpu = process.cpuUsage();
    const started = performance.now();
    await ingestAll(events);
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    measuring = false;
    if (session && profile) {
      const { profile: taken } = await session.post('Profiler.stop');
      fs.writeFileSync(profile, JSON.stringify(taken));
      session.disconnect();
    }
    // How many events the findings the measured batches touched hold now.
    const [{ held }] = await (
      await client.query({
        query: `SELECT round(avg(c), 1) AS held FROM (
          SELECT uniqExact(event_id) AS c FROM mcpeeker_calls.events
          WHERE finding_id IN (SELECT finding_id FROM mcpeeker_calls.events
            WHERE observed_at >= parseDateTime64BestEffort({from:String}, 3, 'UTC'))
          GROUP BY finding_id)`,
        query_params: { from: new Date(t0 + 1_000_000 * 10).toISOString() },
        format: 'JSONEachRow',
      })
    ).json();
    const perEvent = (ms: number) =>
      Math.round((ms * 1000 * 10) / options.events) / 10;
    await store.close();
    return {
      bench: 'ingest-calls',
      store: 'clickhouse',
      events: options.events,
      behind: options.behind,
      batchSize: options.batchSize,
      ...(options.behind > 0 ? { fillMs } : {}),
      ...(history > 0 ? { history, historyMs } : {}),
      eventsPerTouchedFinding: Number(held),
      eventsPerSec: Math.round(options.events / (wallMs / 1000)),
      backendUsPerEvent: perEvent((used.user + used.system) / 1000),
      clickhouseUsPerEvent: perEvent(chCpu() - ch),
      calls: Object.fromEntries(
        [...calls]
          .sort((a, b) => b[1].clickhouseMs - a[1].clickhouseMs)
          .map(([name, s]) => [
            name,
            {
              n: s.n,
              clickhouseUs: perEvent(s.clickhouseMs),
              backendUs: perEvent(s.backendMs),
            },
          ]),
      ),
    };
  } finally {
    await server.stop();
  }
}
