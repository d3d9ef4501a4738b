import { DatabaseService } from '@backstage/backend-plugin-api';
import type {
  FindingTriage,
  Layer,
  McpEvent,
} from '@mcpeeker/plugin-mcpeeker-common';
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
import { Knex } from 'knex';
import {
  describeFinding,
  Finding,
  FindingTotals,
  FindingUpdate,
  Lesson,
  LessonBook,
  Lessons,
  mergeTotals,
  moveScope,
  toFindingUpdate,
  totalsOf,
} from '../../services/correlation/correlate';
import {
  Classification,
  ScoringWeights,
} from '../../services/correlation/scoring';
import { RuleEngine } from '../../services/correlation/rules';
import {
  Detection,
  emptyEvidence,
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
} from '../FindingStore';
import { ScoreHistory } from '../ScoreHistory';
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
import { applyDatabaseMigrations } from '../migrations';
import { chunks, whereContains } from '../queryHelpers';

/** Columns, each descending: one direction throughout, so an index serves the sort. */
const descending = (columns: readonly string[]) =>
  columns.map(column => ({ column, order: 'desc' as const }));

type Row = {
  composite_id: string;
  server_name: string | null;
  host_id_hash: string | null;
  owner: string | null;
  score: number;
  classification: Classification;
  layers: string;
  signals: string;
  breakdown: string;
  registry_status: Finding['registryStatus'];
  registry_owner?: string | null;
  judge_unavailable: boolean | number;
  first_seen: Date | string;
  last_seen: Date | string;
  totals?: string | null;
  owners?: string | null;
  triage_status?: FindingTriage['status'];
  triage?: string | null;
  command_signature_hash?: string | null;
};

const FINDINGS = 'mcpeeker_findings';
const EVENTS = 'mcpeeker_events';
const LESSONS = 'mcpeeker_lessons';
const DETECTIONS = 'mcpeeker_detections';
const iso = (d: Date | string) => new Date(d).toISOString();

function toFinding(row: Row): Finding {
  return {
    compositeId: row.composite_id,
    ...(row.server_name ? { serverName: row.server_name } : {}),
    ...(row.host_id_hash ? { hostIdHash: row.host_id_hash } : {}),
    ...(row.owner ? { owner: row.owner } : {}),
    owners: (row.owners ?? '').split(',').filter(Boolean),
    score: Number(row.score),
    classification: row.classification,
    layers: (row.layers ? row.layers.split(',') : []) as Layer[],
    breakdown: JSON.parse(row.breakdown),
    signals: JSON.parse(row.signals),
    registryStatus: row.registry_status,
    ...(row.registry_owner ? { registryOwner: row.registry_owner } : {}),
    judgeUnavailable: Boolean(row.judge_unavailable),
    firstSeen: iso(row.first_seen),
    lastSeen: iso(row.last_seen),
    ...(row.command_signature_hash
      ? { commandSignatureHash: row.command_signature_hash }
      : {}),
    triage: row.triage
      ? JSON.parse(row.triage)
      : { status: row.triage_status ?? 'open' },
  };
}

function toRow(finding: Finding, totals: FindingTotals) {
  return {
    composite_id: finding.compositeId,
    server_name: finding.serverName ?? null,
    host_id_hash: finding.hostIdHash ?? null,
    owner: finding.owner ?? null,
    // Delimited on both sides, so one ref is found with LIKE '%,ref,%'.
    owners: finding.owners.length ? `,${finding.owners.join(',')},` : null,
    score: finding.score,
    classification: finding.classification,
    layers: finding.layers.join(','),
    signals: JSON.stringify(finding.signals),
    breakdown: JSON.stringify(finding.breakdown),
    registry_status: finding.registryStatus,
    registry_owner: finding.registryOwner ?? null,
    judge_unavailable: finding.judgeUnavailable,
    first_seen: new Date(finding.firstSeen),
    last_seen: new Date(finding.lastSeen),
    totals: JSON.stringify(totals),
    updated_at: new Date(),
    command_signature_hash: finding.commandSignatureHash ?? null,
    // What triage said when it was written: plain columns the lists filter on.
    triage_status: finding.triage.status,
    assignee: finding.triage.assignee ?? null,
    verdict: finding.triage.verdict ?? null,
    suppression_id: finding.triage.suppression?.id ?? null,
    triage: JSON.stringify(finding.triage),
    risk_level: riskLevelRank(finding),
    no_longer_reported: Boolean(finding.breakdown.noLongerReported),
    not_mcp: judgedNotMcp(finding),
  };
}

/** SQL reading one text field of an event's JSON payload, in the engine's own dialect. */
function payloadField(db: Knex, path: string[]): string {
  const client = String(db.client.config.client);
  if (client === 'pg') return `(payload::jsonb #>> '{${path.join(',')}}')`;
  if (client.startsWith('mysql'))
    return `JSON_UNQUOTE(JSON_EXTRACT(payload, '$.${path.join('.')}'))`;
  return `json_extract(payload, '$.${path.join('.')}')`;
}

/**
 * Findings in the Backstage database (SQLite embedded, PostgreSQL in
 * production). Each finding row keeps its per-source totals; a batch's newly
 * stored events are merged into them in the transaction that stored them
 * (`correlate`, called by DatabaseEventStore). When an agent teaches an
 * address or port that earlier network events went to, those events move
 * to the right finding and both findings are rebuilt from their events.
 */
export class DatabaseFindingStore implements FindingStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
    weights?: ScoringWeights;
    dedupWindowMs?: number;
    registry?: RegistryLookup;
    triage?: TriageLookup;
    inventories?: InventoryLookup;
    /** Where score changes are kept; by default the score history in this database. */
    history?: ScoreHistoryRecorder;
    rules?: RuleEngine;
  }): Promise<DatabaseFindingStore> {
    const db = await applyDatabaseMigrations(options.database, options);
    const store = new DatabaseFindingStore(db, {
      ...options,
      history: options.history ?? new ScoreHistory(db),
    });
    await store.repair();
    return store;
  }

  private constructor(
    private readonly db: Knex,
    private readonly options: {
      weights?: ScoringWeights;
      dedupWindowMs?: number;
      registry?: RegistryLookup;
      triage?: TriageLookup;
      inventories?: InventoryLookup;
      history: ScoreHistoryRecorder;
      rules?: RuleEngine;
    },
  ) {}

  private update(event: McpEvent, lessons: Lessons) {
    return toFindingUpdate(
      event,
      lessons,
      this.options.rules?.evaluate(event) ?? [],
    );
  }

  /** Findings stored by an older version (no totals) are rebuilt from their events. */
  private async repair() {
    for (;;) {
      const ids = (
        await this.db(FINDINGS)
          .whereNull('totals')
          .orderBy('composite_id')
          .limit(200)
          .select('composite_id')
      ).map(r => r.composite_id as string);
      if (ids.length === 0) return;
      await this.db.transaction(tx => this.rebuild(tx, ids));
    }
  }

  private async readLessons(
    tx: Knex.Transaction,
    keys: string[],
  ): Promise<Map<string, Lesson>> {
    const out = new Map<string, Lesson>();
    for (const part of chunks(keys, 300))
      for (const r of await tx(LESSONS).whereIn('lesson_key', part))
        out.set(r.lesson_key, {
          key: r.lesson_key,
          value: r.value,
          at: Number(r.observed_at),
        });
    return out;
  }

  /**
   * Correlates newly stored events (each exactly once) into findings, in the
   * transaction that stored them. SQL engines only: the ClickHouse store
   * correlates as it stores.
   */
  async correlate(tx: Knex.Transaction, events: McpEvent[]): Promise<void> {
    if (events.length === 0) return;
    // 1. What this batch teaches, against what is known: the later report wins.
    const book = new LessonBook(keys => this.readLessons(tx, keys));
    await book.learn(events);
    for (const part of chunks(book.changed(), 300))
      await tx(LESSONS)
        .insert(
          part.map(l => ({
            lesson_key: l.key,
            value: l.value,
            observed_at: l.at,
          })),
        )
        .onConflict('lesson_key')
        .merge();

    // 2. The batch's updates, and what each event is now known by.
    const updates = events.map(e => this.update(e, book.lessons));
    await this.describeEvents(
      tx,
      events.map((event, i) => ({ event, update: updates[i] })),
    );

    // 3. Network events stored earlier whose destination was just taught move.
    const rebuild = new Set<string>();
    const fresh = new Set(events.map(e => e.eventId));
    const { addressHashes, ports } = moveScope(book.moved());
    const candidates = new Map<
      string,
      { finding_id: string; event: McpEvent }
    >();
    const collect = (rows: any[]) => {
      for (const row of rows)
        if (!fresh.has(row.event_id))
          candidates.set(row.event_id, {
            finding_id: row.finding_id,
            event: JSON.parse(row.payload),
          });
    };
    for (const part of chunks(addressHashes, 300))
      collect(
        await tx(EVENTS)
          .where('layer', 'network')
          .whereIn('dst_address_hash', part)
          .select('event_id', 'finding_id', 'payload'),
      );
    for (const part of chunks(ports, 300))
      collect(
        await tx(EVENTS)
          .where('layer', 'network')
          .whereIn(['dst_port', 'finding_id'], part)
          .select('event_id', 'finding_id', 'payload'),
      );
    await book.need([...candidates.values()].map(c => c.event));
    const moves: Array<{ event: McpEvent; update: FindingUpdate }> = [];
    for (const c of candidates.values()) {
      const update = this.update(c.event, book.lessons);
      if (update.compositeId === c.finding_id) continue;
      moves.push({ event: c.event, update });
      rebuild.add(c.finding_id);
      rebuild.add(update.compositeId);
    }
    await this.describeEvents(tx, moves);

    // 4. Findings: merged incrementally, or rebuilt from their events.
    const byFinding = new Map<string, FindingUpdate[]>();
    for (const u of updates)
      byFinding.set(u.compositeId, [
        ...(byFinding.get(u.compositeId) ?? []),
        u,
      ]);
    const ids = [...new Set([...byFinding.keys(), ...rebuild])].sort();
    await this.lock(tx, ids);
    const existing = new Map<string, Row>();
    for (const part of chunks(ids))
      for (const row of await tx<Row>(FINDINGS).whereIn('composite_id', part))
        existing.set(row.composite_id, row);
    const merged: Array<[string, FindingTotals]> = [];
    for (const [id, list] of byFinding) {
      const row = existing.get(id);
      if (rebuild.has(id) || (row && !row.totals)) {
        rebuild.add(id);
        continue;
      }
      let totals: FindingTotals = row ? JSON.parse(row.totals!) : {};
      for (const u of list) totals = mergeTotals(totals, totalsOf(u));
      merged.push([id, totals]);
    }
    await this.writeFindings(tx, merged);
    await this.recordDetections(
      tx,
      updates.filter(u => !rebuild.has(u.compositeId)),
    );
    await this.rebuild(tx, [...rebuild].sort(), book);
  }

  /** PostgreSQL: one writer per finding at a time, taken in id order (SQLite has one writer anyway). */
  private async lock(tx: Knex.Transaction, ids: string[]) {
    if (tx.client.config.client !== 'pg') return;
    for (const part of chunks(ids, 200))
      await tx.raw(
        `select pg_advisory_xact_lock(hashtextextended(id, 0)) from unnest(?::text[]) as id order by id`,
        [part],
      );
  }

  /** Writes what correlation derived onto the events: their finding, evidence key and destination. */
  private async describeEvents(
    tx: Knex.Transaction,
    rows: Array<{ event: McpEvent; update: FindingUpdate }>,
  ) {
    // One statement per 200 events: a CASE per column.
    for (const part of chunks(rows, 200)) {
      const column = (
        value: (r: (typeof rows)[number]) => unknown,
        type = 'varchar(64)',
      ) =>
        tx.raw(
          `cast(case event_id ${part
            .map(() => 'when ? then ?')
            .join(' ')} end as ${type})`,
          part.flatMap(r => [
            r.event.eventId,
            (value(r) ?? null) as Knex.Value,
          ]),
        );
      await tx(EVENTS)
        .whereIn(
          'event_id',
          part.map(r => r.event.eventId),
        )
        .update({
          finding_id: column(r => r.update.compositeId),
          evidence_key: column(r => r.update.evidenceKey),
          dst_address_hash: column(r =>
            r.event.layer === 'network' ? r.event.flow.dstAddressHash : null,
          ),
          dst_port: column(
            r => (r.event.layer === 'network' ? r.event.flow.dstPort : null),
            'integer',
          ),
        });
    }
  }

  /** Findings from all their events (after events moved, or stored by an older version). */
  private async rebuild(
    tx: Knex.Transaction,
    ids: string[],
    book = new LessonBook(keys => this.readLessons(tx, keys)),
  ) {
    if (ids.length === 0) return;
    await this.lock(tx, ids);
    const totals = new Map<string, FindingTotals>();
    const updates: FindingUpdate[] = [];
    for (const part of chunks(ids, 100)) {
      const rows = (
        await tx(EVENTS)
          .whereIn('finding_id', part)
          .select('event_id', 'finding_id', 'payload')
      ).map(row => ({ ...row, event: JSON.parse(row.payload) as McpEvent }));
      // A network event's host is what its destination is known as now.
      await book.need(rows.map(r => r.event));
      const derived = [];
      for (const { event, ...row } of rows) {
        // Where the event is (moves decided that), with what the event says.
        const u = {
          ...this.update(event, book.lessons),
          compositeId: row.finding_id,
        };
        updates.push(u);
        derived.push({ event, update: u });
        totals.set(
          row.finding_id,
          mergeTotals(totals.get(row.finding_id) ?? {}, totalsOf(u)),
        );
      }
      await this.describeEvents(tx, derived);
    }
    for (const part of chunks(ids)) {
      await tx(DETECTIONS).whereIn('composite_id', part).delete();
      const gone = part.filter(id => !totals.has(id));
      if (gone.length > 0)
        await tx(FINDINGS).whereIn('composite_id', gone).delete();
    }
    await this.writeFindings(tx, [...totals]);
    await this.recordDetections(tx, updates);
  }

  private async writeFindings(
    tx: Knex.Transaction,
    all: Array<[string, FindingTotals]>,
  ) {
    const rows = [];
    const findings: Finding[] = [];
    for (const [id, totals] of all) {
      const finding = await finishWithLookups(
        id,
        describeFinding(totals),
        this.options,
      );
      findings.push(finding);
      rows.push(toRow(finding, totals));
    }
    for (const part of chunks(rows, 100))
      await tx(FINDINGS).insert(part).onConflict('composite_id').merge();
    await this.options.history.record(findings, tx);
  }

  private async recordDetections(
    tx: Knex.Transaction,
    updates: FindingUpdate[],
  ) {
    if (updates.length === 0) return;
    const window = this.options.dedupWindowMs ?? 5 * 60_000;
    // Merge the batch in memory first: then one read and one upsert for all its detections.
    const merged = new Map<
      string,
      {
        composite_id: string;
        layer: string;
        window_start: number;
        count: number;
        first: number;
        last: number;
      }
    >();
    for (const u of updates) {
      const windowStart = Math.floor(u.observedAt / window) * window;
      const key = `${u.compositeId}|${u.layer}|${windowStart}`;
      const t = u.observedAt;
      const m = merged.get(key);
      if (m) {
        m.count++;
        m.first = Math.min(m.first, t);
        m.last = Math.max(m.last, t);
      } else {
        merged.set(key, {
          composite_id: u.compositeId,
          layer: u.layer,
          window_start: windowStart,
          count: 1,
          first: t,
          last: t,
        });
      }
    }
    const keys = [...merged.values()];
    const existing = new Map<string, any>();
    for (const part of chunks([...new Set(keys.map(k => k.composite_id))], 300))
      for (const row of await tx(DETECTIONS)
        .whereIn('composite_id', part)
        .whereIn('window_start', [...new Set(keys.map(k => k.window_start))]))
        existing.set(
          `${row.composite_id}|${row.layer}|${Number(row.window_start)}`,
          row,
        );
    const rows = keys.map(m => {
      const old = existing.get(
        `${m.composite_id}|${m.layer}|${m.window_start}`,
      );
      return {
        composite_id: m.composite_id,
        layer: m.layer,
        window_start: m.window_start,
        event_count: (old ? Number(old.event_count) : 0) + m.count,
        first_seen: new Date(
          old ? Math.min(new Date(old.first_seen).getTime(), m.first) : m.first,
        ),
        last_seen: new Date(
          old ? Math.max(new Date(old.last_seen).getTime(), m.last) : m.last,
        ),
      };
    });
    for (const part of chunks(rows, 200))
      await tx(DETECTIONS)
        .insert(part)
        .onConflict(['composite_id', 'layer', 'window_start'])
        .merge();
  }

  /** The findings a query's filters select, as a query to add to (list, scan). */
  private filtered(query: FindingFilter) {
    const q = this.db<Row>(FINDINGS);
    if (query.classification?.length)
      q.whereIn('classification', query.classification);
    if (query.minScore !== undefined) q.where('score', '>=', query.minScore);
    if (query.maxScore !== undefined) q.where('score', '<=', query.maxScore);
    if (query.minRisk)
      q.where('risk_level', '>=', RISK_SEVERITY_RANK[query.minRisk]);
    if (query.layer) q.where('layers', 'like', `%${query.layer}%`);
    if (query.hostIdHash) q.where('host_id_hash', query.hostIdHash);
    if (query.registryStatus) q.where('registry_status', query.registryStatus);
    if (query.since) q.where('last_seen', '>=', query.since);
    if (query.until) q.where('last_seen', '<=', query.until);
    if (query.firstSeenFrom) q.where('first_seen', '>=', query.firstSeenFrom);
    if (query.firstSeenTo) q.where('first_seen', '<=', query.firstSeenTo);
    if (query.detectedFrom || query.detectedTo) {
      // Window starts are epoch milliseconds; the window index serves the range.
      const detected = this.db(DETECTIONS).select('composite_id');
      if (query.detectedFrom)
        detected.where('window_start', '>=', query.detectedFrom.getTime());
      if (query.detectedTo)
        detected.where('window_start', '<=', query.detectedTo.getTime());
      q.whereIn('composite_id', detected);
    }
    if (query.highRisk === 'unregistered')
      q.whereIn('registry_status', NOT_APPROVED_STATUSES).where(b =>
        b
          .where('classification', 'unauthorized')
          .orWhere('risk_level', '>=', RISK_SEVERITY_RANK.high),
      );
    if (query.text) whereContains(q, ['server_name', 'owner'], query.text);
    if (query.serverName) q.where('server_name', query.serverName);
    if (query.judgeUnavailable !== undefined)
      q.where('judge_unavailable', query.judgeUnavailable);
    if (query.triageStatus?.length)
      q.whereIn('triage_status', query.triageStatus);
    if (query.assignee === null) q.whereNull('assignee');
    else if (query.assignee) q.where('assignee', query.assignee);
    if (query.gone === 'exclude') q.where('no_longer_reported', false);
    if (query.gone === 'only') q.where('no_longer_reported', true);
    if (query.notMcp === 'exclude') q.where('not_mcp', false);
    if (query.notMcp === 'only') q.where('not_mcp', true);
    if (query.suppressed === 'exclude') q.whereNull('suppression_id');
    if (query.suppressed === 'only') q.whereNotNull('suppression_id');
    if (query.suppressionId) q.where('suppression_id', query.suppressionId);
    if (query.verdict?.length) {
      const verdicts = query.verdict.filter(v => v !== 'none');
      const none = query.verdict.includes('none');
      q.where(b => {
        if (verdicts.length) b.whereIn('verdict', verdicts);
        if (none) b.orWhereNull('verdict');
      });
    }
    if (query.ownerRefs) {
      const refs = query.ownerRefs;
      q.where(b => {
        b.whereIn('registry_owner', refs);
        for (const ref of refs)
          b.orWhereRaw(`owners like ? escape '\\'`, [
            `%,${ref.replace(/[%_\\]/g, c => `\\${c}`)},%`,
          ]);
      });
    }
    return q;
  }

  async list(query: FindingQuery): Promise<FindingPage> {
    const filtered = () => this.filtered(query);
    const offset = query.offset ?? 0;
    // A bounded count: exact up to the cap, so a fleet-sized table is never scanned just to count it.
    const [{ count }] = await this.db
      .from(
        filtered()
          .select(this.db.raw('1'))
          .limit(MAX_COUNTED_FINDINGS + 1)
          .as('matching'),
      )
      .count({ count: '*' });
    const rows: Row[] = await filtered()
      .select('*')
      .orderBy(descending(FINDING_LIST_ORDER[query.sort ?? 'score']))
      .offset(offset)
      .limit(query.limit + 1);
    const items = rows
      .slice(0, query.limit)
      .map(row => findingVisibleTo(toFinding(row), query));
    return {
      items,
      totalCount: Math.min(Number(count), MAX_COUNTED_FINDINGS),
      totalCountCapped: Number(count) > MAX_COUNTED_FINDINGS,
      ...(rows.length > query.limit
        ? { nextOffset: offset + query.limit }
        : {}),
    };
  }

  /**
   * Pages by keyset on the list's own order by score (all descending: the
   * sort index serves it), each read when the previous one is consumed: an
   * export of any size holds one page.
   */
  async *scan(query: FindingFilter, pageSize = 500): AsyncGenerator<Finding[]> {
    const order = FINDING_LIST_ORDER.score;
    let after: Row | undefined;
    for (;;) {
      const q = this.filtered(query);
      // The row as the driver gave it: its values compare as stored.
      if (after) {
        const last = after as Record<string, any>;
        q.whereRaw(
          `(${order.join(', ')}) < (${order.map(() => '?').join(', ')})`,
          order.map(column => last[column]),
        );
      }
      const rows: Row[] = await q
        .select('*')
        .orderBy(descending(order))
        .limit(pageSize);
      if (rows.length === 0) return;
      yield rows.map(row => findingVisibleTo(toFinding(row), query));
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1];
    }
  }

  async get(
    compositeId: string,
    visibleTo?: { ownerRefs?: string[] },
  ): Promise<Finding | undefined> {
    const row = await this.db<Row>(FINDINGS)
      .where('composite_id', compositeId)
      .first();
    return row ? findingVisibleTo(toFinding(row), visibleTo) : undefined;
  }

  async summarizeServers(limit: number): Promise<ServerSummary[]> {
    const rows = await this.db(FINDINGS)
      .whereNotNull('server_name')
      // Judged not an MCP server: no MCPServer entity (`judgedNotMcp`).
      .where('not_mcp', false)
      .groupBy('server_name')
      .select('server_name')
      .count({ findings: '*' })
      .countDistinct({ hosts: 'host_id_hash' })
      .max({ max_score: 'score' })
      .max({ last_seen: 'last_seen' })
      .min({ an_owner: 'owner' })
      .orderBy([
        { column: 'max_score', order: 'desc' },
        { column: 'server_name' },
      ])
      .limit(limit);
    return rows.map((r: any) => ({
      serverName: r.server_name,
      findings: Number(r.findings),
      hosts: Number(r.hosts),
      maxScore: Number(r.max_score),
      lastSeen: iso(
        typeof r.last_seen === 'number' ? new Date(r.last_seen) : r.last_seen,
      ),
      ...(r.an_owner ? { anOwner: r.an_owner } : {}),
    }));
  }

  async analyticsSummary(
    scope: AnalyticsScope,
    now: Date,
    options: SummaryOptions = { feedbackBacklog: true },
  ): Promise<AnalyticsSummary> {
    const filters = summaryFilters(now);
    const when = (condition: string) =>
      `sum(case when ${condition} then 1 else 0 end)`;
    // Each filtered number with the list's own filters: the list's total.
    const count = async (filter: FindingFilter) => {
      const [{ n }] = await this.filtered({ ...scope, ...filter }).count({
        n: '*',
      });
      return n;
    };
    const [
      [counts],
      unregisteredHighRisk,
      newThisWeek,
      feedbackBacklog,
      inScope,
      suppressed,
      noLongerReported,
      notMcp,
    ] = await Promise.all([
      this.filtered({ ...scope, ...DASHBOARD_FINDINGS }).select(
        this.db.raw('count(*) as total'),
        ...CLASSIFICATIONS.map(c =>
          this.db.raw(`${when('classification = ?')} as ??`, [c, c]),
        ),
        this.db.raw(
          `count(distinct case when last_seen >= ? then host_id_hash end) as active_hosts`,
          [filters.activeSince],
        ),
      ),
      count(filters.unregisteredHighRisk),
      count(filters.newThisWeek),
      options.feedbackBacklog
        ? count(filters.feedbackBacklog)
        : Promise.resolve(undefined),
      count({}),
      count(filters.suppressed),
      count(filters.noLongerReported),
      count(filters.notMcp),
    ]);
    const c = counts as Record<string, unknown>;
    return toSummary(
      scope,
      {
        total: c.total,
        authorized: c.authorized,
        suspect: c.suspect,
        unauthorized: c.unauthorized,
        activeHosts: c.active_hosts,
        unregisteredHighRisk,
        newThisWeek,
        feedbackBacklog,
        inScope,
        suppressed,
        noLongerReported,
        notMcp,
      },
      now,
    );
  }

  async scoreDistribution(scope: AnalyticsScope): Promise<ScoreDistribution> {
    const rows = await this.filtered({ ...scope, ...DASHBOARD_FINDINGS })
      .select(
        this.db.raw(
          `case when score > ${SCORE_DISTRIBUTION_CAP} then ${SCORE_DISTRIBUTION_CAP} else score end as bucket`,
        ),
      )
      .count({ n: '*' })
      .groupBy('bucket');
    return toScoreDistribution(
      rows.map((r: any) => ({ score: Number(r.bucket), count: Number(r.n) })),
    );
  }

  async trendlines(query: TrendQuery): Promise<Trendlines> {
    const { origin, size, end } = trendRange(query);
    // Bucket arithmetic on the epoch-millisecond window start, the same on
    // every engine: whole buckets from the origin, never negative. Each
    // finding once per bucket first, then classified: cheaper than counting
    // distinct findings after the join.
    const seen = this.db(DETECTIONS)
      .where('window_start', '>=', origin)
      .where('window_start', '<', end)
      .modify(q => {
        // A developer's few findings: their detections alone are read.
        if (query.ownerRefs)
          q.whereIn(
            'composite_id',
            this.filtered({ ownerRefs: query.ownerRefs }).select(
              'composite_id',
            ),
          );
      })
      .distinct(
        this.db.raw('cast((window_start - ?) / ? as bigint) as bucket', [
          origin,
          size,
        ]),
        'composite_id',
      );
    const rows = await this.db
      .from(seen.as('d'))
      .join(
        this.filtered({ ownerRefs: query.ownerRefs, ...DASHBOARD_FINDINGS })
          .select('composite_id', 'classification')
          .as('f'),
        'f.composite_id',
        'd.composite_id',
      )
      .select('d.bucket', 'f.classification')
      .count({ n: '*' })
      .groupBy('d.bucket', 'f.classification');
    return toTrendlines(
      query,
      rows.map((r: any) => ({
        index: Number(r.bucket),
        classification: r.classification,
        findings: Number(r.n),
      })),
    );
  }

  async rescore(target: RescoreTarget): Promise<number> {
    const rows: Row[] = [];
    for (const [column, values] of [
      ['composite_id', target.compositeIds ?? []],
      ['server_name', target.serverNames ?? []],
      ['command_signature_hash', target.commandSignatureHashes ?? []],
      ['host_id_hash', target.hostIdHashes ?? []],
    ] as const) {
      for (const part of chunks(values))
        rows.push(...(await this.db<Row>(FINDINGS).whereIn(column, part)));
    }
    const ids = [...new Set(rows.map(r => r.composite_id))].sort();
    await this.db.transaction(async tx => {
      // Read again under the findings' locks: ingest may have moved them meanwhile.
      await this.lock(tx, ids);
      const unique: Row[] = [];
      for (const part of chunks(ids))
        unique.push(...(await tx<Row>(FINDINGS).whereIn('composite_id', part)));
      await this.writeFindings(
        tx,
        unique
          .filter(r => r.totals)
          .map(r => [r.composite_id, JSON.parse(r.totals!)]),
      );
      await this.rebuild(
        tx,
        unique.filter(r => !r.totals).map(r => r.composite_id),
      );
    });
    return ids.length;
  }

  async detections(compositeId: string): Promise<Detection[]> {
    const rows = await this.db('mcpeeker_detections')
      .where('composite_id', compositeId)
      .orderBy([{ column: 'window_start' }, { column: 'layer' }]);
    return rows.map(r => ({
      layer: r.layer,
      windowStart: iso(new Date(Number(r.window_start))),
      eventCount: Number(r.event_count),
      firstSeen: iso(r.first_seen),
      lastSeen: iso(r.last_seen),
    }));
  }

  async evidence(
    compositeId: string,
    perLayer: number,
    visibleTo: { ownerRefs?: string[] } = {},
  ): Promise<Record<Layer, McpEvent[]>> {
    const out = emptyEvidence();
    const refs = visibleTo.ownerRefs;
    // By the finding correlation put them in: a network event may carry its
    // sensor's id. A rescan of the same thing is shown once, at its latest.
    const latest = this.db(EVENTS)
      .where('finding_id', compositeId)
      .modify(q => {
        if (!refs) return;
        const among = `IN (${refs.map(() => '?').join(', ') || 'NULL'})`;
        const field = (path: string[]) => payloadField(this.db, path);
        q.where(visible =>
          visible
            .where('layer', 'network')
            .orWhere(endpoint =>
              endpoint
                .where('layer', 'endpoint')
                .whereRaw(`${field(['host', 'owner'])} ${among}`, refs),
            )
            .orWhere(gateway =>
              gateway
                .where('layer', 'gateway')
                .whereRaw(`${field(['request', 'userRef'])} ${among}`, refs),
            ),
        );
      })
      .select(
        'layer',
        'payload',
        'observed_at',
        'event_id',
        this.db.raw(
          'row_number() over (partition by layer, coalesce(evidence_key, event_id) order by observed_at desc, event_id desc) as nth_of_key',
        ),
      );
    const perLayerRanked = this.db
      .from(latest.as('latest'))
      .where('nth_of_key', 1)
      .select(
        'layer',
        'payload',
        'observed_at',
        'event_id',
        this.db.raw(
          'row_number() over (partition by layer order by observed_at desc, event_id desc) as nth_of_layer',
        ),
      );
    const rows = await this.db
      .from(perLayerRanked.as('ranked'))
      .where('nth_of_layer', '<=', perLayer)
      .orderBy([
        { column: 'observed_at', order: 'desc' },
        { column: 'event_id', order: 'desc' },
      ])
      .select('layer', 'payload');
    for (const row of rows) {
      const list = out[row.layer as Layer];
      if (list && list.length < perLayer) list.push(JSON.parse(row.payload));
    }
    return out;
  }
}
