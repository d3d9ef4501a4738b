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
