import {
  CLASSIFICATIONS,
  FEEDBACK_VERDICTS,
  FINDING_REGISTRY_STATUSES,
  HIGH_RISK_FILTERS,
  RISK_SEVERITIES,
  TRIAGE_STATUSES,
  USER_REF_PATTERN,
  type Classification,
  type FeedbackVerdict,
  type FindingRegistryStatus,
  type Layer,
  type TriageStatus,
} from '@mcpeeker/plugin-mcpeeker-common';
import type { FindingListQuery } from '../../api';
import { localTime } from '../LocalTime';
import { withParams } from '../pageQuery';

/**
 * What the Findings list is filtered and sorted by. It lives in the page's
 * query (`/mcpeeker/findings?classification=unauthorized&minScore=9`), so a
 * filtered list can be shared, bookmarked and linked to (the Dashboard does),
 * and back and forward step through the filters.
 */
export type FindingFilters = Pick<
  FindingListQuery,
  | 'classification'
  | 'minScore'
  | 'maxScore'
  | 'minRisk'
  | 'layer'
  | 'registry'
  | 'judge'
  | 'q'
  | 'since'
  | 'until'
  | 'firstSeenFrom'
  | 'firstSeenTo'
  | 'detectedFrom'
  | 'detectedTo'
  | 'highRisk'
  | 'serverName'
  | 'status'
  | 'verdict'
  | 'gone'
  | 'notMcp'
  | 'suppressed'
  | 'suppression'
  | 'sort'
> & {
  /**
   * A user entity ref, `none` (unassigned) or `me`: whoever opens the link,
   * so "assigned to me" is one bookmark for every analyst.
   */
  assignee?: string;
};

/** What a link from the list to a finding carries: the list's query, to lead back to it. */
export interface FindingLinkState {
  findingsSearch?: string;
}

/** The query parameters the list reads; any other (another page's) it leaves alone. */
export const FINDING_FILTER_PARAMS = [
  'classification',
  'minScore',
  'maxScore',
  'minRisk',
  'layer',
  'registry',
  'judge',
  'q',
  'since',
  'until',
  'firstSeenFrom',
  'firstSeenTo',
  'detectedFrom',
  'detectedTo',
  'highRisk',
  'serverName',
  'status',
  'assignee',
  'verdict',
  'gone',
  'notMcp',
  'suppressed',
  'suppression',
  'sort',
] as const satisfies ReadonlyArray<keyof FindingFilters>;

const LAYERS: readonly Layer[] = ['endpoint', 'network', 'gateway'];
const JUDGE = ['unavailable', 'judged'] as const;
const SORTS = ['score', 'lastSeen'] as const;
const SUPPRESSED = ['exclude', 'include', 'only'] as const;
const VERDICTS: ReadonlyArray<FeedbackVerdict | 'none'> = [
  ...FEEDBACK_VERDICTS,
  'none',
];
/** A suppression's id (a UUID), as the backend takes it. */
const SUPPRESSION_ID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** What the list takes for an assignee (the backend checks the ref again). */
const isAssignee = (value: string) =>
  value === 'me' || value === 'none' || USER_REF_PATTERN.test(value);

function oneOf<T extends string>(
  values: readonly T[],
  value: string | null,
): T | undefined {
  return values.find(v => v === value);
}

/** The known values of a comma list, each once; undefined when none is known. */
function listOf<T extends string>(
  values: readonly T[],
  value: string | null,
): T[] | undefined {
  const known = (value ?? '')
    .split(',')
    .map(v => oneOf(values, v))
    .filter((v): v is T => v !== undefined);
  return known.length ? [...new Set(known)] : undefined;
}

function integer(value: string | null): number | undefined {
  return value !== null && /^-?\d{1,3}$/.test(value)
    ? Number(value)
    : undefined;
}

function instant(value: string | null): string | undefined {
  if (!value) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/**
 * The filters a URL's query asks for. A value the list does not know (a
 * mistyped layer, a date that is none) is left out rather than sent on: the
 * list shows what it filters by, and nothing else.
 */
export function filtersFromParams(params: URLSearchParams): FindingFilters {
  const assignee = params.get('assignee');
  const gone = oneOf(SUPPRESSED, params.get('gone'));
  const notMcp = oneOf(SUPPRESSED, params.get('notMcp'));
  const suppressed = oneOf(SUPPRESSED, params.get('suppressed'));
  const suppression = params.get('suppression');
  const filters: FindingFilters = {
    classification: listOf<Classification>(
      CLASSIFICATIONS,
      params.get('classification'),
    ),
    minScore: integer(params.get('minScore')),
    maxScore: integer(params.get('maxScore')),
    minRisk: oneOf(RISK_SEVERITIES, params.get('minRisk')),
    layer: oneOf(LAYERS, params.get('layer')),
    registry: oneOf<FindingRegistryStatus>(
      FINDING_REGISTRY_STATUSES,
      params.get('registry'),
    ),
    judge: oneOf(JUDGE, params.get('judge')),
    q: params.get('q') || undefined,
    since: instant(params.get('since')),
    until: instant(params.get('until')),
    firstSeenFrom: instant(params.get('firstSeenFrom')),
    firstSeenTo: instant(params.get('firstSeenTo')),
    detectedFrom: instant(params.get('detectedFrom')),
    detectedTo: instant(params.get('detectedTo')),
    highRisk: oneOf(HIGH_RISK_FILTERS, params.get('highRisk')),
    serverName: params.get('serverName') || undefined,
    status: listOf<TriageStatus>(TRIAGE_STATUSES, params.get('status')),
    assignee: assignee && isAssignee(assignee) ? assignee : undefined,
    verdict: listOf(VERDICTS, params.get('verdict')),
    // Left out is the default: it needs no parameter.
    gone: gone === 'exclude' ? undefined : gone,
    notMcp: notMcp === 'exclude' ? undefined : notMcp,
    suppressed: suppressed === 'exclude' ? undefined : suppressed,
    // The findings one suppression hides: hidden ones, so only with suppressed findings shown.
    suppression:
      suppressed &&
      suppressed !== 'exclude' &&
      suppression &&
      SUPPRESSION_ID.test(suppression)
        ? suppression
        : undefined,
    sort: oneOf(SORTS, params.get('sort')),
  };
  return Object.fromEntries(
    Object.entries(filters).filter(([, v]) => v !== undefined),
  ) as FindingFilters;
}

const CLASSIFICATION_WORDS = `a classification (${CLASSIFICATIONS.join(', ')})`;
const INSTANT_WORDS = 'a date and time (such as 2026-01-31T09:00:00Z)';
const SCORE_WORDS = 'a whole number';

/** What each filter takes, in words: "not …" is why a value was ignored. */
const FILTER_TAKES: Record<(typeof FINDING_FILTER_PARAMS)[number], string> = {
  classification: CLASSIFICATION_WORDS,
  minScore: SCORE_WORDS,
  maxScore: SCORE_WORDS,
  minRisk: `a risk level (${RISK_SEVERITIES.join(', ')})`,
  layer: `a layer (${LAYERS.join(', ')})`,
  registry: `a registry status (${FINDING_REGISTRY_STATUSES.join(', ')})`,
  judge: `a Judge filter (${JUDGE.join(', ')})`,
  q: 'a search',
  since: INSTANT_WORDS,
  until: INSTANT_WORDS,
  firstSeenFrom: INSTANT_WORDS,
  firstSeenTo: INSTANT_WORDS,
  detectedFrom: INSTANT_WORDS,
  detectedTo: INSTANT_WORDS,
  highRisk: `a high-risk filter (${HIGH_RISK_FILTERS.join(', ')})`,
  serverName: 'a server name',
  status: `a triage status (${TRIAGE_STATUSES.join(', ')})`,
  assignee: 'a user ref (such as user:default/sam), me or none',
  verdict: `a verdict (${VERDICTS.join(', ')})`,
  gone: `a choice of ${SUPPRESSED.join(', ')}`,
  notMcp: `a choice of ${SUPPRESSED.join(', ')}`,
  suppressed: `a choice of ${SUPPRESSED.join(', ')}`,
  suppression: "a suppression's id",
  sort: `a sort (${SORTS.join(', ')})`,
};

/** The filters that take a comma list of values. */
const LIST_PARAMS: ReadonlySet<string> = new Set([
  'classification',
  'status',
  'verdict',
]);

/**
 * Parameters a link may hold that the list has no filter for, and why: the
 * backend takes no such filter (its query is strict, so the list does not
 * send it), and what the list holds instead.
 */
const NO_SUCH_FILTER = {
  // The findings the viewer may read, whatever owner a link names: nothing
  // of another's shows to a developer, who reads only their own.
  owner:
    'the list has no owner filter; it holds the findings your role lets you read (as a developer, only your own), and Search server or owner finds an owner among those',
} as const;

/** A filter of the URL the list could not read, and so does not filter by. */
export interface IgnoredFilter {
  param: (typeof FINDING_FILTER_PARAMS)[number] | keyof typeof NO_SUCH_FILTER;
  /** What the URL holds that was ignored (of a comma list, the unknown values). */
  value: string;
  /** "not a risk level (low, medium, high)". */
  reason: string;
}

/**
 * The filters of a URL's query `filtersFromParams` leaves out because it
 * cannot read them (`minRisk=critical`, `minScore=abc`), so the page can say
 * so rather than look filtered when it is not. A suppression without
 * suppressed findings shown, and `suppressed=exclude` or `gone=exclude` (the
 * defaults), are read: they just need no filter.
 */
export function ignoredFilters(params: URLSearchParams): IgnoredFilter[] {
  const filters: Record<string, unknown> = filtersFromParams(params);
  const ignored: IgnoredFilter[] = [];
  for (const param of FINDING_FILTER_PARAMS) {
    const raw = params.get(param);
    if (!raw) continue;
    const kept = filters[param];
    let value: string | undefined;
    if (LIST_PARAMS.has(param)) {
      const known = (kept as string[] | undefined) ?? [];
      const unknown = raw.split(',').filter(v => v && !known.includes(v));
      value = unknown.length ? unknown.join(',') : undefined;
    } else if (kept === undefined) {
      if (
        (param === 'suppressed' || param === 'gone' || param === 'notMcp') &&
        raw === 'exclude'
      )
        continue;
      if (param === 'suppression' && SUPPRESSION_ID.test(raw)) continue;
      value = raw;
    }
    if (value !== undefined)
      ignored.push({ param, value, reason: `not ${FILTER_TAKES[param]}` });
  }
  for (const [param, reason] of Object.entries(NO_SUCH_FILTER)) {
    const value = params.get(param);
    if (value)
      ignored.push({
        param: param as keyof typeof NO_SUCH_FILTER,
        value,
        reason,
      });
  }
  return ignored;
}

/**
 * `params` with these filters changed (`undefined` removes one), every other
 * parameter kept: filters another part of the page reads stay as they were.
 */
export function withFilters(
  params: URLSearchParams,
  change: Partial<FindingFilters>,
): URLSearchParams {
  return withParams(params, change);
}

/** The query of a link to the list filtered so (`classification=unauthorized&registry=unregistered`). */
export function findingsQuery(filters: FindingFilters): string {
  return withFilters(new URLSearchParams(), filters).toString();
}

/** A link to the list at `listUrl` filtered so (`others`: parameters of filters this file does not know). */
export function findingsHref(
  listUrl: string,
  filters: FindingFilters,
  others?: Record<string, string>,
): string {
  const query = withFilters(new URLSearchParams(others), filters).toString();
  return query ? `${listUrl}?${query}` : listUrl;
}

/** Whether anything narrows the list (the sort does not). */
export function isFiltered(filters: FindingFilters): boolean {
  return Object.keys(filters).some(key => key !== 'sort');
}

/** Every filter off, the sort and other parameters kept. */
export function withoutFilters(params: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const key of FINDING_FILTER_PARAMS) if (key !== 'sort') next.delete(key);
  for (const key of Object.keys(NO_SUCH_FILTER)) next.delete(key);
  return next;
}

/**
 * The backend's query for these filters: `assignee=me` becomes the viewer's
 * own ref; undefined until the viewer is known, when it is needed.
 */
export function withViewer(
  filters: FindingFilters,
  userRef: string | undefined,
): FindingFilters | undefined {
  if (filters.assignee !== 'me') return filters;
  return userRef ? { ...filters, assignee: userRef } : undefined;
}

/** "Score 7", "Score 5–8", "Score 9 or more", "Score up to 4". */
export function describeScoreRange(
  min: number | undefined,
  max: number | undefined,
): string | undefined {
  if (min !== undefined && max !== undefined)
    return min === max ? `Score ${min}` : `Score ${min}–${max}`;
  if (min !== undefined) return `Score ${min} or more`;
  if (max !== undefined) return `Score up to ${max}`;
  return undefined;
}

/**
 * "Last seen between … and …", "… since …", "… until …", in the reader's
 * time; `what` names the moment ("First seen", "Detected": a detection
 * starting then).
 */
export function describeSeenRange(
  since: string | undefined,
  until: string | undefined,
  what = 'Last seen',
): string | undefined {
  if (since && until)
    return `${what} between ${localTime(since)} and ${localTime(until)}`;
  if (since) return `${what} since ${localTime(since)}`;
  if (until) return `${what} until ${localTime(until)}`;
  return undefined;
}
