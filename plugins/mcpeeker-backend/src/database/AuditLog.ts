import crypto from 'node:crypto';
import {
  AUDIT_ACTIONS,
  AuditLogRow,
  AuditVerification,
  canonicalJson,
  isAuditAction,
} from '@mcpeeker/plugin-mcpeeker-common';
import { Knex } from 'knex';

const TABLE = 'mcpeeker_audit';
const GENESIS = '0'.repeat(64);

export interface AuditRecord {
  actor: string;
  action: string;
  entryId?: string;
  details: Record<string, unknown>;
}

export type { AuditVerification } from '@mcpeeker/plugin-mcpeeker-common';

/**
 * The registry's append-only audit log. Each row's HMAC (a key only the
 * backend holds) covers its content and the previous row's HMAC, so editing or
 * removing a row breaks the chain from there on, and `verify` names the first
 * row that does not fit. Rows are numbered without gaps.
 */
export class AuditLog {
  constructor(private readonly key: string) {}

  private mac(prev: string, row: Omit<AuditRow, 'hmac' | 'prev_hmac'>) {
    return crypto
      .createHmac('sha256', this.key)
      .update(
        `${prev}\n${canonicalJson({
          seq: Number(row.seq),
          at: new Date(row.at).toISOString(),
          actor: row.actor,
          action: row.action,
          entry_id: row.entry_id ?? null,
          details: row.details,
        })}`,
      )
      .digest('hex');
  }

  /** Appends in the caller's transaction: the change and its record commit together. */
  async append(tx: Knex.Transaction, record: AuditRecord): Promise<void> {
    // One writer at a time on PostgreSQL, so two appends cannot take the same seq.
    if (tx.client.config.client === 'pg')
      await tx.raw('LOCK TABLE mcpeeker_audit IN EXCLUSIVE MODE');
    const last = await tx(TABLE).orderBy('seq', 'desc').first('seq', 'hmac');
    const row = {
      seq: last ? Number(last.seq) + 1 : 1,
      at: new Date(),
      actor: record.actor,
      action: record.action,
      entry_id: record.entryId ?? null,
      details: canonicalJson(record.details),
    };
    const prev = last?.hmac ?? GENESIS;
    await tx(TABLE).insert({
      ...row,
      prev_hmac: prev,
      hmac: this.mac(prev, row),
    });
  }

  async verify(db: Knex): Promise<AuditVerification> {
    let prev = GENESIS;
    let expectedSeq = 1;
    let rows = 0;
    const pageSize = 1000;
    for (;;) {
      const page: AuditRow[] = await db(TABLE)
        .where('seq', '>=', expectedSeq)
        .orderBy('seq')
        .limit(pageSize);
      for (const row of page) {
        rows++;
        const seq = Number(row.seq);
        if (seq !== expectedSeq || row.prev_hmac !== prev) {
          return {
            ok: false,
            rows,
            firstBadSeq: expectedSeq,
            problem: 'removed',
            message: `audit row ${expectedSeq} is missing: the log goes on at row ${seq}`,
          };
        }
        if (this.mac(prev, row) !== row.hmac) {
          return {
            ok: false,
            rows,
            firstBadSeq: seq,
            problem: 'edited',
            message: `audit row ${seq} was changed after it was written`,
          };
        }
        prev = row.hmac;
        expectedSeq++;
      }
      if (page.length < pageSize) return { ok: true, rows };
    }
  }

  /**
   * Rows, newest first, each registry row with its entry's name (from the
   * entry's registration row: the log names what it is about by itself, a
   * deleted entry too).
   */
  async list(
    db: Knex,
    filter: { entryId?: string; actor?: string; limit: number },
  ): Promise<AuditLogRow[]> {
    const q = db<AuditRow>(TABLE).orderBy('seq', 'desc').limit(filter.limit);
    if (filter.entryId) q.where('entry_id', filter.entryId);
    if (filter.actor) q.where('actor', filter.actor);
    const rows = await q;
    const entryIds = [
      ...new Set(
        rows
          .filter(
            r =>
              r.entry_id &&
              isAuditAction(r.action) &&
              AUDIT_ACTIONS[r.action].subject === 'registry-entry',
          )
          .map(r => r.entry_id!),
      ),
    ];
    const names = new Map<string, string>();
    if (entryIds.length > 0)
      for (const r of await db<AuditRow>(TABLE)
        .where('action', 'create')
        .whereIn('entry_id', entryIds)
        .select('entry_id', 'details')) {
        const name = (JSON.parse(r.details) as { name?: unknown }).name;
        if (r.entry_id && typeof name === 'string') names.set(r.entry_id, name);
      }
    return rows.map(r => ({
      seq: Number(r.seq),
      at: new Date(r.at).toISOString(),
      actor: r.actor,
      action: r.action,
      ...(r.entry_id ? { entryId: r.entry_id } : {}),
      ...(r.entry_id && names.has(r.entry_id)
        ? { entryName: names.get(r.entry_id) }
        : {}),
      details: JSON.parse(r.details),
    }));
  }
}

type AuditRow = {
  seq: number | string;
  at: Date | string;
  actor: string;
  action: string;
  entry_id: string | null;
  details: string;
  prev_hmac: string;
  hmac: string;
};
