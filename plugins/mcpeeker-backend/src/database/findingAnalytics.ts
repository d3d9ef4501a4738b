import {
  AnalyticsSummary,
  Classification,
  CLASSIFICATIONS,
  FindingRegistryStatus,
  SCORE_DISTRIBUTION_CAP,
  ScoreDistribution,
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
 * The findings the summary counts: suppressed ones are left out of it (and
 * only of it: the distribution and the trendlines count every finding).
 */
export const SUMMARY_FINDINGS: FindingFilter = { suppressed: 'exclude' };

/** Of those, the feedback backlog: suspect or unauthorized, no verdict, status open. */
export const UNTRIAGED_FINDINGS: FindingFilter = {
  ...SUMMARY_FINDINGS,
  classification: ['suspect', 'unauthorized'],
  triageStatus: ['open'],
  verdict: ['none'],
};

/** Registry statuses of a finding no approved entry stands for. */
export const NOT_APPROVED: FindingRegistryStatus[] = [
  'unregistered',
  'tools-changed',
];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Each bucket's length in milliseconds. */
export const BUCKET_MS: Record<TrendBucket, number> = {
  hour: HOUR,
  day: DAY,
  week: 7 * DAY,
};

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
  const size = BUCKET_MS[query.bucket];
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
  counts: {
    total: unknown;
    authorized: unknown;
    suspect: unknown;
    unauthorized: unknown;
    activeHosts: unknown;
    unregisteredHighRisk: unknown;
    newThisWeek: unknown;
    feedbackBacklog: unknown;
  },
  now: Date,
): AnalyticsSummary {
  const n = (v: unknown) => Number(v ?? 0);
  return {
    totalFindings: n(counts.total),
    byClassification: {
      authorized: n(counts.authorized),
      suspect: n(counts.suspect),
      unauthorized: n(counts.unauthorized),
    },
    activeHosts: n(counts.activeHosts),
    unregisteredHighRisk: n(counts.unregisteredHighRisk),
    newThisWeek: n(counts.newThisWeek),
    feedbackBacklog: n(counts.feedbackBacklog),
    generatedAt: now.toISOString(),
  };
}
