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
  newThisWeek: number;
  feedbackBacklog: number;
  generatedAt: string;
}

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

/**
 * Findings seen per time bucket and classification, as
 * `GET /analytics/trendlines` answers.
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
