import { DatabaseService } from '@backstage/backend-plugin-api';
import type { Layer, McpEvent } from '@mcpeeker/plugin-mcpeeker-common';
import { Knex } from 'knex';
import {
  emptySignals,
  FindingUpdate,
  mergeSignals,
  toFindingUpdate,
} from '../correlation/correlate';
import {
  Classification,
  ScoreBreakdown,
  scoreFinding,
  ScoringWeights,
  Signals,
} from '../correlation/scoring';
import { applyDatabaseMigrations } from './migrations';
import { chunks, whereContains } from './queryHelpers';
import { RuleEngine } from '../correlation/rules';

/** One MCP server as analysts see it. */
export interface Finding {
  compositeId: string;
  serverName?: string;
  hostIdHash?: string;
  owner?: string;
  score: number;
  classification: Classification;
  layers: Layer[];
  breakdown: ScoreBreakdown;
  signals: Signals;
  registryStatus: 'unregistered' | 'approved';
  /** Owner of the approved registry entry it matches: they may see it too. */
  registryOwner?: string;
  judgeUnavailable: boolean;
  firstSeen: string;
  lastSeen: string;
}

export interface FindingQuery {
  classification?: Classification[];
  minScore?: number;
  maxScore?: number;
  layer?: Layer;
  hostIdHash?: string;
  registryStatus?: 'unregistered' | 'approved';
  since?: Date;
  until?: Date;
  /** Words to find in the server name or owner. */
  text?: string;
  /** Exactly this server name (an MCPServer entity's findings). */
  serverName?: string;
  /** Only findings whose endpoint owner, or the owner of the approved entry they match, is one of these refs: where permissions narrow a list (in SQL, never after loading). */
  ownerRefs?: string[];
  sort?: 'score' | 'lastSeen';
  limit: number;
  /** Rows to skip: where the page starts. */
  offset?: number;
}

/** Counting stops here: beyond it the list says "10000+" instead of scanning millions of rows. */
export const MAX_COUNTED_FINDINGS = 10_000;

/** One page of findings. */
export interface FindingPage {
  items: Finding[];
  /** Where the next page starts, when there is one. */
  nextOffset?: number;
  /** How many match, up to MAX_COUNTED_FINDINGS. */
  totalCount: number;
  /** True when more than MAX_COUNTED_FINDINGS match. */
  totalCountCapped: boolean;
}

/** Tells whether a finding matches an approved, unexpired registry entry. The registry fills it in. */
export interface RegistryLookup {
  match(finding: {
    compositeId: string;
    serverName?: string;
    hostIdHash?: string;
  }): Promise<{ approved: boolean; entryName?: string; owner?: string }>;
}

export const NO_REGISTRY: RegistryLookup = {
  match: async () => ({ approved: false }),
};

/** Events of one finding and layer within one dedup window. */
export interface Detection {
  layer: Layer;
  windowStart: string;
  eventCount: number;
  firstSeen: string;
  lastSeen: string;
}

/** What detection says of one server name across the fleet. */
export interface ServerSummary {
  serverName: string;
  findings: number;
  hosts: number;
  maxScore: number;
  lastSeen: string;
  /** One owner of its findings (the alphabetically first), for a server nobody registered. */
  anOwner?: string;
}

/** Findings and detections; the pipeline and the routes never know which engine is behind it. */
export interface FindingStore {
  /** Correlates newly stored events into findings, in the transaction that stored them. */
  /** Returns the finding each event was put in. */
  applyEvents(
    events: McpEvent[],
    tx?: Knex.Transaction,
  ): Promise<Array<{ event: McpEvent; findingId: string }>>;
  list(query: FindingQuery): Promise<FindingPage>;
  get(compositeId: string): Promise<Finding | undefined>;
  /**
   * The events behind a finding, newest first, by layer. With `ownerRefs`,
   * only what those owners may see: endpoint events reported for one of them,
   * gateway requests of one of them, and every network event.
   */
  evidence(
    compositeId: string,
    perLayer: number,
    visibleTo?: { ownerRefs?: string[] },
  ): Promise<Record<Layer, McpEvent[]>>;
  /** Its detections (events merged per layer and dedup window), oldest first. */
  detections(compositeId: string): Promise<Detection[]>;
  /** Server names seen, with their findings, hosts and highest score; highest score first. */
  summarizeServers(limit: number): Promise<ServerSummary[]>;
  /** Scores findings again (the registry changed): by id, and by server name for fleet-wide entries. Returns how many. */
  rescore(target: {
    compositeIds?: string[];
    serverNames?: string[];
  }): Promise<number>;
}

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
  registry_status: 'unregistered' | 'approved';
  registry_owner?: string | null;
  judge_unavailable: boolean | number;
  first_seen: Date | string;
  last_seen: Date | string;
};

const FINDINGS = 'mcpeeker_findings';
const iso = (d: Date | string) => new Date(d).toISOString();

function toFinding(row: Row): Finding {
  return {
    compositeId: row.composite_id,
    serverName: row.server_name ?? undefined,
    hostIdHash: row.host_id_hash ?? undefined,
    owner: row.owner ?? undefined,
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

/** Evidence with every layer present, each still empty. */
export function emptyEvidence(): Record<Layer, McpEvent[]> {
  return { endpoint: [], network: [], gateway: [] };
}

/** Findings in the Backstage database (SQLite embedded, PostgreSQL in production). */
export class DatabaseFindingStore implements FindingStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
    weights?: ScoringWeights;
    dedupWindowMs?: number;
    registry?: RegistryLookup;
    rules?: RuleEngine;
  }): Promise<DatabaseFindingStore> {
    return new DatabaseFindingStore(
      await applyDatabaseMigrations(options.database, options),
      options,
    );
  }

  private constructor(
    private readonly db: Knex,
    private readonly options: {
      weights?: ScoringWeights;
      dedupWindowMs?: number;
      registry?: RegistryLookup;
      rules?: RuleEngine;
    },
  ) {}

  async applyEvents(
    events: McpEvent[],
    outer?: Knex.Transaction,
  ): Promise<Array<{ event: McpEvent; findingId: string }>> {
    if (events.length === 0) return [];
    let assigned: Array<{ event: McpEvent; findingId: string }> = [];
    const run = async (tx: Knex.Transaction) => {
      // Learn addresses first: a network event in the same batch can then land on its host.
      const now = new Date();
      const learned = new Map<string, string>();
      for (const event of events) {
        if (event.layer !== 'endpoint') continue;
        for (const address of event.host.addressHashes)
          learned.set(address, event.host.idHash);
      }
      for (const part of chunks([...learned.entries()], 300)) {
        await tx('mcpeeker_host_addresses')
          .insert(
            part.map(([address_hash, host_id_hash]) => ({
              address_hash,
              host_id_hash,
              last_seen: now,
            })),
          )
          .onConflict('address_hash')
          .merge(['host_id_hash', 'last_seen']);
      }
      const addresses = new Map<string, string | undefined>();
      const hostOf = async (hash: string) => {
        if (!addresses.has(hash)) {
          const row = await tx('mcpeeker_host_addresses')
            .where('address_hash', hash)
            .first('host_id_hash');
          addresses.set(hash, row?.host_id_hash);
        }
        return addresses.get(hash);
      };
      const updates: FindingUpdate[] = [];
      for (const event of events) {
        const known =
          event.layer === 'network'
            ? await hostOf(event.flow.dstAddressHash)
            : undefined;
        updates.push({
          ...toFindingUpdate(event, () => known),
          rules: this.options.rules?.evaluate(event) ?? [],
        });
      }
      const byFinding = new Map<string, FindingUpdate[]>();
      for (const u of updates)
        byFinding.set(u.compositeId, [
          ...(byFinding.get(u.compositeId) ?? []),
          u,
        ]);
      // Read every finding the batch touches at once (locked on PostgreSQL,
      // in id order so concurrent replicas cannot deadlock).
      const ids = [...byFinding.keys()].sort();
      const existing = new Map<string, Row>();
      for (let i = 0; i < ids.length; i += 500) {
        let query = tx<Row>(FINDINGS)
          .whereIn('composite_id', ids.slice(i, i + 500))
          .orderBy('composite_id');
        if (tx.client.config.client === 'pg') query = query.forUpdate();
        for (const row of await query) existing.set(row.composite_id, row);
      }
      const merged = [];
      for (const id of ids)
        merged.push(
          await this.mergeFinding(id, byFinding.get(id)!, existing.get(id)),
        );
      for (const part of chunks(merged, 100))
        await tx(FINDINGS).insert(part).onConflict('composite_id').merge();
      await this.recordDetections(tx, updates);
      const eventsByFinding = new Map<string, string[]>();
      for (const [i, event] of events.entries()) {
        const list = eventsByFinding.get(updates[i].compositeId) ?? [];
        list.push(event.eventId);
        eventsByFinding.set(updates[i].compositeId, list);
      }
      assigned = events.map((event, i) => ({
        event,
        findingId: updates[i].compositeId,
      }));
      const pairs = [...eventsByFinding].flatMap(([findingId, eventIds]) =>
        eventIds.map(eventId => [eventId, findingId] as const),
      );
      for (const part of chunks(pairs, 300)) {
        await tx('mcpeeker_events')
          .whereIn(
            'event_id',
            part.map(([eventId]) => eventId),
          )
          .update({
            finding_id: tx.raw(
              `case event_id ${part.map(() => 'when ? then ?').join(' ')} end`,
              part.flat(),
            ),
          });
      }
    };
    if (outer) await run(outer);
    else await this.db.transaction(run);
    return assigned;
  }

  /** A finding's row after these updates (written by the caller, with the batch's others). */
  private async mergeFinding(
    id: string,
    updates: FindingUpdate[],
    existing: Row | undefined,
  ) {
    let signals = existing
      ? (JSON.parse(existing.signals) as Signals)
      : emptySignals();
    let firstSeen = existing
      ? new Date(existing.first_seen)
      : updates[0].observedAt;
    let lastSeen = existing
      ? new Date(existing.last_seen)
      : updates[0].observedAt;
    let serverName = existing?.server_name ?? undefined;
    let hostIdHash = existing?.host_id_hash ?? undefined;
    let owner = existing?.owner ?? undefined;
    for (const u of updates) {
      signals = mergeSignals(signals, u);
      if (u.observedAt < firstSeen) firstSeen = u.observedAt;
      if (u.observedAt > lastSeen) lastSeen = u.observedAt;
      // The endpoint knows best what a server is called and whose machine it is on.
      if (u.serverName && (!serverName || u.layer === 'endpoint'))
        serverName = u.serverName.slice(0, 256);
      hostIdHash = hostIdHash ?? u.hostIdHash;
      owner = owner ?? u.owner?.slice(0, 256);
    }
    const registry = await (this.options.registry ?? NO_REGISTRY).match({
      compositeId: id,
      serverName,
      hostIdHash,
    });
    const breakdown = scoreFinding(signals, {
      weights: this.options.weights,
      registry,
    });
    const row = {
      composite_id: id,
      server_name: serverName ?? null,
      host_id_hash: hostIdHash ?? null,
      owner: owner ?? null,
      score: breakdown.score,
      classification: breakdown.classification,
      layers: (Object.keys(signals.counts) as Layer[]).sort().join(','),
      signals: JSON.stringify(signals),
      breakdown: JSON.stringify(breakdown),
      registry_status: registry.approved ? 'approved' : 'unregistered',
      registry_owner: registry.approved ? registry.owner ?? null : null,
      judge_unavailable: signals.judgeUnavailable,
      first_seen: firstSeen,
      last_seen: lastSeen,
      updated_at: new Date(),
    };
    return row;
  }

  private async recordDetections(
    tx: Knex.Transaction,
    updates: FindingUpdate[],
  ) {
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
      const windowStart = Math.floor(u.observedAt.getTime() / window) * window;
      const key = `${u.compositeId}|${u.layer}|${windowStart}`;
      const t = u.observedAt.getTime();
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
      for (const row of await tx('mcpeeker_detections')
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
      await tx('mcpeeker_detections')
        .insert(part)
        .onConflict(['composite_id', 'layer', 'window_start'])
        .merge();
  }

  async list(query: FindingQuery): Promise<FindingPage> {
    const filtered = () => {
      const q = this.db<Row>(FINDINGS);
      if (query.classification?.length)
        q.whereIn('classification', query.classification);
      if (query.minScore !== undefined) q.where('score', '>=', query.minScore);
      if (query.maxScore !== undefined) q.where('score', '<=', query.maxScore);
      if (query.layer) q.where('layers', 'like', `%${query.layer}%`);
      if (query.hostIdHash) q.where('host_id_hash', query.hostIdHash);
      if (query.registryStatus)
        q.where('registry_status', query.registryStatus);
      if (query.since) q.where('last_seen', '>=', query.since);
      if (query.until) q.where('last_seen', '<=', query.until);
      if (query.text) whereContains(q, ['server_name', 'owner'], query.text);
      if (query.serverName) q.where('server_name', query.serverName);
      if (query.ownerRefs) {
        const refs = query.ownerRefs;
        q.where(b =>
          b.whereIn('owner', refs).orWhereIn('registry_owner', refs),
        );
      }
      return q;
    };
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
      .orderBy(
        query.sort === 'lastSeen'
          ? [
              { column: 'last_seen', order: 'desc' },
              { column: 'composite_id', order: 'desc' },
            ]
          : [
              { column: 'score', order: 'desc' },
              { column: 'last_seen', order: 'desc' },
              // One direction throughout, so an index serves the sort.
              { column: 'composite_id', order: 'desc' },
            ],
      )
      .offset(offset)
      .limit(query.limit + 1);
    const items = rows.slice(0, query.limit).map(toFinding);
    return {
      items,
      totalCount: Math.min(Number(count), MAX_COUNTED_FINDINGS),
      totalCountCapped: Number(count) > MAX_COUNTED_FINDINGS,
      ...(rows.length > query.limit
        ? { nextOffset: offset + query.limit }
        : {}),
    };
  }

  async get(compositeId: string): Promise<Finding | undefined> {
    const row = await this.db<Row>(FINDINGS)
      .where('composite_id', compositeId)
      .first();
    return row ? toFinding(row) : undefined;
  }

  async summarizeServers(limit: number): Promise<ServerSummary[]> {
    const rows = await this.db(FINDINGS)
      .whereNotNull('server_name')
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

  async rescore(target: {
    compositeIds?: string[];
    serverNames?: string[];
  }): Promise<number> {
    const rows: Row[] = [];
    for (const [column, values] of [
      ['composite_id', target.compositeIds ?? []],
      ['server_name', target.serverNames ?? []],
    ] as const) {
      for (const part of chunks(values))
        rows.push(...(await this.db<Row>(FINDINGS).whereIn(column, part)));
    }
    const seen = new Set<string>();
    for (const row of rows) {
      if (seen.has(row.composite_id)) continue;
      seen.add(row.composite_id);
      const registry = await (this.options.registry ?? NO_REGISTRY).match({
        compositeId: row.composite_id,
        serverName: row.server_name ?? undefined,
        hostIdHash: row.host_id_hash ?? undefined,
      });
      const breakdown = scoreFinding(JSON.parse(row.signals), {
        weights: this.options.weights,
        registry,
      });
      await this.db(FINDINGS)
        .where('composite_id', row.composite_id)
        .update({
          score: breakdown.score,
          classification: breakdown.classification,
          breakdown: JSON.stringify(breakdown),
          registry_status: registry.approved ? 'approved' : 'unregistered',
          registry_owner: registry.approved ? registry.owner ?? null : null,
          updated_at: new Date(),
        });
    }
    return seen.size;
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
    // By the finding correlation put them in: a network event may carry its sensor's id.
    const rows = await this.db('mcpeeker_events')
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
      .orderBy('observed_at', 'desc')
      .limit(perLayer * 3)
      .select('layer', 'payload');
    for (const row of rows) {
      const list = out[row.layer as Layer];
      if (list && list.length < perLayer) list.push(JSON.parse(row.payload));
    }
    return out;
  }
}
