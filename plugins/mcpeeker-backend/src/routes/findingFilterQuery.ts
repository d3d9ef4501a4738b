import { InputError } from '@backstage/errors';
import {
  FEEDBACK_VERDICTS,
  FINDING_REGISTRY_STATUSES,
  FINDING_SEARCH_MAX_LENGTH,
  HIGH_RISK_FILTERS,
  hostIdHashSchema,
  NOT_MCP_FILTERS,
  RISK_SEVERITIES,
  TRIAGE_STATUSES,
  USER_REF_PATTERN,
} from '@mcpeeker/plugin-mcpeeker-common';
import { z } from 'zod';
import type { FindingFilter } from '../database/FindingStore';
import { checkRange } from './queryParameters';

const csv = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .transform(v => v.split(',').filter(Boolean))
    .pipe(z.array(z.enum(values)));

const instant = z.iso.datetime({ offset: true });

/**
 * What selects findings, as `GET /findings` and `GET /findings/export` take
 * it (the Findings page's URL too, and the Dashboard's links: see
 * `summaryFindingsQuery` in common).
 */
export const findingFilterSchema = z
  .object({
    classification: csv(['authorized', 'suspect', 'unauthorized']).optional(),
    minScore: z.coerce.number().int().optional(),
    maxScore: z.coerce.number().int().optional(),
    /** Findings with a risk of this severity or worse that counts (not accepted on their entry). */
    minRisk: z.enum(RISK_SEVERITIES).optional(),
    /** `unregistered`: not approved, and unauthorized or holding a high risk (`isUnregisteredHighRisk`). */
    highRisk: z.enum(HIGH_RISK_FILTERS).optional(),
    layer: z.enum(['endpoint', 'network', 'gateway']).optional(),
    host: hostIdHashSchema.optional(),
    registry: z.enum(FINDING_REGISTRY_STATUSES).optional(),
    /** Last seen at or after. */
    since: instant.optional(),
    /** Last seen at or before. */
    until: instant.optional(),
    firstSeenFrom: instant.optional(),
    firstSeenTo: instant.optional(),
    /** With a detection starting at or after… */
    detectedFrom: instant.optional(),
    /** …and at or before. */
    detectedTo: instant.optional(),
    q: z.string().max(FINDING_SEARCH_MAX_LENGTH).optional(),
    serverName: z.string().min(1).max(256).optional(),
    /** `unavailable`: scored without the Judge; `judged`: the others. */
    judge: z.enum(['unavailable', 'judged']).optional(),
    status: csv(TRIAGE_STATUSES).optional(),
    /** A user entity ref, or `none`: unassigned. */
    assignee: z
      .string()
      .refine(
        v => v === 'none' || USER_REF_PATTERN.test(v),
        'must be a user entity ref such as user:default/sam, or none',
      )
      .optional(),
    /** Findings no longer reported (removed or changed on their last scan): left out unless asked for. */
    gone: z.enum(['exclude', 'include', 'only']).default('exclude'),
    /** Findings judged not to be an MCP server (gateway requests the Judge says are no MCP server's): left out unless asked for. */
    notMcp: z.enum(NOT_MCP_FILTERS).default('exclude'),
    /** Findings an active suppression hides: left out unless asked for. */
    suppressed: z.enum(['exclude', 'include', 'only']).default('exclude'),
    /** The findings one suppression hides (with `suppressed=only`): what its count on the Suppressions page links to. */
    suppression: z.uuid('must be a suppression id').optional(),
    verdict: csv([...FEEDBACK_VERDICTS, 'none']).optional(),
  })
  .strict();

/** A time range's two ends, checked (`checkRange`): a 400 names them when the range is backwards. */
function rangeOf<K extends keyof z.infer<typeof findingFilterSchema>>(
  q: z.infer<typeof findingFilterSchema>,
  from: K,
  to: K,
): [Date | undefined, Date | undefined] {
  const start = q[from] ? new Date(String(q[from])) : undefined;
  const end = q[to] ? new Date(String(q[to])) : undefined;
  checkRange({ name: from, value: start }, { name: to, value: end });
  return [start, end];
}

/**
 * A parsed finding query's filters, as the store takes them (list and export
 * alike); a 400 for a range whose low end is above its high one.
 */
export function findingFilterOf(
  q: z.infer<typeof findingFilterSchema>,
): FindingFilter {
  const [since, until] = rangeOf(q, 'since', 'until');
  const [firstSeenFrom, firstSeenTo] = rangeOf(
    q,
    'firstSeenFrom',
    'firstSeenTo',
  );
  const [detectedFrom, detectedTo] = rangeOf(q, 'detectedFrom', 'detectedTo');
  checkRange(
    { name: 'minScore', value: q.minScore },
    { name: 'maxScore', value: q.maxScore },
  );
  // Its findings are hidden ones: left out by default, the filter would find none.
  if (q.suppression && q.suppressed === 'exclude')
    throw new InputError(
      'Invalid query: suppression selects hidden findings; give suppressed=only',
    );
  return {
    classification: q.classification,
    minScore: q.minScore,
    maxScore: q.maxScore,
    minRisk: q.minRisk,
    highRisk: q.highRisk,
    layer: q.layer,
    hostIdHash: q.host,
    registryStatus: q.registry,
    since,
    until,
    firstSeenFrom,
    firstSeenTo,
    detectedFrom,
    detectedTo,
    text: q.q,
    serverName: q.serverName,
    judgeUnavailable: q.judge ? q.judge === 'unavailable' : undefined,
    triageStatus: q.status,
    ...(q.assignee
      ? { assignee: q.assignee === 'none' ? null : q.assignee }
      : {}),
    gone: q.gone,
    notMcp: q.notMcp,
    suppressed: q.suppressed,
    suppressionId: q.suppression,
    verdict: q.verdict,
  };
}
