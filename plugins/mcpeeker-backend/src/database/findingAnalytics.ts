import {
  AnalyticsSummary,
  Classification,
  CLASSIFICATIONS,
  SCORE_DISTRIBUTION_CAP,
  ScoreDistribution,
  TREND_BUCKET_MS,
  TrendBucket,
  Trendlines,
} from '@mcpeeker/plugin-mcpeeker-common';
import { classify } from '../services/correlation/scoring';
import type { FindingFilter } from './FindingStore';

/**
 * Whose findings the analytics count: everyone's, or only those these owner
 * refs may read (`FindingQuery.ownerRefs`, applied in the query).
 */
export interface AnalyticsScope {
  ownerRefs?: string[];
}

/** A trendline asked of a store: the route has checked the range. */
export interface TrendQuery extends AnalyticsScope {
  bucket: TrendBucket;
  since: Date;
  until: Date;
}

/**
 * The findings the Dashboard counts — the summary, the score distribution
 * and the trendlines alike: suppressed ones, those no longer reported and
 * those judged not an MCP server are left out, as the findings list leaves
 * them out by default, so each number, bar and point is the
 * total of the list its link opens.
 */
export const DASHBOARD_FINDINGS: FindingFilter = {
  suppressed: 'exclude',
  gone: 'exclude',
  notMcp: 'exclude',
};

/** What the summary counts besides the totals. */
export interface SummaryOptions {
  /** The feedback backlog: only for those who may give feedback. */
  feedbackBacklog: boolean;
}

/**
 * The findings each of the summary's filtered numbers counts (within
 * DASHBOARD_FINDINGS and the scope), as the findings list's filters: the
 * store's side of `summaryFindingsQuery` (common), which the Dashboard links
 * to. findingAnalytics.test.ts holds each number to the list's total on every
 * engine.
 */
export function summaryFilters(now: Date): {
  activeSince: Date;
  newSince: Date;
  unregisteredHighRisk: FindingFilter;
  newThisWeek: FindingFilter;
  feedbackBacklog: FindingFilter;
  /** The hidden findings (`hiddenFindings`): within the scope, not DASHBOARD_FINDINGS. */
  suppressed: FindingFilter;
  noLongerReported: FindingFilter;
  notMcp: FindingFilter;
} {
  const { activeSince, newSince } = summaryCutoffs(now);
  return {
    activeSince,
    newSince,
    unregisteredHighRisk: { ...DASHBOARD_FINDINGS, highRisk: 'unregistered' },
    newThisWeek: { ...DASHBOARD_FINDINGS, firstSeenFrom: newSince },
    feedbackBacklog: {
      ...DASHBOARD_FINDINGS,
      classification: ['suspect', 'unauthorized'],
      triageStatus: ['open'],
      verdict: ['none'],
    },
    suppressed: { suppressed: 'only' },
    noLongerReported: { gone: 'only' },
    notMcp: { notMcp: 'only' },
  };
}

const DAY = 86_400_000;

/** 1970-01-05, the first Monday after the epoch: weeks start on Mondays (as ClickHouse's toStartOfWeek mode 1). */
const FIRST_MONDAY = 4 * DAY;

/**
 * The buckets a trendline covers, in epoch milliseconds: from the bucket
 * holding `since` (`origin`) to the one holding the moment before `until`.
 * A detection belongs to the bucket its dedup window starts in: with the
 * 5-minute window, which divides an hour, that is where its events were
 * observed.
 */
export function trendRange(query: TrendQuery): {
  origin: number;
  size: number;
  count: number;
  end: number;
} {
  const size = TREND_BUCKET_MS[query.bucket];
  const offset = query.bucket === 'week' ? FIRST_MONDAY : 0;
  const origin =
    Math.floor((query.since.getTime() - offset) / size) * size + offset;
  const count = Math.max(1, Math.ceil((query.until.getTime() - origin) / size));
  return { origin, size, count, end: origin + count * size };
}

/** The trendline, every bucket present, from distinct findings per bucket (by index from the origin) and classification. */
export function toTrendlines(
  query: TrendQuery,
  rows: Array<{ index: number; classification: string; findings: number }>,
): Trendlines {
  const { origin, size, count, end } = trendRange(query);
  const points = Array.from({ length: count }, (_, i) => ({
    start: new Date(origin + i * size).toISOString(),
    authorized: 0,
    suspect: 0,
    unauthorized: 0,
  }));
  for (const row of rows) {
    const point = points[row.index];
    const classification = row.classification as Classification;
    if (point && CLASSIFICATIONS.includes(classification))
      point[classification] += row.findings;
  }
  return {
    bucket: query.bucket,
    since: new Date(origin).toISOString(),
    until: new Date(end).toISOString(),
    points,
  };
}

/** The distribution from counts per score (scores from the cap up already counted as the cap). */
export function toScoreDistribution(
  rows: Array<{ score: number; count: number }>,
): ScoreDistribution {
  return {
    buckets: [...rows]
      .sort((a, b) => a.score - b.score)
      .map(({ score, count }) => ({
        score,
        count,
        classification: classify(score),
        ...(score >= SCORE_DISTRIBUTION_CAP ? { orMore: true } : {}),
      })),
  };
}

/** Since when the summary counts a host active (24 h) and a finding new (7 days). */
export function summaryCutoffs(now: Date): {
  activeSince: Date;
  newSince: Date;
} {
  return {
    activeSince: new Date(now.getTime() - DAY),
    newSince: new Date(now.getTime() - 7 * DAY),
  };
}

/** The summary from what a store counted (numbers may come as strings from the driver). */
export function toSummary(
  scope: AnalyticsScope,
  counts: {
    total: unknown;
    authorized: unknown;
    suspect: unknown;
    unauthorized: unknown;
    activeHosts: unknown;
    unregisteredHighRisk: unknown;
    newThisWeek: unknown;
    /** Undefined when not counted. */
    feedbackBacklog?: unknown;
    /** Every finding in scope, those DASHBOARD_FINDINGS leaves out too. */
    inScope: unknown;
    suppressed: unknown;
    noLongerReported: unknown;
    notMcp: unknown;
  },
  now: Date,
): AnalyticsSummary {
  const n = (v: unknown) => Number(v ?? 0);
  const { activeSince, newSince } = summaryCutoffs(now);
  return {
    scope: scope.ownerRefs ? 'own' : 'all',
    totalFindings: n(counts.total),
    byClassification: {
      authorized: n(counts.authorized),
      suspect: n(counts.suspect),
      unauthorized: n(counts.unauthorized),
    },
    activeHosts: n(counts.activeHosts),
    activeSince: activeSince.toISOString(),
    unregisteredHighRisk: n(counts.unregisteredHighRisk),
    newThisWeek: n(counts.newThisWeek),
    newSince: newSince.toISOString(),
    ...(counts.feedbackBacklog !== undefined
      ? { feedbackBacklog: n(counts.feedbackBacklog) }
      : {}),
    hiddenFindings: {
      total: n(counts.inScope) - n(counts.total),
      suppressed: n(counts.suppressed),
      noLongerReported: n(counts.noLongerReported),
      notMcp: n(counts.notMcp),
    },
    generatedAt: now.toISOString(),
  };
}
