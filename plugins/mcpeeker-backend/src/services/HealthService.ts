import { LoggerService } from '@backstage/backend-plugin-api';
import type {
  DependencyHealth,
  HealthReport,
} from '@mcpeeker/plugin-mcpeeker-common';
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Knex } from 'knex';
import type { McpeekerConfig } from '../config';
import type { JudgeService } from './judge/JudgeService';
import { natsSecurityOptions } from './ingestConfig';
import packageJson from '../../package.json';

const CHECK_TIMEOUT_MS = 3000;
/** An unauthenticated route must not open connections on every hit. */
const REPORT_TTL_MS = 5000;

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const message = error.message || error.name;
    return typeof code === 'string' && !message.includes(code)
      ? `${code}: ${message}`
      : message;
  }
  return String(error);
}

async function timed(
  detail: string,
  check: () => Promise<string | void>,
): Promise<DependencyHealth> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const more = await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    return {
      status: 'ok',
      detail: more ? `${detail}: ${more}` : detail,
      latencyMs: Date.now() - started,
    };
  } catch (error) {
    return {
      status: 'down',
      detail,
      error: describeError(error),
      latencyMs: Date.now() - started,
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Checks, live, each dependency the configuration turns on: the database,
 * NATS JetStream, ClickHouse and the Judge.
 */
export class HealthService {
  private cached?: { at: number; report: Promise<HealthReport> };

  constructor(
    private readonly options: {
      config: McpeekerConfig;
      db: Knex;
      logger: LoggerService;
      /** The running consumer, when NATS ingest is on: its state is what counts. */
      natsConsumer?: { health(): Promise<DependencyHealth> };
      /** The Judge: its mode and circuit, and a probe of the API. */
      judge: Pick<JudgeService, 'state' | 'probe'>;
    },
  ) {}

  /** The current report; at most one live check every five seconds. */
  report(): Promise<HealthReport> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > REPORT_TTL_MS) {
      this.cached = { at: now, report: this.check() };
    }
    return this.cached.report;
  }

  private async check(): Promise<HealthReport> {
    const [database, nats, clickhouse, judge] = await Promise.all([
      this.checkDatabase(),
      this.checkNats(),
      this.checkClickHouse(),
      this.checkJudge(),
    ]);
    const dependencies = { database, nats, clickhouse, judge };
    for (const [name, health] of Object.entries(dependencies)) {
      if (health.status === 'down') {
        this.options.logger.warn(`MCPeeker dependency ${name} is down`, {
          error: health.error,
        });
      }
    }
    let status: HealthReport['status'] = 'ok';
    if (database.status === 'down') status = 'down';
    else if (Object.values(dependencies).some(d => d.status === 'down')) {
      status = 'degraded';
    }
    return {
      status,
      version: packageJson.version,
      checkedAt: new Date().toISOString(),
      dependencies,
    };
  }

  private checkDatabase(): Promise<DependencyHealth> {
    const { db } = this.options;
    const client = String(db.client.config.client);
    let kind = client;
    if (client.includes('sqlite')) kind = 'sqlite';
    else if (client === 'pg') kind = 'postgresql';
    return timed(kind, async () => {
      await db.raw('select 1');
    });
  }

  private async checkNats(): Promise<DependencyHealth> {
    const nats = this.options.config.ingest.nats;
    if (!nats.enabled) {
      return {
        status: 'disabled',
        detail: 'not configured: agents report over HTTP',
      };
    }
    if (this.options.natsConsumer) {
      return this.options.natsConsumer.health();
    }
    return timed(`jetstream ${nats.servers.join(',')}`, async () => {
      const connection = await connect({
        servers: nats.servers,
        timeout: CHECK_TIMEOUT_MS,
        reconnect: false,
        ...natsSecurityOptions(nats),
        name: 'mcpeeker-health',
      });
      try {
        const manager = await jetstreamManager(connection);
        try {
          const info = await manager.streams.info(nats.stream);
          return `stream ${nats.stream}, ${info.state.messages} messages`;
        } catch (error) {
          throw new Error(
            `stream ${nats.stream} is not available: ${describeError(error)}`,
          );
        }
      } finally {
        await connection.close();
      }
    });
  }

  private async checkClickHouse(): Promise<DependencyHealth> {
    const store = this.options.config.store;
    if (store.kind !== 'clickhouse') {
      return {
        status: 'disabled',
        detail: 'not configured: findings in the Backstage database',
      };
    }
    const { url, database, username, password } = store.clickhouse;
    return timed(`${url} database ${database}`, async () => {
      const client = createClient({
        url,
        username,
        password,
        request_timeout: CHECK_TIMEOUT_MS,
        // The failure is reported in the health report and logged once there.
        log: { level: ClickHouseLogLevel.OFF },
      });
      try {
        const ping = await client.ping();
        if (!ping.success) throw ping.error;
      } finally {
        await client.close();
      }
    });
  }

  /**
   * What judges gateway requests now: the offline judge (no key set), or
   * Claude — down while its circuit is open, else whether the API answers.
   */
  private async checkJudge(): Promise<DependencyHealth> {
    const judge = this.options.judge;
    const state = judge.state;
    if (state.mode === 'offline') {
      return {
        status: 'ok',
        detail:
          'offline judge: rule-based verdicts from tool names, MCP connectors and known MCP packages (no Anthropic API key set)',
      };
    }
    const detail = `Claude ${state.model} through the Anthropic API`;
    if (state.circuit === 'open') {
      return {
        status: 'down',
        detail: `${detail}; circuit open until ${state.retryAt?.toISOString()}: gateway findings are scored without the Judge and flagged`,
        error: state.lastError,
      };
    }
    return timed(`${detail}; circuit ${state.circuit}`, () => judge.probe());
  }
}
