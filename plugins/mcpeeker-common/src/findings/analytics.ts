import type { Classification } from './finding';

/**
 * The Dashboard's numbers, as `GET /analytics/summary` answers; a developer's
 * are of their own findings only.
 *
 * @public
 */
export interface AnalyticsSummary {
  totalFindings: number;
  byClassification: Record<Classification, number>;
  /** Distinct hosts seen in the last 24 hours. */
  activeHosts: number;
  /** Unauthorized and not approved in the registry. */
  unregisteredHighRisk: number;
  /** First seen in the last 7 days. */
  newThisWeek: number;
  /** Suspect or unauthorized, and nobody has triaged it yet: no feedback verdict, status open. */
  feedbackBacklog: number;
  generatedAt: string;
}

/**
 * The score from which findings are counted together in one bucket
 * (`orMore: true`) of the score distribution.
 *
 * @public
 */
export const SCORE_DISTRIBUTION_CAP = 20;

/**
 * How many findings have each score, as `GET /analytics/score-distribution`
 * answers.
 *
 * @public
 */
export interface ScoreDistribution {
  buckets: Array<{
    score: number;
    count: number;
    classification: Classification;
    /** This bucket counts every score from `score` up. */
    orMore?: boolean;
  }>;
}

/** @public */
export type TrendBucket = 'hour' | 'day' | 'week';

/** @public */
export const TREND_BUCKETS: readonly [TrendBucket, ...TrendBucket[]] = [
  'hour',
  'day',
  'week',
];

/**
 * The longest range, in days, a trendline covers per bucket: 14 days of
 * hours, 366 of days, 5 years of weeks.
 *
 * @public
 */
export const TRENDLINE_MAX_DAYS: Record<TrendBucket, number> = {
  hour: 14,
  day: 366,
  week: 1827,
};

/**
 * Findings seen per time bucket and classification, as
 * `GET /analytics/trendlines` answers: buckets in UTC, weeks from Monday;
 * `since` is the start of the first bucket, `until` the end of the last.
 *
 * @public
 */
export interface Trendlines {
  bucket: TrendBucket;
  since: string;
  until: string;
  points: Array<{
    start: string;
    authorized: number;
    suspect: number;
    unauthorized: number;
  }>;
}
