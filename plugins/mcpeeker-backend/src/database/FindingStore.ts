import {
  Detection,
  FeedbackVerdict,
  FindingRegistryStatus,
  FindingTriage,
  HighRiskFilter,
  Layer,
  MAX_RISK_FACTS,
  McpEvent,
  NotMcpFilter,
  RISK_SEVERITY_RANK,
  RiskSeverity,
  Signals,
  TriageStatus,
  UNTRIAGED,
} from '@mcpeeker/plugin-mcpeeker-common';
import type { Knex } from 'knex';

export type { Detection } from '@mcpeeker/plugin-mcpeeker-common';
import type {
  AnalyticsSummary,
  ScoreDistribution,
  Trendlines,
} from '@mcpeeker/plugin-mcpeeker-common';
import type {
  AnalyticsScope,
  SummaryOptions,
  TrendQuery,
} from './findingAnalytics';
import type {
  Classification,
  ScoringWeights,
} from '../services/correlation/scoring';
import {
  Finding,
  FindingFacts,
  finishFinding,
  KnownInventory,
  noLongerReportedOf,
  RegistryMatch,
} from '../services/correlation/correlate';

export type { Finding } from '../services/correlation/correlate';

/**
 * Findings as the routes read them. Every engine builds them with the one
 * correlation step (`correlation/correlate.ts`); a store reads and writes
 * rows and decides nothing. Events reach findings through the engine's
 * EventStore, which correlates what it stores.
 */
export interface FindingQuery {
  classification?: Classification[];
  minScore?: number;
  maxScore?: number;
  /** Only findings with a risk of this severity or worse that counts (not accepted): `breakdown.riskLevel`. */
  minRisk?: RiskSeverity;
  layer?: Layer;
  hostIdHash?: string;
  registryStatus?: FindingRegistryStatus;
  /** Last seen at or after this. */
  since?: Date;
  /** Last seen at or before this. */
  until?: Date;
  /** First seen at or after this. */
  firstSeenFrom?: Date;
  /** First seen at or before this. */
  firstSeenTo?: Date;
  /** With a detection (a dedup window of events) starting at or after this… */
  detectedFrom?: Date;
  /** …and at or before this (with `detectedFrom`: the same detection). */
  detectedTo?: Date;
  /** `unregistered`: the unregistered high-risk findings (`isUnregisteredHighRisk`). */
  highRisk?: HighRiskFilter;
  /** Words to find in the server name or owner. */
  text?: string;
  /** Exactly this server name (an MCPServer entity's findings). */
  serverName?: string;
  /** Only findings scored without the Judge (it was unavailable), or only the others. */
  judgeUnavailable?: boolean;
  /**
   * Only findings whose endpoint owner, or the owner of the approved entry
   * they match, is one of these refs: where permissions narrow a list (in
   * SQL, never after loading). Each finding then holds only these owners'
   * risk facts (`findingVisibleTo`).
   */
  ownerRefs?: string[];
  /** Only findings in one of these triage statuses. */
  triageStatus?: TriageStatus[];
  /** Only findings assigned to this user entity ref; `null`: only unassigned ones. */
  assignee?: string | null;
  /** Findings no longer reported (`breakdown.noLongerReported`): left out, taken too, or the only ones. Undefined takes them too (the routes default to `exclude`). */
  gone?: 'exclude' | 'include' | 'only';
  /** Findings judged not to be an MCP server (`judgedNotMcp`): left out, taken too, or the only ones. Undefined takes them too (the routes default to `exclude`). */
  notMcp?: NotMcpFilter;
  /** Findings an active suppression hides: left out, taken too, or the only ones. Undefined takes them too (the routes default to `exclude`). */
  suppressed?: 'exclude' | 'include' | 'only';
  /** Only findings this suppression hides: the one each shows (of several that match, the most specific). */
  suppressionId?: string;
  /** Only findings whose latest feedback verdict is one of these; `none`: no feedback yet. */
  verdict?: Array<FeedbackVerdict | 'none'>;
  sort?: 'score' | 'lastSeen';
  limit: number;
  /** Rows to skip: where the page starts. */
  offset?: number;
}

/**
 * The findings list's orders, as columns of the findings table, every one
 * descending (one direction, so an index serves it): the one definition both
 * stores sort, page and export by. By score, ties go to the most severe risk
 * that counts (`risk_level`, `breakdown.riskLevel`): risk alone never lifts
 * a finding out of its class, so a suspect server holding a pasted token and
 * `/` as its root and a suspect one that is only unpinned can both score 8,
 * and the first is the one to look at. Then the most recently seen.
 */
export const FINDING_LIST_ORDER = {
  score: ['score', 'risk_level', 'last_seen', 'composite_id'],
  lastSeen: ['last_seen', 'composite_id'],
} as const satisfies Record<NonNullable<FindingQuery['sort']>, string[]>;

/** What selects findings, without paging: an export takes every match. */
export type FindingFilter = Omit<FindingQuery, 'limit' | 'offset' | 'sort'>;

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
    /** SHA-256 of its stdio command's signature: a fleet-wide entry's exact commands must include it. */
    commandSignatureHash?: string;
    /** Its tools as last reported (and by which layer), compared with the set pinned on the entry. */
    tools?: Signals['tools'];
  }): Promise<RegistryMatch>;
}

export const NO_REGISTRY: RegistryLookup = {
  match: async () => ({ approved: false }),
};

/**
 * Tells a finding's triage: status, assignee, latest verdict, and the active
 * suppression that hides it. The one place that is decided; triage fills it
 * in from a snapshot (it runs inside ingest transactions and must not query).
 */
export interface TriageLookup {
  match(finding: {
    compositeId: string;
    serverName?: string;
    /** Everyone whose evidence it holds. */
    owners: string[];
    commandSignatureHash?: string;
  }): Promise<FindingTriage>;
}

export const NO_TRIAGE: TriageLookup = {
  match: async () => UNTRIAGED,
};

/**
 * Keeps each finding's score history: both stores hand it every finding they
 * write, and it appends a row for each whose score, classification, registry
 * status or suppression differs from its last row.
 */
export interface ScoreHistoryRecorder {
  /** In the caller's transaction when it has one (the SQL stores), else on its own. */
  record(findings: Finding[], tx?: Knex.Transaction): Promise<void>;
}

/**
 * Each host's and owner's latest complete scan inventory: which servers their
 * agent's last scan found in the configs. Read from a snapshot (it runs
 * inside ingest transactions and must not query).
 */
export interface InventoryLookup {
  inventoryOf(hostIdHash: string, owner: string): KnownInventory | undefined;
}

/**
 * A finding from its facts, with what the registry and triage say of it:
 * how both stores finish every finding they write.
 */
export async function finishWithLookups(
  compositeId: string,
  facts: FindingFacts,
  lookups: {
    registry?: RegistryLookup;
    triage?: TriageLookup;
    weights?: ScoringWeights;
    /** The agents' scan inventories: what says a server is no longer reported. */
    inventories?: InventoryLookup;
  },
): Promise<Finding> {
  const registry = await (lookups.registry ?? NO_REGISTRY).match({
    compositeId,
    serverName: facts.serverName,
    hostIdHash: facts.hostIdHash,
    commandSignatureHash: facts.commandSignatureHash,
    tools: facts.signals.tools,
  });
  const triage = await (lookups.triage ?? NO_TRIAGE).match({
    compositeId,
    serverName: facts.serverName,
    owners: facts.owners,
    commandSignatureHash: facts.commandSignatureHash,
  });
  const inventories = lookups.inventories;
  const gone = inventories
    ? noLongerReportedOf(compositeId, facts, (h, o) =>
        inventories.inventoryOf(h, o),
      )
    : undefined;
  return finishFinding(
    compositeId,
    facts,
    registry,
    lookups.weights,
    triage,
    gone,
  );
}

/** What `rescore` takes: findings by id, by server name (fleet-wide entries, server-on-team suppressions) and by stdio command. */
export interface RescoreTarget {
  compositeIds?: string[];
  serverNames?: string[];
  commandSignatureHashes?: string[];
  /** Every finding on these hosts (a scan inventory changed). */
  hostIdHashes?: string[];
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
  /** A page of findings; with `ownerRefs`, each as those owners see it (`findingVisibleTo`). */
  list(query: FindingQuery): Promise<FindingPage>;
  /** One finding; with `ownerRefs`, as those owners see it (`findingVisibleTo`). */
  get(
    compositeId: string,
    visibleTo?: { ownerRefs?: string[] },
  ): Promise<Finding | undefined>;
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
  /**
   * Every finding the filter selects, in the list's order by score
   * (`FINDING_LIST_ORDER.score`), in pages read as they are consumed (never all
   * at once): for exports of any size. With `ownerRefs`, each as those
   * owners see it (`findingVisibleTo`).
   */
  scan(filter: FindingFilter, pageSize?: number): AsyncIterable<Finding[]>;
  /** Its detections (events merged per layer and dedup window), oldest first. */
  detections(compositeId: string): Promise<Detection[]>;
  /** Server names seen, with their findings, hosts and highest score; highest score first. */
  summarizeServers(limit: number): Promise<ServerSummary[]>;
  /** The dashboard's figures over the findings in scope, as of `now` (see `findingAnalytics.ts`); the feedback backlog unless `options` say not to. */
  analyticsSummary(
    scope: AnalyticsScope,
    now: Date,
    options?: SummaryOptions,
  ): Promise<AnalyticsSummary>;
  /** Findings per score, ascending; scores from 20 up counted as 20. */
  scoreDistribution(scope: AnalyticsScope): Promise<ScoreDistribution>;
  /** Distinct findings with a detection in each bucket, by their current classification. */
  trendlines(query: TrendQuery): Promise<Trendlines>;
  /** Scores findings again (the registry or triage changed): by id, by server name, by stdio command. Returns how many. */
  rescore(target: RescoreTarget): Promise<number>;
}

/**
 * A finding as someone who may see only some owners' evidence sees it (a
 * developer: their own and their groups'): with the risk facts their
 * endpoints reported, not those of a shared host's other owners (their
 * config files and what is in them). Its score and breakdown stay the
 * finding's: the breakdown names kinds of risk, never a fact. Without
 * `ownerRefs`, the whole finding (analysts, admins, the jobs). The one place
 * that is decided, as `evidence` decides it for events.
 */
export function findingVisibleTo(
  finding: Finding,
  visibleTo?: { ownerRefs?: string[] },
): Finding {
  const refs = visibleTo?.ownerRefs;
  const risks = finding.signals.risks;
  if (!refs || !risks) return finding;
  // Each owner's most severe MAX_RISK_FACTS are kept (`mergeRiskFacts`); a reader gets as many of theirs.
  const own = risks
    .filter(f => f.owners?.some(o => refs.includes(o)))
    .slice(0, MAX_RISK_FACTS);
  if (own.length === risks.length) return finding;
  const { risks: _all, ...signals } = finding.signals;
  return {
    ...finding,
    signals: own.length > 0 ? { ...signals, risks: own } : signals,
  };
}

/** A finding's `risk_level` column: its `breakdown.riskLevel` as a rank (0 none, 1 low, 2 medium, 3 high). */
export const riskLevelRank = (finding: Finding): number =>
  finding.breakdown.riskLevel
    ? RISK_SEVERITY_RANK[finding.breakdown.riskLevel]
    : 0;

/** Evidence with every layer present, each still empty. */
export function emptyEvidence(): Record<Layer, McpEvent[]> {
  return { endpoint: [], network: [], gateway: [] };
}
