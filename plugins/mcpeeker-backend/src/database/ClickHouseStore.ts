import {
  ClickHouseClient,
  ClickHouseLogLevel,
  createClient,
} from '@clickhouse/client';
import type { Layer, McpEvent } from '@mcpeeker/plugin-mcpeeker-common';
import { FindingUpdate, toFindingUpdate } from '../correlation/correlate';
import { RuleEngine, RuleHit } from '../correlation/rules';
import { scoreFinding, ScoringWeights, Signals } from '../correlation/scoring';
import type { EventStore, StoredEvent } from './EventStore';
import { chunks as sqlChunks } from './queryHelpers';

/**
 * Id lists travel as URL parameters, which ClickHouse caps at 128 KiB each:
 * 1,000 ids of up to 64 characters stay well below.
 */
const chunks = <T>(items: T[]) => sqlChunks(items, 1000);
import {
  Detection,
  Finding,
  FindingPage,
  FindingQuery,
  FindingStore,
  MAX_COUNTED_FINDINGS,
  NO_REGISTRY,
  RegistryLookup,
  ServerSummary,
  emptyEvidence,
} from './FindingStore';

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
  score: number;
  classification: Finding['classification'];
  layers: string[];
  signals: string;
  breakdown: string;
  registry_status: Finding['registryStatus'];
  registry_owner: string;
  judge_unavailable: number;
  first_seen: string | number;
  last_seen: string | number;
};

const FINDING_COLUMNS = `composite_id, server_name, host_id_hash, owner, score,
  classification, layers, signals, breakdown, registry_status, registry_owner, judge_unavailable,
  toUnixTimestamp64Milli(first_seen) AS first_seen, toUnixTimestamp64Milli(last_seen) AS last_seen`;

function toFinding(row: FindingRow): Finding {
  return {
    compositeId: row.composite_id,
    serverName: row.server_name || undefined,
    hostIdHash: row.host_id_hash || undefined,
    owner: row.owner || undefined,
    score: Number(row.score),
    classification: row.classification,
    layers: [...row.layers].sort() as Layer[],
    breakdown: JSON.parse(row.breakdown),
    signals: JSON.parse(row.signals),
    registryStatus: row.registry_status,
    ...(row.registry_owner ? { registryOwner: row.registry_owner } : {}),
    judgeUnavailable: Boolean(Number(row.judge_unavailable)),
    firstSeen: new Date(Number(row.first_seen)).toISOString(),
    lastSeen: new Date(Number(row.last_seen)).toISOString(),
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
 *   row that counts, because every read counts distinct event ids.
 * - `findings` (ReplacingMergeTree, version = distinct events behind it) is
 *   recomputed from the events of each finding a batch touches, so a finding
 *   is the same whatever order, replica or redelivery its events came by, and
 *   a batch that failed halfway heals when it is redelivered.
 * - `detections_<window>s` is fed by a materialised view (distinct event
 *   ids per finding, layer and dedup window); daily counts merge it.
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
      await store.migrate();
    } catch (error) {
      await client.close();
      throw error;
    }
    return store;
  }

  private readonly windowSeconds: number;
  /** Interface address → host, as agents reported them; misses are asked of ClickHouse. */
  /** Addresses this store wrote, with their host and when: not written again for 10 minutes. */
  private readonly addressesWritten = new Map<
    string,
    { host: string; at: number }
  >();
  private readonly addressCache = new Map<
    string,
    { host: string; until: number }
  >();

  private constructor(
    private readonly client: ClickHouseClient,
    private readonly db: string,
    private readonly options: {
      weights?: ScoringWeights;
      dedupWindowMs?: number;
      registry?: RegistryLookup;
      rules?: RuleEngine;
    },
  ) {
    this.windowSeconds = Math.max(
      1,
      Math.round((options.dedupWindowMs ?? 5 * 60_000) / 1000),
    );
  }

  private async migrate() {
    const db = this.db;
    const w = this.windowSeconds;
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
         payload String CODEC(ZSTD(1))
       ) ENGINE = ReplacingMergeTree(received_at)
       PARTITION BY toYYYYMM(observed_at)
       ORDER BY (finding_id, event_id)`,
      // What correlation derived from the event: the finding is recomputed from these.
      `ALTER TABLE ${db}.events
         ADD COLUMN IF NOT EXISTS server_name String,
         ADD COLUMN IF NOT EXISTS owner String,
         ADD COLUMN IF NOT EXISTS judge String,
         ADD COLUMN IF NOT EXISTS judge_confidence Float32,
         ADD COLUMN IF NOT EXISTS judge_missing UInt8,
         ADD COLUMN IF NOT EXISTS high_severity UInt8,
         ADD COLUMN IF NOT EXISTS rules String`,
      `CREATE TABLE IF NOT EXISTS ${db}.host_addresses (
         address_hash String,
         host_id_hash String,
         last_seen DateTime64(3, 'UTC')
       ) ENGINE = ReplacingMergeTree(last_seen)
       ORDER BY address_hash`,
      `CREATE TABLE IF NOT EXISTS ${db}.findings (
         composite_id String,
         server_name String,
         host_id_hash String,
         owner String,
         score Int16,
         classification LowCardinality(String),
         layers Array(LowCardinality(String)),
         signals String CODEC(ZSTD(1)),
         breakdown String CODEC(ZSTD(1)),
         registry_status LowCardinality(String),
         judge_unavailable UInt8,
         first_seen DateTime64(3, 'UTC'),
         last_seen DateTime64(3, 'UTC'),
         version UInt64,
         updated_at DateTime64(3, 'UTC')
       ) ENGINE = ReplacingMergeTree(version)
       ORDER BY composite_id`,
      `ALTER TABLE ${db}.findings ADD COLUMN IF NOT EXISTS registry_owner String`,
      // ZSTD(1) rather than (3): a fifth less ClickHouse CPU at ingest, where
      // merges recompress these columns again and again (docs/performance.md).
      // Only the codec changes: parts are rewritten by their next merge.
      `ALTER TABLE ${db}.events MODIFY COLUMN payload CODEC(ZSTD(1))`,
      `ALTER TABLE ${db}.findings MODIFY COLUMN signals CODEC(ZSTD(1)), MODIFY COLUMN breakdown CODEC(ZSTD(1))`,
      // Daily counts come from the detections below; an older install's
      // separate daily view is no longer fed (one materialised view per insert, not two).
      `DROP VIEW IF EXISTS ${db}.events_daily_mv`,
      // One detection per finding, layer and dedup window (its length is in the name).
      `CREATE TABLE IF NOT EXISTS ${db}.detections_${w}s (
         finding_id String,
         layer LowCardinality(String),
         window_start DateTime('UTC'),
         events AggregateFunction(uniqExact, FixedString(64)),
         first_seen SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
         last_seen SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
       ) ENGINE = AggregatingMergeTree
       ORDER BY (finding_id, layer, window_start)`,
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.detections_${w}s_mv TO ${db}.detections_${w}s AS
         SELECT finding_id, layer,
           toStartOfInterval(observed_at, INTERVAL ${w} SECOND) AS window_start,
           uniqExactState(event_id) AS events,
           min(observed_at) AS first_seen, max(observed_at) AS last_seen
         FROM ${db}.events GROUP BY finding_id, layer, window_start`,
    ]) {
      await this.client.command({ query });
    }
  }

  /** The event side, for the ingest pipeline: storing a batch correlates it. */
  readonly events: EventStore = {
    addMany: (stored, options) => this.addMany(stored, options),
    count: filter => this.count(filter),
    get: eventId => this.event(eventId),
  };

  /**
   * Stores a batch and correlates it: every event of the batch (a redelivered
   * one too) is written and its finding recomputed, which is idempotent.
   * `afterInsert` hears of the events that were new.
   */
  async addMany(
    stored: StoredEvent[],
    options: {
      afterInsert?: (inserted: McpEvent[]) => Promise<void>;
    } = {},
  ): Promise<{ inserted: number; duplicates: number }> {
    if (stored.length === 0) return { inserted: 0, duplicates: 0 };
    const unique = [...new Map(stored.map(e => [e.event.eventId, e])).values()];
    const updates = await this.correlate(unique.map(s => s.event));
    // Only events that may have come before are looked for (see StoredEvent.firstDelivery).
    const known = await this.existingEventIds(
      unique.flatMap((s, i) =>
        s.firstDelivery
          ? []
          : [{ eventId: s.event.eventId, findingId: updates[i].compositeId }],
      ),
    );
    await this.write(
      unique.map((s, i) => ({ ...s, update: updates[i] })),
      updates,
    );
    const fresh = unique
      .filter(s => !known.has(s.event.eventId))
      .map(s => s.event);
    if (fresh.length > 0) await options.afterInsert?.(fresh);
    return { inserted: fresh.length, duplicates: stored.length - fresh.length };
  }

  async applyEvents(
    events: McpEvent[],
  ): Promise<Array<{ event: McpEvent; findingId: string }>> {
    const receivedAt = new Date();
    const updates = await this.correlate(events);
    await this.write(
      events.map((event, i) => ({
        event,
        transport: 'nats' as const,
        redactedValues: 0,
        receivedAt,
        update: updates[i],
      })),
      updates,
    );
    return events.map((event, i) => ({
      event,
      findingId: updates[i].compositeId,
    }));
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
       WHERE server_name != ''
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

  /** Recomputes findings from their events, e.g. when the registry changed. */
  async rescore(target: {
    compositeIds?: string[];
    serverNames?: string[];
  }): Promise<number> {
    const ids = new Set(target.compositeIds ?? []);
    for (const names of chunks(target.serverNames ?? [])) {
      const rows = await this.select<{ composite_id: string }>(
        `SELECT composite_id FROM ${this.db}.findings FINAL WHERE server_name IN {names:Array(String)}`,
        { names },
      );
      for (const r of rows) ids.add(r.composite_id);
    }
    // Only findings that exist: an entry may name servers never seen.
    const existing: string[] = [];
    for (const part of chunks([...ids])) {
      const rows = await this.select<{ composite_id: string }>(
        `SELECT DISTINCT finding_id AS composite_id FROM ${this.db}.events WHERE finding_id IN {ids:Array(String)}`,
        { ids: part },
      );
      existing.push(...rows.map(r => r.composite_id));
    }
    await this.recompute(existing);
    return existing.length;
  }

  private async correlate(events: McpEvent[]): Promise<FindingUpdate[]> {
    const now = Date.now();
    // Learn this batch's addresses first: a network event in the same batch can land on its host.
    for (const e of events) {
      if (e.layer !== 'endpoint') continue;
      for (const a of e.host.addressHashes)
        this.addressCache.set(a, { host: e.host.idHash, until: now + 300_000 });
    }
    const missing = [
      ...new Set(
        events
          .filter(e => e.layer === 'network')
          .map(e => (e.layer === 'network' ? e.flow.dstAddressHash : ''))
          .filter(a => !((this.addressCache.get(a)?.until ?? 0) > now)),
      ),
    ];
    for (const part of chunks(missing)) {
      const rows = await this.select<{ address_hash: string; host: string }>(
        `SELECT address_hash, argMax(host_id_hash, last_seen) AS host
         FROM ${this.db}.host_addresses
         WHERE address_hash IN {addresses:Array(String)}
         GROUP BY address_hash`,
        { addresses: part },
      );
      for (const r of rows)
        this.addressCache.set(r.address_hash, {
          host: r.host,
          until: now + 300_000,
        });
      // An address no endpoint reported is not asked again for a minute.
      for (const a of part)
        if (!this.addressCache.has(a))
          this.addressCache.set(a, { host: '', until: now + 60_000 });
    }
    if (this.addressCache.size > 500_000) this.addressCache.clear();
    return events.map(event => ({
      ...toFindingUpdate(
        event,
        a => this.addressCache.get(a)?.host || undefined,
      ),
      rules: this.options.rules?.evaluate(event) ?? [],
    }));
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

  private async write(
    rows: Array<StoredEvent & { update: FindingUpdate }>,
    updates: FindingUpdate[],
  ) {
    // An address already written for the same host in the last 10 minutes is not written again.
    const now = Date.now();
    const fresh = (address: string, host: string) => {
      const w = this.addressesWritten.get(address);
      return !(w && w.host === host && w.at > now - 600_000);
    };
    const byAddress = new Map<
      string,
      { address_hash: string; host_id_hash: string; last_seen: number }
    >();
    for (const { event, receivedAt } of rows) {
      if (event.layer !== 'endpoint') continue;
      for (const a of event.host.addressHashes)
        if (fresh(a, event.host.idHash))
          byAddress.set(a, {
            address_hash: a,
            host_id_hash: event.host.idHash,
            last_seen: receivedAt.getTime(),
          });
    }
    const addresses = [...byAddress.values()];
    await Promise.all([
      this.client.insert({
        table: `${this.db}.events`,
        format: 'JSONEachRow',
        values: rows.map(({ event, receivedAt, update }) => ({
          event_id: event.eventId,
          finding_id: update.compositeId,
          layer: event.layer,
          source: update.source,
          host_id_hash: update.hostIdHash ?? '',
          observed_at: new Date(event.observedAt).getTime(),
          received_at: receivedAt.getTime(),
          payload: JSON.stringify(event),
          server_name: update.serverName?.slice(0, 256) ?? '',
          owner: update.owner?.slice(0, 256) ?? '',
          judge: update.judge ? JSON.stringify(update.judge) : '',
          judge_confidence: update.judge?.confidence ?? 0,
          judge_missing: update.judgeUnavailable ? 1 : 0,
          high_severity: update.highSeverity ? 1 : 0,
          rules: JSON.stringify(update.rules ?? []),
        })),
      }),
      addresses.length > 0
        ? this.client.insert({
            table: `${this.db}.host_addresses`,
            format: 'JSONEachRow',
            values: addresses,
          })
        : undefined,
    ]);
    for (const a of addresses)
      this.addressesWritten.set(a.address_hash, {
        host: a.host_id_hash,
        at: now,
      });
    if (this.addressesWritten.size > 500_000) this.addressesWritten.clear();
    await this.recompute([...new Set(updates.map(u => u.compositeId))]);
  }

  /** Findings as their distinct events make them: one read, one write. */
  private async recompute(all: string[]) {
    const values = [];
    for (const ids of chunks(all))
      values.push(...(await this.recomputeSome(ids)));
    if (values.length > 0) {
      await this.client.insert({
        table: `${this.db}.findings`,
        format: 'JSONEachRow',
        values,
      });
    }
  }

  private async recomputeSome(ids: string[]) {
    // One query: per finding, layer and source, with the rules' distinct
    // events as a map (each event is in exactly one group, so maps add up).
    const groups = await this.select<{
      finding_id: string;
      layer: Layer;
      source: string;
      n: string;
      high: string;
      first_seen: string;
      last_seen: string;
      first_name: string;
      endpoint_name: string;
      host: string;
      first_owner: string;
      best_judge: string;
      missing_verdicts: string;
      rule_hits: Record<string, string | number>;
    }>(
      `SELECT finding_id, layer, source,
         uniqExact(event_id) AS n,
         uniqExactIf(event_id, high_severity = 1) AS high,
         toUnixTimestamp64Milli(min(observed_at)) AS first_seen,
         toUnixTimestamp64Milli(max(observed_at)) AS last_seen,
         argMinIf(server_name, observed_at, server_name != '') AS first_name,
         argMaxIf(server_name, observed_at, server_name != '' AND layer = 'endpoint') AS endpoint_name,
         anyIf(host_id_hash, host_id_hash != '') AS host,
         argMinIf(owner, observed_at, owner != '') AS first_owner,
         argMaxIf(judge, judge_confidence, judge != '') AS best_judge,
         countIf(judge_missing = 1) AS missing_verdicts,
         uniqExactMap(mapFromArrays(
           JSONExtractArrayRaw(rules),
           arrayMap(x -> toString(event_id), JSONExtractArrayRaw(rules))
         )) AS rule_hits
       FROM ${this.db}.events
       WHERE finding_id IN {ids:Array(String)}
       GROUP BY finding_id, layer, source`,
      { ids },
    );
    type Acc = {
      signals: Signals;
      events: number;
      first: number;
      last: number;
      serverName: string;
      endpointName: string;
      host: string;
      owner: string;
      judgeMissing: boolean;
    };
    const byId = new Map<string, Acc>();
    for (const g of groups) {
      let acc = byId.get(g.finding_id);
      if (!acc) {
        acc = {
          signals: {
            counts: {},
            judgeUnavailable: false,
            highSeveritySignatures: 0,
            rules: {},
          },
          events: 0,
          first: Number(g.first_seen),
          last: Number(g.last_seen),
          serverName: '',
          endpointName: '',
          host: '',
          owner: '',
          judgeMissing: false,
        };
        byId.set(g.finding_id, acc);
      }
      const n = Number(g.n);
      acc.events += n;
      (acc.signals.counts[g.layer] ??= {})[g.source] = n;
      acc.signals.highSeveritySignatures += Number(g.high);
      acc.first = Math.min(acc.first, Number(g.first_seen));
      acc.last = Math.max(acc.last, Number(g.last_seen));
      acc.serverName ||= g.first_name;
      acc.endpointName ||= g.endpoint_name;
      acc.host ||= g.host;
      acc.owner ||= g.first_owner;
      if (g.best_judge) {
        const judge = JSON.parse(g.best_judge) as NonNullable<Signals['judge']>;
        if (
          !acc.signals.judge ||
          judge.confidence > acc.signals.judge.confidence
        )
          acc.signals.judge = judge;
      }
      if (Number(g.missing_verdicts) > 0) acc.judgeMissing = true;
    }
    for (const g of groups) {
      const acc = byId.get(g.finding_id)!;
      for (const [raw, n] of Object.entries(g.rule_hits ?? {})) {
        const hit = JSON.parse(raw) as RuleHit;
        const previous = acc.signals.rules![hit.id]?.count ?? 0;
        acc.signals.rules![hit.id] = {
          name: hit.name,
          severity: hit.severity,
          tags: hit.tags,
          count: previous + Number(n),
        };
      }
    }
    const now = Date.now();
    const values = [];
    for (const [id, acc] of byId) {
      const signals = acc.signals;
      signals.judgeUnavailable = !signals.judge && acc.judgeMissing;
      const serverName = acc.endpointName || acc.serverName;
      const registry = await (this.options.registry ?? NO_REGISTRY).match({
        compositeId: id,
        serverName: serverName || undefined,
        hostIdHash: acc.host || undefined,
      });
      const breakdown = scoreFinding(signals, {
        weights: this.options.weights,
        registry,
      });
      values.push({
        composite_id: id,
        server_name: serverName,
        host_id_hash: acc.host,
        owner: acc.owner,
        score: breakdown.score,
        classification: breakdown.classification,
        layers: Object.keys(signals.counts).sort(),
        signals: JSON.stringify(signals),
        breakdown: JSON.stringify(breakdown),
        registry_status: registry.approved ? 'approved' : 'unregistered',
        registry_owner: registry.approved ? registry.owner ?? '' : '',
        judge_unavailable: signals.judgeUnavailable ? 1 : 0,
        first_seen: acc.first,
        last_seen: acc.last,
        version: acc.events,
        updated_at: now,
      });
    }
    return values;
  }

  async list(query: FindingQuery): Promise<FindingPage> {
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
    if (query.ownerRefs) {
      where.push(
        '(owner IN {owners:Array(String)} OR registry_owner IN {owners:Array(String)})',
      );
      params.owners = query.ownerRefs;
    }
    const offset = query.offset ?? 0;
    const from = `${this.db}.findings FINAL${
      where.length ? ` WHERE ${where.join(' AND ')}` : ''
    }`;
    const order =
      query.sort === 'lastSeen'
        ? 'last_seen DESC, composite_id DESC'
        : 'score DESC, last_seen DESC, composite_id DESC';
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
      items: rows.slice(0, query.limit).map(toFinding),
      totalCount: Math.min(count, MAX_COUNTED_FINDINGS),
      totalCountCapped: count > MAX_COUNTED_FINDINGS,
      ...(rows.length > query.limit
        ? { nextOffset: offset + query.limit }
        : {}),
    };
  }

  async get(compositeId: string): Promise<Finding | undefined> {
    const rows = await this.select<FindingRow>(
      `SELECT ${FINDING_COLUMNS} FROM ${this.db}.findings FINAL WHERE composite_id = {id:String}`,
      { id: compositeId },
    );
    return rows[0] ? toFinding(rows[0]) : undefined;
  }

  async evidence(
    compositeId: string,
    perLayer: number,
    visibleTo: { ownerRefs?: string[] } = {},
  ): Promise<Record<Layer, McpEvent[]>> {
    const out = emptyEvidence();
    // `owner` is what correlation read: the endpoint's owner, the gateway request's user.
    const rows = await this.select<{ layer: Layer; payload: string }>(
      `SELECT layer, payload FROM ${this.db}.events FINAL
       WHERE finding_id = {id:String}${
         visibleTo.ownerRefs
           ? ` AND (layer = 'network' OR owner IN {owners:Array(String)})`
           : ''
       }
       ORDER BY observed_at DESC, event_id
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
      `SELECT layer, toUnixTimestamp(window_start) * 1000 AS window_start,
         uniqExactMerge(events) AS events,
         toUnixTimestamp64Milli(min(first_seen)) AS first_seen,
         toUnixTimestamp64Milli(max(last_seen)) AS last_seen
       FROM ${this.db}.detections_${this.windowSeconds}s
       WHERE finding_id = {id:String}
       GROUP BY layer, window_start
       ORDER BY window_start, layer`,
      { id: compositeId },
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

  /** Distinct events per day and layer since a date, from the materialised view. */
  async daily(
    since: Date,
  ): Promise<Array<{ day: string; layer: string; events: number }>> {
    const rows = await this.select<{
      date: string;
      layer: string;
      events: string;
    }>(
      `SELECT toString(toDate(d.window_start)) AS date, d.layer AS layer, uniqExactMerge(d.events) AS events
       FROM ${this.db}.detections_${this.windowSeconds}s AS d
       WHERE d.window_start >= toStartOfDay(fromUnixTimestamp64Milli({since:Int64}))
       GROUP BY date, d.layer ORDER BY date, d.layer`,
      { since: since.getTime() },
    );
    return rows.map(r => ({
      day: r.date,
      layer: r.layer,
      events: Number(r.events),
    }));
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
