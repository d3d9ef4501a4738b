import { z } from 'zod';
import type { Layer } from '../events/schema';
import { COMPOSITE_ID_PATTERN } from '../identity/compositeId';
import { GROUP_REF_PATTERN, USER_REF_PATTERN } from '../identity/entityRefs';
import { daysAheadProblem } from '../registry/registry';
import type { Classification } from './finding';

/**
 * What an analyst says of a finding: it is an MCP server that matters
 * (true positive), it is not (false positive), or they cannot tell.
 *
 * @public
 */
export type FeedbackVerdict =
  | 'true-positive'
  | 'false-positive'
  | 'inconclusive';

/** @public */
export const FEEDBACK_VERDICTS: readonly [
  FeedbackVerdict,
  ...FeedbackVerdict[],
] = ['true-positive', 'false-positive', 'inconclusive'];

/** The longest note one piece of feedback carries. @public */
export const MAX_FEEDBACK_NOTE_LENGTH = 4096;

/** The most tags one piece of feedback carries. @public */
export const MAX_FEEDBACK_TAGS = 20;

/** The longest reason a suppression (or its revocation) carries. @public */
export const MAX_SUPPRESSION_REASON_LENGTH = 1024;

/** The longest a suppression may last, from now. @public */
export const MAX_SUPPRESSION_DAYS = 365;

/**
 * One analyst's word on a finding, as recorded: who said it, and when.
 *
 * @public
 */
export interface FindingFeedback {
  id: string;
  compositeId: string;
  verdict: FeedbackVerdict;
  note?: string;
  tags: string[];
  /** The user entity ref of who gave it. */
  author: string;
  createdAt: string;
}

/**
 * Where an analyst's work on a finding stands.
 *
 * @public
 */
export type TriageStatus = 'open' | 'investigating' | 'resolved';

/** @public */
export const TRIAGE_STATUSES: readonly [TriageStatus, ...TriageStatus[]] = [
  'open',
  'investigating',
  'resolved',
];

/**
 * What a suppression matches: one finding; a server name on the endpoints of
 * one team (every owner of the finding a member of the team, or the team
 * itself); or a stdio command wherever it runs (the SHA-256 of its
 * `commandSignature`).
 *
 * @public
 */
export type SuppressionScope = 'finding' | 'server-on-team' | 'command';

/** @public */
export const SUPPRESSION_SCOPES: readonly [
  SuppressionScope,
  ...SuppressionScope[],
] = ['finding', 'server-on-team', 'command'];

/**
 * A pattern of findings left out of the default views: they are still
 * detected, scored and stored, and listed with `suppressed=include`.
 *
 * @public
 */
export interface Suppression {
  id: string;
  scope: SuppressionScope;
  /** Scope `finding`. */
  compositeId?: string;
  /** Scope `server-on-team`. */
  serverName?: string;
  /** Scope `server-on-team`: a group entity ref. */
  team?: string;
  /** Scope `command`: SHA-256 (hex) of the stdio command's `commandSignature`. */
  commandSignatureHash?: string;
  /** What it suppresses, in words: "filesystem on group:default/platform". */
  label: string;
  reason: string;
  expiresAt?: string;
  createdBy: string;
  createdAt: string;
  /** The finding whose feedback made it, when feedback did. */
  fromFinding?: string;
  revokedAt?: string;
  revokedBy?: string;
  revokeReason?: string;
  /** Neither revoked nor expired. */
  active: boolean;
}

/**
 * A finding's triage: its status and assignee, the latest feedback verdict,
 * and the active suppression that hides it, if one does.
 *
 * @public
 */
export interface FindingTriage {
  status: TriageStatus;
  /** A user entity ref. */
  assignee?: string;
  /** The latest feedback verdict. */
  verdict?: FeedbackVerdict;
  suppression?: {
    id: string;
    scope: SuppressionScope;
    label: string;
    reason: string;
    expiresAt?: string;
  };
}

/** The triage of a finding nobody has triaged. @public */
export const UNTRIAGED: FindingTriage = { status: 'open' };

/** @public */
export type TimelineKind =
  | 'first-seen'
  | 'evidence'
  | 'score'
  | 'registry'
  | 'tools'
  | 'feedback'
  | 'triage'
  | 'suppression';

/**
 * One moment in a finding's history, from what is stored: evidence, score
 * changes, registry decisions, feedback, triage and suppressions.
 *
 * @public
 */
export interface TimelineEntry {
  at: string;
  kind: TimelineKind;
  /** One sentence a person reads, without its closing full stop (`asSentence` adds it). */
  summary: string;
  /** Who did it (a user entity ref), for what people did. */
  actor?: string;
  layer?: Layer;
  /** The score from then on (kind `score`). */
  score?: number;
  classification?: Classification;
  /**
   * The instants its summary names, each as written there (ISO 8601): a
   * page shows them in the reader's time, as it shows `at`.
   */
  times?: string[];
  /** What a `triage` entry changed: the status, the assignee, or both. */
  changed?: Array<'status' | 'assignee'>;
}

/** What `GET /findings/:id/timeline` returns. @public */
export interface FindingTimeline {
  /** Oldest first. */
  items: TimelineEntry[];
  /** Detection windows not listed (only the most recent ones are, beside each layer's first). */
  detectionsLeftOut: number;
}

const userRef = z
  .string()
  .regex(
    USER_REF_PATTERN,
    'must be a user entity ref such as user:default/sam',
  );
const groupRef = z
  .string()
  .regex(
    GROUP_REF_PATTERN,
    'must be a group entity ref such as group:default/team-a',
  );
const reason = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(
    MAX_SUPPRESSION_REASON_LENGTH,
    `must be at most ${MAX_SUPPRESSION_REASON_LENGTH} characters`,
  );
const expiresAt = z.iso.datetime({ offset: true });

/** `POST /findings/:id/feedback`. @public */
export const feedbackCreateSchema = z
  .object({
    verdict: z.enum(FEEDBACK_VERDICTS),
    note: z
      .string()
      .trim()
      .max(
        MAX_FEEDBACK_NOTE_LENGTH,
        `must be at most ${MAX_FEEDBACK_NOTE_LENGTH} characters`,
      )
      .optional(),
    tags: z
      .array(
        z
          .string()
          .regex(
            /^[a-z0-9-]{1,64}$/,
            'must be 1–64 characters of a-z, 0-9 and -',
          ),
      )
      .max(MAX_FEEDBACK_TAGS, `must hold at most ${MAX_FEEDBACK_TAGS} tags`)
      .optional(),
    /** Suppress the pattern too (false positives only). */
    suppress: z
      .object({
        scope: z.enum(SUPPRESSION_SCOPES),
        reason,
        expiresAt: expiresAt.optional(),
        /** The team, for scope `server-on-team`. */
        team: groupRef.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
/** @public */
export type FeedbackCreate = z.infer<typeof feedbackCreateSchema>;

/** `PATCH /findings/:id/triage`. @public */
export const triageUpdateSchema = z
  .object({
    status: z.enum(TRIAGE_STATUSES).optional(),
    /** A user entity ref, or null to unassign. */
    assignee: userRef.nullable().optional(),
  })
  .strict()
  .refine(u => u.status !== undefined || u.assignee !== undefined, {
    message: 'nothing to change: give status or assignee',
  });
/** @public */
export type TriageUpdate = z.infer<typeof triageUpdateSchema>;

/** `POST /suppressions`: the fields of its scope, and no others. @public */
export const suppressionCreateSchema = z
  .object({
    scope: z.enum(SUPPRESSION_SCOPES),
    compositeId: z
      .string()
      .regex(COMPOSITE_ID_PATTERN, 'must be a composite id (mcp_ + 32 hex)')
      .optional(),
    serverName: z.string().trim().min(1).max(256).optional(),
    team: groupRef.optional(),
    commandSignatureHash: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 (64 lowercase hex)')
      .optional(),
    reason,
    expiresAt: expiresAt.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const needs: Record<SuppressionScope, Array<keyof typeof s>> = {
      finding: ['compositeId'],
      'server-on-team': ['serverName', 'team'],
      command: ['commandSignatureHash'],
    };
    for (const field of needs[s.scope])
      if (s[field] === undefined)
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `is required for scope ${s.scope}`,
        });
    for (const field of Object.values(needs).flat())
      if (s[field] !== undefined && !needs[s.scope].includes(field))
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `is not used by scope ${s.scope}`,
        });
  });
/** @public */
export type SuppressionCreate = z.infer<typeof suppressionCreateSchema>;

/** `DELETE /suppressions/:id`. @public */
export const suppressionRevokeSchema = z
  .object({
    reason: z
      .string()
      .trim()
      .max(
        MAX_SUPPRESSION_REASON_LENGTH,
        `must be at most ${MAX_SUPPRESSION_REASON_LENGTH} characters`,
      )
      .optional(),
  })
  .strict();

/** Why a suppression's expiry is refused, or undefined when it is fine. @public */
export function suppressionExpiryProblem(
  date: string,
  now = new Date(),
): string | undefined {
  return daysAheadProblem(date, MAX_SUPPRESSION_DAYS, now);
}
