/**
 * The audit log as the API returns it: `GET /audit` rows and what
 * `GET /audit/verify` found.
 */

/** One row of the audit log. @public */
export interface AuditLogRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entryId?: string;
  /**
   * The name of the registry entry the row is about (its name when it was
   * registered), for every registry action, not only the registration.
   */
  entryName?: string;
  details: Record<string, unknown>;
}

/** What checking the audit chain found. @public */
export type AuditVerification =
  | { ok: true; rows: number }
  | {
      ok: false;
      rows: number;
      /** The first row that was edited, or the position where rows were removed. */
      firstBadSeq: number;
      problem: 'edited' | 'removed';
      message: string;
    };

/**
 * What an audit row is about: a registry entry, a suppression, a finding
 * (its feedback and triage), an enrolled agent or an agent enrolment. The
 * row's `entryId` is that thing's id.
 *
 * @public
 */
export type AuditSubjectKind =
  | 'registry-entry'
  | 'suppression'
  | 'finding'
  | 'agent'
  | 'agent-enrolment';

/**
 * Each action the audit log records, in the words the portal uses for it
 * (its buttons' verbs: an admin "Lifts" a suppression, so the log says
 * "lifted"), and what it acts on. The one words map for audited actions:
 * the audit log and a finding's timeline both say them so.
 *
 * @public
 */
export const AUDIT_ACTIONS = {
  create: { done: 'registered', subject: 'registry-entry' },
  update: { done: 'edited', subject: 'registry-entry' },
  approve: { done: 'approved', subject: 'registry-entry' },
  deny: { done: 'denied', subject: 'registry-entry' },
  revoke: { done: 'revoked', subject: 'registry-entry' },
  renew: { done: 'renewed', subject: 'registry-entry' },
  'request-renewal': {
    done: 'sent back for approval to be renewed',
    subject: 'registry-entry',
  },
  withdraw: { done: 'withdrawn', subject: 'registry-entry' },
  delete: { done: 'deleted', subject: 'registry-entry' },
  expire: { done: 'expired', subject: 'registry-entry' },
  // Its owner's "Update registration to this server" (POST
  // /registry/:id/identity): the timeline says it as a move, so does the log.
  'update-identity': {
    done: 'moved to the server it runs now',
    subject: 'registry-entry',
  },
  'pin-tools': { done: 'tools pinned', subject: 'registry-entry' },
  'accept-risk': { done: 'risk accepted', subject: 'registry-entry' },
  'withdraw-risk': {
    done: 'risk acceptance withdrawn',
    subject: 'registry-entry',
  },
  feedback: { done: 'feedback given', subject: 'finding' },
  'triage-update': { done: 'triage changed', subject: 'finding' },
  'suppression-create': { done: 'suppressed', subject: 'suppression' },
  'suppression-revoke': { done: 'lifted', subject: 'suppression' },
  'suppression-expire': { done: 'expired', subject: 'suppression' },
  'agent-enrol': { done: 'enrolled', subject: 'agent' },
  'agent-revoke': { done: 'revoked', subject: 'agent' },
  'agent-enrolment-create': {
    done: 'enrolment secret made',
    subject: 'agent-enrolment',
  },
  'agent-enrolment-revoke': {
    done: 'enrolment secret revoked',
    subject: 'agent-enrolment',
  },
} as const satisfies Record<
  string,
  { done: string; subject: AuditSubjectKind }
>;

/** An action the audit log records. @public */
export type AuditAction = keyof typeof AUDIT_ACTIONS;

/** Whether `action` is one the portal has words for. @public */
export function isAuditAction(action: string): action is AuditAction {
  return Object.prototype.hasOwnProperty.call(AUDIT_ACTIONS, action);
}

/**
 * An audited action in words ("lifted" for `suppression-revoke`); one the
 * portal does not know yet, as its name with spaces.
 *
 * @public
 */
export function auditActionInWords(action: string): string {
  return isAuditAction(action)
    ? AUDIT_ACTIONS[action].done
    : action.replace(/-/g, ' ');
}
