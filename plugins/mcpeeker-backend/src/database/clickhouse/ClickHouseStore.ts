import {
  ClickHouseClient,
  ClickHouseLogLevel,
  createClient,
} from '@clickhouse/client';
import type { Layer, McpEvent } from '@mcpeeker/plugin-mcpeeker-common';
import {
  AnalyticsSummary,
  CLASSIFICATIONS,
  judgedNotMcp,
  NOT_APPROVED_STATUSES,
  RISK_SEVERITY_RANK,
  SCORE_DISTRIBUTION_CAP,
  ScoreDistribution,
  Trendlines,
} from '@mcpeeker/plugin-mcpeeker-common';
import {
  describeFinding,
  FindingTotals,
  FindingUpdate,
  compareText,
  judgeText,
  toolsText,
  riskReportKey,
  risksText,
  MAX_OWNERS,
  Lesson,
  LessonBook,
  Lessons,
  mergeTotals,
  moveScope,
  RuleTotals,
  SourceTotals,
  toFindingUpdate,
} from '../../services/correlation/correlate';
import { RuleEngine, RuleHit } from '../../services/correlation/rules';
import { ScoringWeights } from '../../services/correlation/scoring';
import {
  findingActivitySelect,
  findingGroupsSelect,
  migrateClickHouse,
  onceSchemaStep,
} from './schema';
import {
  AnalyticsScope,
  DASHBOARD_FINDINGS,
  summaryFilters,
  SummaryOptions,
  toScoreDistribution,
  toSummary,
  toTrendlines,
  trendRange,
  TrendQuery,
} from '../findingAnalytics';
import type { EventStore, StoredBatch, StoredEvent } from '../EventStore';
import { chunks as sqlChunks } from '../queryHelpers';

/**
 * Id lists travel as URL parameters, which ClickHouse caps at 128 KiB each:
 * 1,000 ids of up to 64 characters stay well below.
 */
const chunks = <T>(items: T[]) => sqlChunks(items, 1000);

/**
 * Rows whose JSON text columns (an event's payload, a finding's signals) are
 * given as the objects and arrays themselves: ClickHouse stores the text of
 * each as it arrives, so the client serialises it once, inside the row,
 * instead of a string of JSON escaped again inside the row's JSON — the same
 * text (`JSON.stringify`'s), less CPU on both sides (docs/performance.md).
 */
const JSON_TEXT_AS_IS = {
  input_format_json_read_objects_as_strings: 1,
  input_format_json_read_arrays_as_strings: 1,
} as const;
import {
  Detection,
  Finding,
  FindingPage,
  FindingFilter,
  FINDING_LIST_ORDER,
  FindingQuery,
  FindingStore,
  findingVisibleTo,
  finishWithLookups,
  MAX_COUNTED_FINDINGS,
  RegistryLookup,
  RescoreTarget,
  riskLevelRank,
  ScoreHistoryRecorder,
  ServerSummary,
  TriageLookup,
  InventoryLookup,
  emptyEvidence,
} from '../FindingStore';

export interface ClickHouseConnection {
  url: string;
  database: string;
  username?: string;
  password?: string;
}

type FindingRow = {
  composite_id: string;
  server_name: string;
  host_id_hash: string;
  owner: string;
  owners: string[];
  score: number;
  classification: Finding['classification'];
  layers: string[];
  signals: string;
  breakdown: string;
  registry_status: Finding['registryStatus'];
  registry_owner: string;
  judge_unavailable: number;
  first_seen_ms: string | number;
  last_seen_ms: string | number;
  triage_status: Finding['triage']['status'];
  triage: string;
  command_signature_hash: string;
};

/** An ORDER BY of columns, each descending. */
const descending = (columns: readonly string[]) =>
  columns.map(column => `${column} DESC`).join(', ');

// Named apart from the columns: an alias shadows its column in WHERE and
// ORDER BY (a `last_seen >= …` filter compared milliseconds with a date).
const FINDING_COLUMNS = `composite_id, server_name, host_id_hash, owner, owners, score,
  classification, layers, signals, breakdown, registry_status, registry_owner, judge_unavailable,
  toUnixTimestamp64Milli(first_seen) AS first_seen_ms, toUnixTimestamp64Milli(last_seen) AS last_seen_ms,
  triage_status, triage, command_signature_hash`;

function toFinding(row: FindingRow): Finding {
  return {
    compositeId: row.composite_id,
    serverName: row.server_name || undefined,
    hostIdHash: row.host_id_hash || undefined,
    owner: row.owner || undefined,
    owners: row.owners ?? [],
    score: Number(row.score),
    classification: row.classification,
    layers: [...row.layers].sort() as Layer[],
    breakdown: JSON.parse(row.breakdown),
    signals: JSON.parse(row.signals),
    registryStatus: row.registry_status,
    ...(row.registry_owner ? { registryOwner: row.registry_owner } : {}),
    judgeUnavailable: Boolean(Number(row.judge_unavailable)),
    firstSeen: new Date(Number(row.first_seen_ms)).toISOString(),
    lastSeen: new Date(Number(row.last_seen_ms)).toISOString(),
    ...(row.command_signature_hash
      ? { commandSignatureHash: row.command_signature_hash }
      : {}),
    triage: row.triage
      ? JSON.parse(row.triage)
      : { status: row.triage_status || 'open' },
  };
}

/**
 * Findings, detections and events in ClickHouse, for fleets where the
 * Backstage database would be the bottleneck (`mcpeeker.store.kind:
 * clickhouse`). The Backstage database still holds dead letters and the
 * registry.
 *
 * - `events` (ReplacingMergeTree on finding and event id) keeps every accepted
 *   event with what correlation derived from it; a redelivered batch adds no
 *   row that counts, because every read counts distinct event ids. A network
 *   event moves (insert, then delete the old row) when an agent teaches where
 *   its destination leads.
 * - `findings` (ReplacingMergeTree, version = distinct events behind it) is
 *   recomputed from the events of each finding a batch touches — their sums
 *   as ClickHouse keeps them in `finding_groups` — by the one correlation step, so a finding is the same whatever order, replica or
 *   redelivery its events came by, and the same as on the SQL engines.
 * - `lessons`: address → host and host:port → finding, the latest report wins.
 * - Detections (events per layer and dedup window) are read from the events.
 *
 * Parameterised queries only; identifiers are checked at construction.
 */
export class ClickHouseStore implements FindingStore {
  static async create(
    connection: ClickHouseConnection,
    options: {
      weights?: ScoringWeights;
      dedupWindowMs?: number;
      registry?: RegistryLookup;
      triage?: TriageLookup;
      inventories?: InventoryLookup;
      /** Where score changes are kept (the Backstage database's score history). */
      history?: ScoreHistoryRecorder;
      rules?: RuleEngine;
    } = {},
  ): Promise<ClickHouseStore> {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(connection.database)) {
      throw new Error(
        `mcpeeker.store.clickhouse.database must be a plain identifier, got '${connection.database}'`,
      );
    }
    const client = createClient({
      url: connection.url,
      username: connection.username,
      password: connection.password,
      request_timeout: 30_000,
      // Failures reach the caller (503 on reads, redelivery on ingest) and are logged there.
      log: { level: ClickHouseLogLevel.OFF },
      clickhouse_settings: { date_time_input_format: 'best_effort' },
    });
    const store = new ClickHouseStore(client, connection.database, options);
    try {
      await migrateClickHouse(client, connection.database, store.windowSeconds);
      await store.markNotMcpOnce();
    } catch (error) {
      await client.close();
      throw error;
    }
    return store;
  }

  readonly windowSeconds: number;

  private constructor(
    private readonly client: ClickHouseClient,
    private readonly db: string,
    private readonly options: {
      weights?: ScoringWeights;
      dedupWindowMs?: number;
      registry?: RegistryLookup;
      triage?: TriageLookup;
      inventories?: InventoryLookup;
      history?: ScoreHistoryRecorder;
      rules?: RuleEngine;
    },
  ) {
    this.windowSeconds = Math.max(
      1,
      Math.round((options.dedupWindowMs ?? 5 * 60_000) / 1000),
    );
  }

  /** The event side, for the ingest pipeline: storing a batch correlates it. */
  readonly events: EventStore = {
    addMany: stored => this.addMany(stored),
    count: filter => this.count(filter),
    get: eventId => this.event(eventId),
  };

  /**
   * Stores a batch and correlates it: every event of the batch (a redelivered
   * one too) is written and its finding recomputed from its events, which is
   * idempotent, so a batch that failed halfway heals when redelivered.
   */
  async addMany(stored: StoredEvent[]): Promise<StoredBatch> {
    if (stored.length === 0)
      return { inserted: [], duplicates: 0, correlationMs: 0 };
    const started = Date.now();
    const unique = [...new Map(stored.map(e => [e.event.eventId, e])).values()];
    const events = unique.map(s => s.event);

    // What this batch teaches, against what is known: the later report wins.
    const book = new LessonBook(keys => this.readLessons(keys));
    await book.learn(events);
    const changed = book.changed();
    const updates = events.map(e => this.update(e, book.lessons));

    // Only events that may have come before are looked for (see StoredEvent.firstDelivery).
    const seen = await this.existingEventIds(
      unique.flatMap((s, i) =>
        s.firstDelivery
          ? []
          : [{ eventId: s.event.eventId, findingId: updates[i].compositeId }],
      ),
    );
    const touched = new Set(updates.map(u => u.compositeId));
    await Promise.all([
      this.insertEvents(
        unique.map((s, i) => ({
          event: s.event,
          receivedAt: s.receivedAt,
          update: updates[i],
        })),
      ),
      changed.length > 0
        ? this.client.insert({
            table: `${this.db}.lessons`,
            format: 'JSONEachRow',
            values: changed.map(l => ({
              lesson_key: l.key,
              value: l.value,
              observed_at: l.at,
            })),
          })
        : undefined,
    ]);

    // Network events stored earlier whose destination was just taught move
    // (a redelivered one of this batch too: its old row is found and moved).
    const emptied = await this.moveEvents(book, touched);
    await this.recompute([...touched], emptied);
    const fresh = unique
      .filter(s => !seen.has(s.event.eventId))
      .map(s => s.event);
    return {
      inserted: fresh,
      duplicates: stored.length - fresh.length,
      correlationMs: Date.now() - started,
    };
  }

  private update(event: McpEvent, lessons: Lessons) {
    return toFindingUpdate(
      event,
      lessons,
      this.options.rules?.evaluate(event) ?? [],
    );
  }

  private async readLessons(keys: string[]): Promise<Map<string, Lesson>> {
    const out = new Map<string, Lesson>();
    for (const part of chunks(keys)) {
      const rows = await this.select<{
        lesson_key: string;
        best: [string | number, string];
      }>(
        `SELECT lesson_key, max(tuple(observed_at, value)) AS best
         FROM ${this.db}.lessons
         WHERE lesson_key IN {keys:Array(String)}
         GROUP BY lesson_key`,
        { keys: part },
      );
      for (const r of rows)
        out.set(r.lesson_key, {
          key: r.lesson_key,
          value: r.best[1],
          at: Number(r.best[0]),
        });
    }
    return out;
  }

  /**
   * Moves network events to where their destination now leads; adds the
   * findings they leave and join to `touched`, and returns the ones they left.
   */
  private async moveEvents(
    book: LessonBook,
    touched: Set<string>,
  ): Promise<string[]> {
    const { addressHashes, ports } = moveScope(book.moved());
    if (addressHashes.length === 0 && ports.length === 0) return [];
    type Row = {
      event_id: string;
      finding_id: string;
      payload: string;
      received_at: string;
    };
    const found = new Map<string, { row: Row; event: McpEvent }>();
    const collect = (rows: Row[]) => {
      for (const row of rows)
        found.set(`${row.event_id}|${row.finding_id}`, {
          row,
          event: JSON.parse(row.payload),
        });
    };
    const select = `SELECT event_id, finding_id, dst_port, payload, toUnixTimestamp64Milli(received_at) AS received_at
      FROM ${this.db}.events WHERE layer = 'network' AND `;
    for (const part of chunks(addressHashes))
      collect(
        await this.select<Row>(
          `${select} dst_address_hash IN {a:Array(String)}`,
          {
            a: part,
          },
        ),
      );
    for (const part of chunks(ports)) {
      const pairs = new Set(part.map(([p, f]) => `${p}|${f}`));
      collect(
        (
          await this.select<Row & { dst_port: number }>(
            `${select} finding_id IN {ids:Array(String)} AND dst_port IN {ports:Array(UInt16)}`,
            {
              ids: [...new Set(part.map(([, f]) => f))],
              ports: [...new Set(part.map(([p]) => p))],
            },
          )
        ).filter(r => pairs.has(`${r.dst_port}|${r.finding_id}`)),
      );
    }
    await book.need([...found.values()].map(f => f.event));
    const moves = [];
    for (const { row, event } of found.values()) {
      const update = this.update(event, book.lessons);
      if (update.compositeId !== row.finding_id)
        moves.push({ row, event, update });
    }
    if (moves.length === 0) return [];
    await this.insertEvents(
      moves.map(m => ({
        event: m.event,
        receivedAt: new Date(Number(m.row.received_at)),
        update: m.update,
      })),
    );
    const byFinding = new Map<string, string[]>();
    for (const m of moves)
      byFinding.set(m.row.finding_id, [
        ...(byFinding.get(m.row.finding_id) ?? []),
        m.row.event_id,
      ]);
    for (const [from, ids] of byFinding)
      for (const part of chunks(ids))
        await this.client.command({
          query: `DELETE FROM ${this.db}.events WHERE finding_id = {from:String} AND event_id IN {ids:Array(String)}`,
          query_params: { from, ids: part },
        });
    await this.reckonDerived([...byFinding.keys()]);
    for (const m of moves) {
      touched.add(m.row.finding_id);
      touched.add(m.update.compositeId);
    }
    return [...byFinding.keys()];
  }

  /**
   * The views feeding `finding_activity` and `finding_groups` see inserts
   * only: the findings events moved away from get their rows again from the
   * events they keep.
   */
  private async reckonDerived(findingIds: string[]) {
    for (const [table, select] of [
      ['finding_activity', findingActivitySelect],
      ['finding_groups', findingGroupsSelect],
    ] as const)
      for (const ids of chunks(findingIds)) {
        await this.client.command({
          query: `DELETE FROM ${this.db}.${table} WHERE finding_id IN {ids:Array(String)}`,
          query_params: { ids },
        });
        await this.client.command({
          query: `INSERT INTO ${this.db}.${table} ${select(
            this.db,
            'finding_id IN {ids:Array(String)}',
          )}`,
          query_params: { ids },
        });
      }
  }

  private async existingEventIds(
    events: Array<{ eventId: string; findingId: string }>,
  ): Promise<Set<string>> {
    const known = new Set<string>();
    for (const part of chunks(events)) {
      const rows = await this.select<{ event_id: string }>(
        `SELECT DISTINCT event_id FROM ${this.db}.events
         WHERE finding_id IN {findings:Array(String)} AND event_id IN {events:Array(String)}`,
        {
          findings: [...new Set(part.map(e => e.findingId))],
          events: part.map(e => e.eventId),
        },
      );
      for (const r of rows) known.add(r.event_id);
    }
    return known;
  }

  private async insertEvents(
    rows: Array<{ event: McpEvent; receivedAt: Date; update: FindingUpdate }>,
  ) {
    await this.client.insert({
      table: `${this.db}.events`,
      format: 'JSONEachRow',
      clickhouse_settings: JSON_TEXT_AS_IS,
      values: rows.map(({ event, receivedAt, update }) => ({
        event_id: event.eventId,
        finding_id: update.compositeId,
        layer: event.layer,
        source: update.source,
        host_id_hash: update.hostIdHash ?? '',
        observed_at: update.observedAt,
        received_at: receivedAt.getTime(),
        payload: event,
        server_name: update.serverName ?? '',
        owner: update.owner ?? '',
        judge: update.judge ? judgeText(update.judge) : '',
        tools: update.tools ? toolsText(update.tools) : '',
        command_signature_hash: update.commandSignatureHash ?? '',
        risks: update.risks ? risksText(update.risks) : '',
        judge_confidence: update.judge?.confidence ?? 0,
        judge_missing: update.judgeUnavailable ? 1 : 0,
        high_severity: update.highSeverity ? 1 : 0,
        rules: update.rules,
        evidence_key: update.evidenceKey ?? '',
        dst_address_hash:
          event.layer === 'network' ? event.flow.dstAddressHash : '',
        dst_port: event.layer === 'network' ? event.flow.dstPort : 0,
      })),
    });
  }

  async summarizeServers(limit: number): Promise<ServerSummary[]> {
    const rows = await this.select<{
      server_name: string;
      findings: string;
      hosts: string;
      max_score: string;
      last_seen: string;
      an_owner: string;
    }>(
      `SELECT server_name, count() AS findings, uniqExactIf(host_id_hash, host_id_hash != '') AS hosts,
         max(score) AS max_score, toUnixTimestamp64Milli(max(last_seen)) AS last_seen,
         minIf(owner, owner != '') AS an_owner
       FROM ${this.db}.findings FINAL
       WHERE server_name != '' AND not_mcp = 0
       GROUP BY server_name
       ORDER BY max_score DESC, server_name
       LIMIT {limit:UInt32}`,
      { limit },
    );
    return rows.map(r => ({
      serverName: r.server_name,
      findings: Number(r.findings),
      hosts: Number(r.hosts),
      maxScore: Number(r.max_score),
      lastSeen: new Date(Number(r.last_seen)).toISOString(),
      ...(r.an_owner ? { anOwner: r.an_owner } : {}),
    }));
  }

  async analyticsSummary(
    scope: AnalyticsScope,
    now: Date,
    options: SummaryOptions = { feedbackBacklog: true },
  ): Promise<AnalyticsSummary> {
    const filters = summaryFilters(now);
    // The scope narrows the rows read; what the Dashboard counts
    // (DASHBOARD_FINDINGS) is a condition of each number, so the findings it
    // leaves out are counted in the same pass. No alias may be a column's
    // name: ClickHouse would read the alias in the other conditions.
    const base = this.conditions(scope);
    const params: Record<string, unknown> = {
      ...base.params,
      activeSince: filters.activeSince.getTime(),
    };
    // Each filtered number with the list's own conditions (within the
    // scope's): the list's total, in one pass over the findings.
    const condition = (filter: FindingFilter) => {
      const { where, params: own } = this.conditions(filter);
      for (const [name, value] of Object.entries(own)) {
        if (
          name in params &&
          JSON.stringify(params[name]) !== JSON.stringify(value)
        )
          throw new Error(`analytics summary: parameter ${name} clashes`);
        params[name] = value;
      }
      return where.length ? where.join(' AND ') : '1';
    };
    const countIf = (filter: FindingFilter) => `countIf(${condition(filter)})`;
    const shown = condition(DASHBOARD_FINDINGS);
    const [counts] = await this.select<Record<string, string>>(
      `SELECT countIf(${shown}) AS total,
         ${CLASSIFICATIONS.map(
           c => `countIf(${shown} AND classification = '${c}') AS ${c}`,
         ).join(', ')},
         uniqExactIf(host_id_hash, ${shown} AND host_id_hash != ''
           AND last_seen >= fromUnixTimestamp64Milli({activeSince:Int64})) AS active_hosts,
         ${countIf(filters.unregisteredHighRisk)} AS high_risk,
         ${countIf(filters.newThisWeek)} AS new_this_week,
         count() AS in_scope,
         ${countIf(filters.suppressed)} AS hidden_suppressed,
         ${countIf(filters.noLongerReported)} AS hidden_gone,
         ${countIf(filters.notMcp)} AS hidden_not_mcp${
        options.feedbackBacklog
          ? `,
         ${countIf(filters.feedbackBacklog)} AS backlog`
          : ''
      }
       FROM ${this.db}.findings FINAL${
        base.where.length ? ` WHERE ${base.where.join(' AND ')}` : ''
      }`,
      params,
    );
    return toSummary(
      scope,
      {
        total: counts.total,
        authorized: counts.authorized,
        suspect: counts.suspect,
        unauthorized: counts.unauthorized,
        activeHosts: counts.active_hosts,
        unregisteredHighRisk: counts.high_risk,
        newThisWeek: counts.new_this_week,
        feedbackBacklog: options.feedbackBacklog ? counts.backlog : undefined,
        inScope: counts.in_scope,
        suppressed: counts.hidden_suppressed,
        noLongerReported: counts.hidden_gone,
        notMcp: counts.hidden_not_mcp,
      },
      now,
    );
  }

  async scoreDistribution(scope: AnalyticsScope): Promise<ScoreDistribution> {
    const { where, params } = this.conditions({
      ...scope,
      ...DASHBOARD_FINDINGS,
    });
    const rows = await this.select<{ bucket: number; n: string }>(
      `SELECT least(score, {cap:Int16}) AS bucket, count() AS n
       FROM ${this.db}.findings FINAL${
        where.length ? ` WHERE ${where.join(' AND ')}` : ''
      }
       GROUP BY bucket`,
      { ...params, cap: SCORE_DISTRIBUTION_CAP },
    );
    return toScoreDistribution(
      rows.map(r => ({ score: Number(r.bucket), count: Number(r.n) })),
    );
  }

  /**
   * From `finding_activity` (see schema.ts): the distinct findings of each
   * hour, day and week, kept by a materialised view as events arrive, so a
   * trendline reads one row per finding and bucket instead of every event.
   * FINAL makes the rows distinct; each is classified by looking its finding
   * up in the set of each classification — measured faster than a join
   * (docs/performance.md, Analytics).
   */
  async trendlines(query: TrendQuery): Promise<Trendlines> {
    const { origin, size, end } = trendRange(query);
    const { where, params } = this.conditions({
      ownerRefs: query.ownerRefs,
      ...DASHBOARD_FINDINGS,
    });
    const findings = (condition?: string) => {
      const all = [...where, ...(condition ? [condition] : [])];
      return `SELECT composite_id FROM ${this.db}.findings FINAL${
        all.length ? ` WHERE ${all.join(' AND ')}` : ''
      }`;
    };
    // DateTime holds 1970–2106: a range beyond it holds no events anyway.
    const seconds = (ms: number) =>
      Math.min(Math.max(Math.floor(ms / 1000), 0), 2 ** 32 - 1);
    const rows = await this.select<Record<string, string>>(
      `SELECT intDiv(toInt64(toUnixTimestamp(bucket)) * 1000 - {origin:Int64}, {size:Int64}) AS bucket_index,
         ${CLASSIFICATIONS.map(
           c =>
             `countIf(finding_id IN (${findings(
               `classification = '${c}'`,
             )})) AS ${c}`,
         ).join(',\n         ')}
       FROM ${this.db}.finding_activity FINAL
       WHERE bucket_size = {bucketSize:String}
         AND bucket >= toDateTime({fromSecond:UInt32}, 'UTC')
         AND bucket < toDateTime({toSecond:UInt32}, 'UTC')${
           // A developer's few findings: the rows of others are skipped early.
           query.ownerRefs ? ` AND finding_id IN (${findings()})` : ''
         }
       GROUP BY bucket_index`,
      {
        ...params,
        origin,
        size,
        bucketSize: query.bucket,
        fromSecond: seconds(origin),
        toSecond: seconds(end),
      },
    );
    return toTrendlines(
      query,
      rows.flatMap(r =>
        CLASSIFICATIONS.map(classification => ({
          index: Number(r.bucket_index),
          classification,
          findings: Number(r[classification]),
        })),
      ),
    );
  }

  /** Recomputes findings from their events, e.g. when the registry changed. */
  async rescore(target: RescoreTarget): Promise<number> {
    const ids = new Set(target.compositeIds ?? []);
    for (const [column, values] of [
      ['server_name', target.serverNames ?? []],
      ['command_signature_hash', target.commandSignatureHashes ?? []],
      ['host_id_hash', target.hostIdHashes ?? []],
    ] as const)
      for (const part of chunks(values)) {
        const rows = await this.select<{ composite_id: string }>(
          `SELECT composite_id FROM ${this.db}.findings FINAL WHERE ${column} IN {values:Array(String)}`,
          { values: part },
        );
        for (const r of rows) ids.add(r.composite_id);
      }
    // Only findings that exist: an entry may name servers never seen.
    const existing: string[] = [];
    for (const part of chunks([...ids])) {
      const rows = await this.select<{ composite_id: string }>(
        `SELECT DISTINCT finding_id AS composite_id FROM ${this.db}.finding_groups WHERE finding_id IN {ids:Array(String)}`,
        { ids: part },
      );
      existing.push(...rows.map(r => r.composite_id));
    }
    await this.recompute(existing, []);
    return existing.length;
  }

  /**
   * Findings written before `not_mcp` existed get it: those only a gateway
   * saw (the only ones it can be set on) are recomputed, once
   * (`schema_steps` remembers).
   */
  private async markNotMcpOnce() {
    await onceSchemaStep(this.client, this.db, 'findings not_mcp', async () => {
      const rows = await this.select<{ composite_id: string }>(
        `SELECT composite_id FROM ${this.db}.findings FINAL WHERE layers = ['gateway']`,
        {},
      );
      await this.recompute(
        rows.map(r => r.composite_id),
        [],
      );
    });
  }

  /**
   * Findings as their distinct events make them: the events are summed per
   * finding, layer, source and (endpoint) evidence key by ClickHouse as they
   * are inserted (`finding_groups`, see schema.ts), and the sums merged,
   * described and scored by the one correlation step. A finding
   * whose events all moved away is deleted.
   */
  private async recompute(all: string[], emptied: string[]) {
    const values = [];
    const findings: Finding[] = [];
    const present = new Set<string>();
    for (const ids of chunks(all)) {
      for (const { row, finding } of await this.recomputeSome(ids)) {
        values.push(row);
        findings.push(finding);
        present.add(row.composite_id);
      }
    }
    const gone = emptied.filter(id => !present.has(id));
    // A finding that lost events gets a lower version: its older rows go first.
    const replaced = [...new Set([...gone, ...emptied])];
    for (const part of chunks(replaced))
      await this.client.command({
        query: `DELETE FROM ${this.db}.findings WHERE composite_id IN {ids:Array(String)}`,
        query_params: { ids: part },
      });
    if (values.length > 0) {
      await this.client.insert({
        table: `${this.db}.findings`,
        format: 'JSONEachRow',
        clickhouse_settings: JSON_TEXT_AS_IS,
        values,
      });
    }
    await this.options.history?.record(findings);
  }

  private async recomputeSome(ids: string[]) {
    // Each event is in exactly one group, so the groups' sums add up.
    const groups = await this.select<{
      finding_id: string;
      layer: Layer;
      source: string;
      evidence_key: string;
      report_owner: string;
      n: string;
      high: string;
      first_seen: string;
      last_seen: string;
      best_name: [string | number, string];
      best_owner: [string | number, string];
      host: string;
      owners: string[];
      best_judge: [number, string];
      best_tools: [string | number, string];
      best_command: [string | number, string];
      best_risks: [string | number, string];
      missing: string;
      rule_hits: Record<string, string | number>;
    }>(
      `SELECT finding_id, layer, source, evidence_key, report_owner,
         uniqExactMerge(n) AS n,
         uniqExactIfMerge(high) AS high,
         toUnixTimestamp64Milli(min(first_seen)) AS first_seen,
         toUnixTimestamp64Milli(max(last_seen)) AS last_seen,
         max(best_name) AS best_name,
         max(best_owner) AS best_owner,
         minIfMerge(host) AS host,
         groupUniqArrayArray(owners) AS owners,
         max(best_judge) AS best_judge,
         max(best_tools) AS best_tools,
         max(best_command) AS best_command,
         max(best_risks) AS best_risks,
         max(missing) AS missing,
         uniqExactMapMerge(rule_hits) AS rule_hits
       FROM ${this.db}.finding_groups
       WHERE finding_id IN {ids:Array(String)}
       GROUP BY finding_id, layer, source, evidence_key, report_owner`,
      { ids },
    );
    const byId = new Map<string, { totals: FindingTotals; events: number }>();
    for (const g of groups) {
      const key = g.evidence_key;
      const rules: Record<string, RuleTotals> = {};
      for (const [raw, n] of Object.entries(g.rule_hits ?? {})) {
        const hit = JSON.parse(raw) as RuleHit;
        rules[hit.id] = {
          name: hit.name,
          severity: hit.severity,
          tags: [...hit.tags].sort(),
          events: Number(n),
          keys: key ? [key] : [],
        };
      }
      const candidate = (c: [string | number, string]) =>
        c && c[1] !== '' ? { value: c[1], at: Number(c[0]) } : undefined;
      const name = candidate(g.best_name);
      const owner = candidate(g.best_owner);
      const tools = candidate(g.best_tools);
      const command = candidate(g.best_command);
      // Grouped by evidence key and owner: this owner's latest report of this piece of evidence.
      const risks = key ? candidate(g.best_risks) : undefined;
      const judge =
        g.best_judge && g.best_judge[1] !== ''
          ? (JSON.parse(g.best_judge[1]) as NonNullable<SourceTotals['judge']>)
          : undefined;
      const totals: SourceTotals = {
        layer: g.layer,
        source: g.source,
        events: Number(g.n),
        keys: key ? [key] : [],
        highSeverity: Number(g.high),
        firstSeen: Number(g.first_seen),
        lastSeen: Number(g.last_seen),
        ...(name ? { name } : {}),
        ...(owner ? { owner } : {}),
        owners: [...g.owners].sort(compareText).slice(0, MAX_OWNERS),
        ...(g.host ? { host: g.host } : {}),
        ...(tools ? { tools } : {}),
        ...(command ? { command } : {}),
        ...(risks
          ? {
              risks: {
                [riskReportKey(key, g.report_owner || undefined)]: risks,
              },
            }
          : {}),
        ...(judge ? { judge } : {}),
        judgeMissing: Number(g.missing) > 0,
        rules,
      };
      const acc = byId.get(g.finding_id) ?? { totals: {}, events: 0 };
      acc.totals = mergeTotals(acc.totals, {
        [`${g.layer}/${g.source}`]: totals,
      });
      acc.events += Number(g.n);
      byId.set(g.finding_id, acc);
    }
    const now = Date.now();
    const values = [];
    for (const [id, { totals, events }] of byId) {
      const facts = describeFinding(totals);
      const f = await finishWithLookups(id, facts, this.options);
      const row = {
        composite_id: id,
        server_name: f.serverName ?? '',
        host_id_hash: f.hostIdHash ?? '',
        owner: f.owner ?? '',
        owners: f.owners,
        score: f.score,
        classification: f.classification,
        layers: f.layers,
        signals: f.signals,
        breakdown: f.breakdown,
        registry_status: f.registryStatus,
        registry_owner: f.registryOwner ?? '',
        judge_unavailable: f.judgeUnavailable ? 1 : 0,
        first_seen: facts.firstSeen,
        last_seen: facts.lastSeen,
        version: events,
        updated_at: now,
        command_signature_hash: f.commandSignatureHash ?? '',
        // What triage said when it was written: plain columns the lists filter on.
        triage_status: f.triage.status,
        assignee: f.triage.assignee ?? '',
        verdict: f.triage.verdict ?? '',
        suppression_id: f.triage.suppression?.id ?? '',
        triage: f.triage,
        risk_level: riskLevelRank(f),
        no_longer_reported: f.breakdown.noLongerReported ? 1 : 0,
        not_mcp: judgedNotMcp(f) ? 1 : 0,
      };
      values.push({ row, finding: f });
    }
    return values;
  }

  /** The WHERE conditions (and their parameters) of a query's filters. */
  private conditions(query: FindingFilter) {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (query.classification?.length) {
      where.push('classification IN {classification:Array(String)}');
      params.classification = query.classification;
    }
    if (query.minScore !== undefined) {
      where.push('score >= {minScore:Int32}');
      params.minScore = query.minScore;
    }
    if (query.maxScore !== undefined) {
      where.push('score <= {maxScore:Int32}');
      params.maxScore = query.maxScore;
    }
    if (query.minRisk) {
      where.push('risk_level >= {minRisk:UInt8}');
      params.minRisk = RISK_SEVERITY_RANK[query.minRisk];
    }
    if (query.layer) {
      where.push('has(layers, {layer:String})');
      params.layer = query.layer;
    }
    if (query.hostIdHash) {
      where.push('host_id_hash = {host:String}');
      params.host = query.hostIdHash;
    }
    if (query.registryStatus) {
      where.push('registry_status = {registry:String}');
      params.registry = query.registryStatus;
    }
    if (query.since) {
      where.push('last_seen >= fromUnixTimestamp64Milli({since:Int64})');
      params.since = query.since.getTime();
    }
    if (query.until) {
      where.push('last_seen <= fromUnixTimestamp64Milli({until:Int64})');
      params.until = query.until.getTime();
    }
    if (query.firstSeenFrom) {
      where.push(
        'first_seen >= fromUnixTimestamp64Milli({firstSeenFrom:Int64})',
      );
      params.firstSeenFrom = query.firstSeenFrom.getTime();
    }
    if (query.firstSeenTo) {
      where.push('first_seen <= fromUnixTimestamp64Milli({firstSeenTo:Int64})');
      params.firstSeenTo = query.firstSeenTo.getTime();
    }
    if (query.detectedFrom || query.detectedTo) {
      // A detection starts where its dedup window does (windows from the
      // epoch, as detections() groups them): the events of the windows
      // starting in the range, a plain range of observed_at.
      const w = this.windowSeconds * 1000;
      const observed: string[] = [];
      if (query.detectedFrom) {
        observed.push(
          'observed_at >= fromUnixTimestamp64Milli({detectedFrom:Int64})',
        );
        params.detectedFrom = Math.ceil(query.detectedFrom.getTime() / w) * w;
      }
      if (query.detectedTo) {
        observed.push(
          'observed_at < fromUnixTimestamp64Milli({detectedTo:Int64})',
        );
        params.detectedTo =
          (Math.floor(query.detectedTo.getTime() / w) + 1) * w;
      }
      where.push(
        `composite_id IN (SELECT finding_id FROM ${
          this.db
        }.events WHERE ${observed.join(' AND ')})`,
      );
    }
    if (query.highRisk === 'unregistered') {
      where.push(
        "(registry_status IN {notApproved:Array(String)} AND (classification = 'unauthorized' OR risk_level >= {highRisk:UInt8}))",
      );
      params.notApproved = NOT_APPROVED_STATUSES;
      params.highRisk = RISK_SEVERITY_RANK.high;
    }
    if (query.text) {
      where.push(
        '(positionCaseInsensitiveUTF8(server_name, {text:String}) > 0 OR positionCaseInsensitiveUTF8(owner, {text:String}) > 0)',
      );
      params.text = query.text;
    }
    if (query.serverName) {
      where.push('server_name = {serverName:String}');
      params.serverName = query.serverName;
    }
    if (query.judgeUnavailable !== undefined) {
      where.push('judge_unavailable = {judgeUnavailable:UInt8}');
      params.judgeUnavailable = query.judgeUnavailable ? 1 : 0;
    }
    if (query.ownerRefs) {
      where.push(
        '(hasAny(owners, {owners:Array(String)}) OR registry_owner IN {owners:Array(String)})',
      );
      params.owners = query.ownerRefs;
    }
    if (query.triageStatus?.length) {
      where.push('triage_status IN {triageStatus:Array(String)}');
      params.triageStatus = query.triageStatus;
    }
    if (query.assignee !== undefined) {
      where.push('assignee = {assignee:String}');
      params.assignee = query.assignee ?? '';
    }
    if (query.gone === 'exclude') where.push('no_longer_reported = 0');
    if (query.gone === 'only') where.push('no_longer_reported = 1');
    if (query.notMcp === 'exclude') where.push('not_mcp = 0');
    if (query.notMcp === 'only') where.push('not_mcp = 1');
    if (query.suppressed === 'exclude') where.push(`suppression_id = ''`);
    if (query.suppressed === 'only') where.push(`suppression_id != ''`);
    if (query.suppressionId) {
      where.push('suppression_id = {suppressionId:String}');
      params.suppressionId = query.suppressionId;
    }
    if (query.verdict?.length) {
      // No verdict is stored as ''.
      where.push('verdict IN {verdict:Array(String)}');
      params.verdict = query.verdict.map(v => (v === 'none' ? '' : v));
    }
    return { where, params };
  }

  async list(query: FindingQuery): Promise<FindingPage> {
    const { where, params } = this.conditions(query);
    const offset = query.offset ?? 0;
    const from = `${this.db}.findings FINAL${
      where.length ? ` WHERE ${where.join(' AND ')}` : ''
    }`;
    const order = descending(FINDING_LIST_ORDER[query.sort ?? 'score']);
    const [countRows, rows] = await Promise.all([
      this.select<{ n: string }>(
        `SELECT count() AS n FROM (SELECT 1 FROM ${from} LIMIT ${
          MAX_COUNTED_FINDINGS + 1
        })`,
        params,
      ),
      this.select<FindingRow>(
        `SELECT ${FINDING_COLUMNS} FROM ${from} ORDER BY ${order}
         LIMIT {limit:UInt32} OFFSET {offset:UInt64}`,
        { ...params, limit: query.limit + 1, offset },
      ),
    ]);
    const count = Number(countRows[0]?.n ?? 0);
    return {
      items: rows
        .slice(0, query.limit)
        .map(row => findingVisibleTo(toFinding(row), query)),
      totalCount: Math.min(count, MAX_COUNTED_FINDINGS),
      totalCountCapped: count > MAX_COUNTED_FINDINGS,
      ...(rows.length > query.limit
        ? { nextOffset: offset + query.limit }
        : {}),
    };
  }

  /**
   * One query, its rows streamed as they arrive (the client reads the
   * response as the consumer takes pages): an export of any size holds one
   * page, and the table is read once, not once per page.
   */
  async *scan(query: FindingFilter, pageSize = 500): AsyncGenerator<Finding[]> {
    const { where, params } = this.conditions(query);
    const result = await this.client.query({
      query: `SELECT ${FINDING_COLUMNS} FROM ${this.db}.findings FINAL${
        where.length ? ` WHERE ${where.join(' AND ')}` : ''
      } ORDER BY ${descending(FINDING_LIST_ORDER.score)}`,
      query_params: params,
      format: 'JSONEachRow',
    });
    let page: Finding[] = [];
    for await (const rows of result.stream<FindingRow>()) {
      for (const row of rows) {
        page.push(findingVisibleTo(toFinding(row.json()), query));
        if (page.length >= pageSize) {
          yield page;
          page = [];
        }
      }
    }
    if (page.length > 0) yield page;
  }

  async get(
    compositeId: string,
    visibleTo?: { ownerRefs?: string[] },
  ): Promise<Finding | undefined> {
    const rows = await this.select<FindingRow>(
      `SELECT ${FINDING_COLUMNS} FROM ${this.db}.findings FINAL WHERE composite_id = {id:String}`,
      { id: compositeId },
    );
    return rows[0]
      ? findingVisibleTo(toFinding(rows[0]), visibleTo)
      : undefined;
  }

  async evidence(
    compositeId: string,
    perLayer: number,
    visibleTo: { ownerRefs?: string[] } = {},
  ): Promise<Record<Layer, McpEvent[]>> {
    const out = emptyEvidence();
    // `owner` is what correlation read: the endpoint's owner, the gateway
    // request's user. A rescan of the same thing is shown once, at its latest.
    const rows = await this.select<{ layer: Layer; payload: string }>(
      `SELECT layer, payload FROM (
         SELECT layer, payload, observed_at, event_id FROM ${
           this.db
         }.events FINAL
         WHERE finding_id = {id:String}${
           visibleTo.ownerRefs
             ? ` AND (layer = 'network' OR owner IN {owners:Array(String)})`
             : ''
         }
         ORDER BY observed_at DESC, event_id DESC
         LIMIT 1 BY layer, if(evidence_key = '', toString(event_id), evidence_key)
       )
       ORDER BY observed_at DESC, event_id DESC
       LIMIT {perLayer:UInt32} BY layer`,
      {
        id: compositeId,
        perLayer,
        ...(visibleTo.ownerRefs ? { owners: visibleTo.ownerRefs } : {}),
      },
    );
    for (const row of rows) out[row.layer]?.push(JSON.parse(row.payload));
    return out;
  }

  async detections(compositeId: string): Promise<Detection[]> {
    const rows = await this.select<{
      layer: Layer;
      window_start: string;
      events: string;
      first_seen: string;
      last_seen: string;
    }>(
      `SELECT layer,
         toUnixTimestamp(toStartOfInterval(observed_at, INTERVAL {w:UInt32} SECOND)) * 1000 AS window_start,
         uniqExact(event_id) AS events,
         toUnixTimestamp64Milli(min(observed_at)) AS first_seen,
         toUnixTimestamp64Milli(max(observed_at)) AS last_seen
       FROM ${this.db}.events
       WHERE finding_id = {id:String}
       GROUP BY layer, window_start
       ORDER BY window_start, layer`,
      { id: compositeId, w: this.windowSeconds },
    );
    return rows.map(r => ({
      layer: r.layer,
      windowStart: new Date(Number(r.window_start)).toISOString(),
      eventCount: Number(r.events),
      firstSeen: new Date(Number(r.first_seen)).toISOString(),
      lastSeen: new Date(Number(r.last_seen)).toISOString(),
    }));
  }

  async count(
    filter: { layer?: McpEvent['layer']; compositeId?: string } = {},
  ): Promise<number> {
    const rows = await this.select<{ n: string }>(
      `SELECT uniqExact(event_id) AS n FROM ${this.db}.events
       WHERE ({layer:String} = '' OR layer = {layer:String})
         AND ({finding:String} = '' OR finding_id = {finding:String})`,
      { layer: filter.layer ?? '', finding: filter.compositeId ?? '' },
    );
    return Number(rows[0]?.n ?? 0);
  }

  async event(eventId: string): Promise<McpEvent | undefined> {
    const rows = await this.select<{ payload: string }>(
      `SELECT payload FROM ${this.db}.events WHERE event_id = {id:String} LIMIT 1`,
      { id: eventId },
    );
    return rows[0] ? (JSON.parse(rows[0].payload) as McpEvent) : undefined;
  }

  private async select<T>(
    query: string,
    params: Record<string, unknown>,
  ): Promise<T[]> {
    const result = await this.client.query({
      query,
      query_params: params,
      format: 'JSONEachRow',
    });
    return result.json<T>();
  }

  async close() {
    await this.client.close();
  }
}
