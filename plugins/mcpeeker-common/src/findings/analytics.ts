import type { Classification } from './finding';

/**
 * The Dashboard's numbers, as `GET /analytics/summary` answers; a developer's
 * are of their own findings only. Suppressed findings are left out (as of
 * the score distribution and the trendlines, and of the findings list by
 * default). Each
 * number but `activeHosts` is the total of the findings list filtered by
 * `summaryFindingsQuery`.
 *
 * @public
 */
export interface AnalyticsSummary {
  /** Whose findings are counted: the fleet's (analysts, admins) or the caller's own (developers: their endpoints and their approved entries). */
  scope: 'all' | 'own';
  totalFindings: number;
  byClassification: Record<Classification, number>;
  /** Distinct hosts with a finding seen since `activeSince`. */
  activeHosts: number;
  /** 24 hours before `generatedAt`. */
  activeSince: string;
  /** Not approved, and unauthorized or holding a high risk: `isUnregisteredHighRisk`. */
  unregisteredHighRisk: number;
  /** First seen since `newSince`. */
  newThisWeek: number;
  /** 7 days before `generatedAt`. */
  newSince: string;
  /**
   * Suspect or unauthorized, and nobody has triaged it yet: no feedback
   * verdict, status open. Only for those who may give feedback
   * (`mcpeeker.feedback.create`): absent for the others.
   */
  feedbackBacklog?: number;
  /**
   * The findings in scope the numbers above leave out, as the findings list
   * does by default: suppressed, no longer reported, or judged not an MCP
   * server (`judgedNotMcp`). One that is several counts once in `total`. So the Dashboard can tell "nothing found yet"
   * from "nothing left to show"; the list shows them with
   * `hiddenFindingsQuery`.
   */
  hiddenFindings: {
    total: number;
    suppressed: number;
    noLongerReported: number;
    /** Judged not to be an MCP server (`judgedNotMcp`): gateway requests the Judge says are no MCP server's. */
    notMcp: number;
  };
  generatedAt: string;
}

/**
 * A query of the findings list, as `GET /findings` and the Findings page's
 * URL take it: `{ classification: 'suspect,unauthorized', status: 'open' }`.
 *
 * @public
 */
export type FindingListParams = Record<string, string>;

/** The summary's numbers that lead to findings. @public */
export type SummaryNumber =
  | 'totalFindings'
  | Classification
  | 'activeHosts'
  | 'unregisteredHighRisk'
  | 'newThisWeek'
  | 'feedbackBacklog';

/** A summary number's value; undefined for a number the summary leaves out (`feedbackBacklog`). @public */
export function summaryValue(
  summary: AnalyticsSummary,
  number: SummaryNumber,
): number | undefined {
  switch (number) {
    case 'authorized':
    case 'suspect':
    case 'unauthorized':
      return summary.byClassification[number];
    default:
      return summary[number];
  }
}

/**
 * The findings list's query selecting exactly the findings a summary number
 * counts, in the same scope (the list narrows a developer's the same way and
 * leaves suppressed findings out by default): its total is the number. For
 * `activeHosts`, which counts hosts, the findings seen on them since
 * `activeSince`.
 *
 * @public
 */
export function summaryFindingsQuery(
  summary: Pick<AnalyticsSummary, 'activeSince' | 'newSince'>,
  number: SummaryNumber,
): FindingListParams {
  switch (number) {
    case 'totalFindings':
      return {};
    case 'authorized':
    case 'suspect':
    case 'unauthorized':
      return { classification: number };
    case 'activeHosts':
      return { since: summary.activeSince };
    case 'unregisteredHighRisk':
      return { highRisk: 'unregistered' };
    case 'newThisWeek':
      return { firstSeenFrom: summary.newSince };
    case 'feedbackBacklog':
      return {
        classification: 'suspect,unauthorized',
        status: 'open',
        verdict: 'none',
      };
    default:
      return {};
  }
}

/**
 * The findings list's query that shows, besides the findings the summary
 * counts, those it leaves out (`hiddenFindings`): suppressed ones, those
 * no longer reported and those judged not an MCP server. Where the summary
 * counts none, exactly the hidden ones.
 *
 * @public
 */
export function hiddenFindingsQuery(): FindingListParams {
  return { suppressed: 'include', gone: 'include', notMcp: 'include' };
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
 * answers: suppressed findings left out, as of the summary.
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

/** Each trend bucket's length in milliseconds. @public */
export const TREND_BUCKET_MS: Record<TrendBucket, number> = {
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
};

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
 * Suppressed findings are left out, as of the summary.
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

/**
 * The findings list's query selecting exactly the findings a score bucket
 * counts: its score (and up, for `orMore`); suppressed ones are left out of
 * both.
 *
 * @public
 */
export function scoreFindingsQuery(
  bucket: Pick<ScoreDistribution['buckets'][number], 'score' | 'orMore'>,
): FindingListParams {
  return {
    minScore: String(bucket.score),
    ...(bucket.orMore ? {} : { maxScore: String(bucket.score) }),
  };
}

/**
 * The findings list's query selecting exactly the findings a trendline counts
 * for a classification: those of that (current) classification with a
 * detection starting in the bucket from `start` — or, without `start`,
 * anywhere in the trendline's range; suppressed ones are left out of both.
 * `detectedTo` is inclusive: the last millisecond before the next bucket.
 *
 * @public
 */
export function trendFindingsQuery(
  trend: Pick<Trendlines, 'bucket' | 'since' | 'until'>,
  classification: Classification,
  start?: string,
): FindingListParams {
  const from = start ?? trend.since;
  const to = start
    ? Date.parse(start) + TREND_BUCKET_MS[trend.bucket]
    : Date.parse(trend.until);
  return {
    classification,
    detectedFrom: new Date(Date.parse(from)).toISOString(),
    detectedTo: new Date(to - 1).toISOString(),
  };
}
