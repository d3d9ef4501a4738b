import {
  ClickHouseClient,
  ClickHouseLogLevel,
  createClient,
} from '@clickhouse/client';
import type { McpEvent } from '@mcpeeker/plugin-mcpeeker-common';

/**
 * The ClickHouse side of the store: every accepted event, with the finding
 * correlation put it in, in a MergeTree table for history and analytics, and
 * a materialised view of daily counts per finding and layer. Writes are
 * idempotent (ReplacingMergeTree on the event id), so a redelivered batch
 * leaves one row per event. Parameterised queries only.
 */
export class ClickHouseEventArchive {
  static async create(options: {
    url: string;
    database: string;
    username?: string;
    password?: string;
  }): Promise<ClickHouseEventArchive> {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(options.database)) {
      throw new Error(
        `mcpeeker.store.clickhouse.database must be a plain identifier, got '${options.database}'`,
      );
    }
    const client = createClient({
      url: options.url,
      username: options.username,
      password: options.password,
      request_timeout: 30_000,
      log: { level: ClickHouseLogLevel.WARN },
    });
    const archive = new ClickHouseEventArchive(client, options.database);
    await archive.migrate();
    return archive;
  }

  private constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  private async migrate() {
    const db = this.database;
    for (const query of [
      `CREATE DATABASE IF NOT EXISTS ${db}`,
      `CREATE TABLE IF NOT EXISTS ${db}.events (
         event_id FixedString(64),
         finding_id String,
         layer LowCardinality(String),
         source LowCardinality(String),
         host_id_hash String,
         observed_at DateTime64(3, 'UTC'),
         received_at DateTime64(3, 'UTC'),
         payload String CODEC(ZSTD(3))
       ) ENGINE = ReplacingMergeTree(received_at)
       PARTITION BY toYYYYMM(observed_at)
       ORDER BY (finding_id, event_id)`,
      // Distinct events, not inserted rows: a redelivered batch must not inflate the counts.
      `CREATE TABLE IF NOT EXISTS ${db}.events_daily (
         day Date,
         finding_id String,
         layer LowCardinality(String),
         events AggregateFunction(uniqExact, FixedString(64))
       ) ENGINE = AggregatingMergeTree
       ORDER BY (day, finding_id, layer)`,
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.events_daily_mv TO ${db}.events_daily AS
         SELECT toDate(observed_at) AS day, finding_id, layer, uniqExactState(event_id) AS events
         FROM ${db}.events GROUP BY day, finding_id, layer`,
    ]) {
      await this.client.command({ query });
    }
  }

  /** Appends events with the finding each belongs to. */
  async append(
    events: Array<{ event: McpEvent; findingId: string }>,
    receivedAt = new Date(),
  ): Promise<void> {
    if (events.length === 0) return;
    const source = (e: McpEvent) => {
      if (e.layer === 'endpoint') return e.detection.source;
      return e.layer === 'network' ? e.sensor.kind : 'request';
    };
    await this.client.insert({
      table: `${this.database}.events`,
      format: 'JSONEachRow',
      values: events.map(({ event, findingId }) => ({
        event_id: event.eventId,
        finding_id: findingId,
        layer: event.layer,
        source: source(event),
        host_id_hash: event.layer === 'endpoint' ? event.host.idHash : '',
        observed_at: new Date(event.observedAt).getTime(),
        received_at: receivedAt.getTime(),
        payload: JSON.stringify(event),
      })),
      clickhouse_settings: { date_time_input_format: 'best_effort' },
    });
  }

  /** Distinct events of a finding, by layer. */
  async countByLayer(findingId: string): Promise<Record<string, number>> {
    const result = await this.client.query({
      query: `SELECT layer, uniqExact(event_id) AS n FROM ${this.database}.events WHERE finding_id = {finding:String} GROUP BY layer ORDER BY layer`,
      query_params: { finding: findingId },
      format: 'JSONEachRow',
    });
    const rows = await result.json<{ layer: string; n: number | string }>();
    return Object.fromEntries(rows.map(r => [r.layer, Number(r.n)]));
  }

  /** Events per day and layer over a time range, from the materialised view. */
  async daily(
    since: Date,
  ): Promise<Array<{ day: string; layer: string; events: number }>> {
    const result = await this.client.query({
      query: `SELECT toString(d.day) AS date, d.layer AS layer, uniqExactMerge(d.events) AS events FROM ${this.database}.events_daily AS d WHERE d.day >= toDate({since:DateTime64(3)}) GROUP BY d.day, d.layer ORDER BY d.day, d.layer`,
      query_params: { since: since.getTime() / 1000 },
      format: 'JSONEachRow',
    });
    const rows = await result.json<{
      date: string;
      layer: string;
      events: number | string;
    }>();
    return rows.map(r => ({
      day: r.date,
      layer: r.layer,
      events: Number(r.events),
    }));
  }

  async close() {
    await this.client.close();
  }
}
