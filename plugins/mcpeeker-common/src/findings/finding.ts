import type { Layer, McpEvent } from '../events/schema';
import type { ToolRef, ToolSetChange } from '../identity/toolSet';
import type { FindingTriage } from './triage';
import type { FindingRiskFact, RiskKind, RiskSeverity } from '../risk/risk';
import type { AcceptedRisk } from '../registry/registry';

/**
 * A finding's class by its score: authorized ≤ 4, suspect 5–8,
 * unauthorized ≥ 9.
 *
 * @public
 */
export type Classification = 'authorized' | 'suspect' | 'unauthorized';

/** @public */
export const CLASSIFICATIONS: readonly Classification[] = [
  'authorized',
  'suspect',
  'unauthorized',
];

/**
 * What a finding has seen, merged from its events (order-independent).
 *
 * @public
 */
export interface Signals {
  /** Per layer, per source (endpoint: config/process/port/manifest, counted as distinct pieces of evidence; network: signature id or 'traffic'; gateway: 'request' counted as events, and 'verdict' for each verdict the Judge gave after its request was stored). */
  counts: Partial<Record<Layer, Record<string, number>>>;
  /** The Judge's strongest verdict so far. */
  judge?: {
    verdict: 'mcp' | 'not-mcp' | 'uncertain';
    confidence: number;
    explanation: string;
    /** Who judged: Claude, or the offline (rule-based) judge. */
    judgedBy?: 'claude' | 'offline';
  };
  /** A gateway event arrived without a verdict and none has come since. */
  judgeUnavailable: boolean;
  /** Network signatures of high severity seen. */
  highSeveritySignatures: number;
  /**
   * The server's tools as last reported (a port probe's `tools/list` before a
   * gateway's request): bare names with definition hashes, sorted by name.
   */
  tools?: {
    definitions: ToolRef[];
    /** When that set was reported (ISO 8601). */
    seenAt: string;
    /** Which layer and source reported it: `endpoint/port`, `gateway/request`. */
    from: string;
  };
  /**
   * What the server can do or how it is set up, as its endpoint reports say
   * (each config entry's and port probe's latest report, from its owner's
   * latest scan), with the fix for each: most severe first, one per kind and
   * place, at most 32 of each owner's. Absent when no report names a risk. A
   * developer gets only the facts their own endpoints reported (at most 32).
   */
  risks?: FindingRiskFact[];
  /** Rules of the signature engine that fired, with how often. */
  rules?: Record<
    string,
    {
      name: string;
      severity: 'low' | 'medium' | 'high';
      tags: string[];
      count: number;
    }
  >;
}

/**
 * Every point of a finding's score with its reason in words.
 *
 * @public
 */
export interface ScoreBreakdown {
  score: number;
  classification: Classification;
  contributions: Array<{
    layer: Layer | 'registry' | 'floor' | 'risk';
    points: number;
    reason: string;
    /** A `risk` contribution: the kind of risk fact it counts (one line per kind). */
    riskKind?: RiskKind;
    /** A `risk` contribution an admin accepted on the approved entry: 0 points, and who and why. */
    acceptedRisk?: AcceptedRisk;
    /** The `endpoint` contribution of a finding no longer reported: since when (its risks no longer count). */
    noLongerReportedSince?: string;
  }>;
  /** Rules that fired: they tag and explain, they do not move the score. */
  rules: Array<{
    id: string;
    name: string;
    severity: string;
    tags: string[];
    count: number;
    reason: string;
  }>;
  tags: string[];
  /**
   * Set when no agent reports the server any more: every config entry of it
   * was missing from its owner's later scan of the host (removed, or changed
   * so that it is another server now) and nothing else saw it since. Its
   * risk facts no longer count; it leaves the default lists (`gone=include`
   * takes it too). See docs/scoring.md, "No longer reported".
   */
  noLongerReported?: NoLongerReported;
  /**
   * The most severe risk that counts (not accepted on its registry entry):
   * what the findings list's `minRisk` filter compares. Absent when none does.
   */
  riskLevel?: RiskSeverity;
  /**
   * The server matches an approved entry, but its tools differ from the set
   * pinned at approval: the registry discount is withheld until an admin
   * approves it again.
   */
  toolChange?: ToolSetChange & {
    entryId: string;
    entryName: string;
    /** When the compared set was pinned (ISO 8601). */
    pinnedAt: string;
  };
}

/**
 * Where a finding stands with the registry: no approved entry matches it; one
 * does; one does, but the server's tools changed since it was approved (the
 * discount is withheld until an admin approves again).
 *
 * @public
 */
export type FindingRegistryStatus =
  | 'unregistered'
  | 'approved'
  | 'tools-changed';

/** @public */
export const FINDING_REGISTRY_STATUSES: readonly FindingRegistryStatus[] = [
  'unregistered',
  'approved',
  'tools-changed',
];

/**
 * Registry statuses of a finding no approved entry stands for: nothing
 * approved matches it, or one does but the server's tools changed since (its
 * approval is withheld).
 *
 * @public
 */
export const NOT_APPROVED_STATUSES: readonly FindingRegistryStatus[] = [
  'unregistered',
  'tools-changed',
];

/**
 * Unregistered high-risk: no approved entry stands for the finding
 * (`NOT_APPROVED_STATUSES`), and it is unauthorized (score 9 or more) or its
 * most severe risk that counts is high (`breakdown.riskLevel`, as the
 * findings list's `minRisk=high`). A suspect server holding a pasted token is
 * one. What the Dashboard's card counts and the findings list's
 * `highRisk=unregistered` selects; the stores filter on the same columns.
 *
 * @public
 */
export function isUnregisteredHighRisk(
  finding: Pick<Finding, 'registryStatus' | 'classification' | 'breakdown'>,
): boolean {
  return (
    NOT_APPROVED_STATUSES.includes(finding.registryStatus) &&
    (finding.classification === 'unauthorized' ||
      finding.breakdown.riskLevel === 'high')
  );
}

/**
 * Whether a finding is judged not to be an MCP server: all its evidence is
 * LLM-gateway requests, and the Judge's verdict on them (the most confident
 * one, `signals.judge`) is `not-mcp` — an application's own function tools,
 * say. Such a finding is kept with its events, but it is no MCP server
 * found: the findings list, the Dashboard's counts, the catalog and the
 * alerts leave it out (`notMcp=include` or `only` lists it), and nobody is
 * offered to register it. Anything else that saw it (an agent, the network)
 * makes it a server again, and so does a verdict of `mcp` or `uncertain`
 * more confident than the `not-mcp` one. The one place this is decided: the
 * stores' `not_mcp` column and the portal read it. See docs/scoring.md,
 * "Judged not an MCP server".
 *
 * @public
 */
export function judgedNotMcp(finding: {
  signals: Pick<Signals, 'counts' | 'judge'>;
}): boolean {
  const { counts, judge } = finding.signals;
  return (
    judge?.verdict === 'not-mcp' &&
    counts.gateway !== undefined &&
    Object.keys(counts).every(layer => layer === 'gateway')
  );
}

/**
 * The findings list's `notMcp` filter: findings judged not to be an MCP
 * server (`judgedNotMcp`) left out (the default), taken too, or the only
 * ones.
 *
 * @public
 */
export const NOT_MCP_FILTERS = ['exclude', 'include', 'only'] as const;
/** @public */
export type NotMcpFilter = (typeof NOT_MCP_FILTERS)[number];

/**
 * The findings list's `highRisk` filter: `unregistered` selects the
 * unregistered high-risk findings (`isUnregisteredHighRisk`).
 *
 * @public
 */
export const HIGH_RISK_FILTERS = ['unregistered'] as const;
/** @public */
export type HighRiskFilter = (typeof HIGH_RISK_FILTERS)[number];

/**
 * The longest search (`q`) of the findings list the backend takes; the
 * list's search box stops there.
 *
 * @public
 */
export const FINDING_SEARCH_MAX_LENGTH = 200;

/**
 * One MCP server as analysts see it: what the backend stores and the API
 * returns.
 *
 * @public
 */
export interface Finding {
  compositeId: string;
  serverName?: string;
  hostIdHash?: string;
  /** Whose server it is, as shown: the latest endpoint report's owner (else a gateway caller's). */
  owner?: string;
  /** Everyone whose evidence it holds: each of them may see it (their own evidence only). */
  owners: string[];
  score: number;
  classification: Classification;
  layers: Layer[];
  breakdown: ScoreBreakdown;
  signals: Signals;
  registryStatus: FindingRegistryStatus;
  /** Owner of the approved registry entry it matches: they may see it too. */
  registryOwner?: string;
  judgeUnavailable: boolean;
  firstSeen: string;
  lastSeen: string;
  /**
   * How a stdio server is started, as SHA-256 (hex) of the `commandSignature`
   * of its latest config entry or process: what a `command` suppression
   * matches.
   */
  commandSignatureHash?: string;
  /** Its status, assignee, latest verdict and suppression (`{ status: 'open' }` when nobody triaged it). */
  triage: FindingTriage;
}

/**
 * When a finding was last reported, and the scan that no longer named it.
 *
 * @public
 */
export interface NoLongerReported {
  /** Its latest config report: "No longer reported since …". */
  since: string;
  /** The later scan of its host that did not name it. */
  missingFrom: string;
}

/**
 * What a finding no longer reported says, in words, each instant as `at`
 * writes it: a page passes its reader's time (the instants are UTC, whose
 * date is the day before or after for many readers).
 *
 * @public
 */
export const noLongerReportedWords = (
  n: NoLongerReported,
  at: (iso: string) => string,
) =>
  `No longer reported since ${at(
    n.since,
  )}: removed or changed on its last scan (${at(n.missingFrom)})`;

/**
 * Events of one finding and layer within one dedup window.
 *
 * @public
 */
export interface Detection {
  layer: Layer;
  windowStart: string;
  eventCount: number;
  firstSeen: string;
  lastSeen: string;
}

/**
 * A finding with what stands behind it, as `GET /findings/:id` returns it:
 * its evidence by layer (each piece once, at its latest report; a developer
 * gets their own only) and its detections.
 *
 * @public
 */
export interface FindingDetail extends Finding {
  evidence: Record<Layer, McpEvent[]>;
  detections: Detection[];
  /** When its tools changed since approval: the change in plain words, by the Judge or the offline judge. */
  toolChangeExplanation?: { text: string; judgedBy: 'claude' | 'offline' };
}
