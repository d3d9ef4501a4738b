import crypto from 'node:crypto';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  canonicalJson,
  FeedbackVerdict,
  FindingFeedback,
  FindingTriage,
  sha256Hex,
  Suppression,
  suppressionExpiryProblem,
  SuppressionScope,
  TriageStatus,
} from '@mcpeeker/plugin-mcpeeker-common';
import { Knex } from 'knex';
import { AuditLog } from './AuditLog';
import type { RescoreTarget, TriageLookup } from './FindingStore';
import { chunks } from './queryHelpers';

const FEEDBACK = 'mcpeeker_feedback';
const STATES = 'mcpeeker_finding_triage';
const SUPPRESSIONS = 'mcpeeker_suppressions';

type FeedbackRow = {
  id: string;
  composite_id: string;
  verdict: FeedbackVerdict;
  note: string | null;
  tags: string;
  author: string;
  created_at: Date | string | number;
};

type StateRow = {
  composite_id: string;
  status: TriageStatus;
  assignee: string | null;
  verdict: FeedbackVerdict | null;
  updated_by: string;
  updated_at: Date | string | number;
};

type SuppressionRow = {
  id: string;
  scope: SuppressionScope;
  pattern_key: string;
  composite_id: string | null;
  server_name: string | null;
  team: string | null;
  team_members: string | null;
  command_signature_hash: string | null;
  label: string;
  reason: string;
  expires_at: Date | string | number | null;
  created_by: string;
  created_at: Date | string | number;
  from_finding: string | null;
  revoked_at: Date | string | number | null;
  revoked_by: string | null;
  revoke_reason: string | null;
  expiry_noted: boolean | number;
};

const iso = (d: Date | string | number) => new Date(d).toISOString();

/** A team's members as stored and compared: entity refs are case-insensitive. */
const membersText = (refs: string[]) =>
  JSON.stringify([...new Set(refs.map(r => r.toLowerCase()))].sort());

/** A suppression to make: its scope's pattern, why, until when. */
export interface SuppressionInput {
  scope: SuppressionScope;
  compositeId?: string;
  serverName?: string;
  team?: string;
  /** The team's members as the catalog says now (scope `server-on-team`). */
  teamMembers?: string[];
  commandSignatureHash?: string;
  reason: string;
  expiresAt?: string;
  /** The finding whose feedback makes it. */
  fromFinding?: string;
  /** The name of the server it is made from, for its label. */
  serverNameOfFinding?: string;
}

/** A suppression with the members its team had when last asked. */
type ActiveSuppression = Suppression & { members: Set<string> };

/** What a snapshot holds: the active suppressions, and the triage state of every finding someone triaged. */
interface Snapshot {
  suppressions: ActiveSuppression[];
  states: Map<string, StateRow>;
}

const EMPTY: Snapshot = { suppressions: [], states: new Map() };

/** Most specific first: one finding, then a command, then a server on a team. */
const SCOPE_RANK: Record<SuppressionScope, number> = {
  finding: 0,
  command: 1,
  'server-on-team': 2,
};

/** The findings a suppression matches, as `rescore` takes them. */
export function suppressionTargets(
  s: Pick<Suppression, 'scope' | 'compositeId' | 'serverName'> & {
    commandSignatureHash?: string;
  },
): RescoreTarget {
  if (s.scope === 'finding') return { compositeIds: [s.compositeId!] };
  if (s.scope === 'command')
    return { commandSignatureHashes: [s.commandSignatureHash!] };
  return { serverNames: [s.serverName!] };
}

/** Several targets as one. */
export function mergeTargets(targets: RescoreTarget[]): RescoreTarget {
  const union = (pick: (t: RescoreTarget) => string[] | undefined) =>
    [...new Set(targets.flatMap(t => pick(t) ?? []))].sort();
  return {
    compositeIds: union(t => t.compositeIds),
    serverNames: union(t => t.serverNames),
    commandSignatureHashes: union(t => t.commandSignatureHashes),
  };
}

const isEmptyTarget = (t: RescoreTarget) =>
  !t.compositeIds?.length &&
  !t.serverNames?.length &&
  !t.commandSignatureHashes?.length;

/** What a suppression suppresses, in words. */
function labelOf(input: SuppressionInput): string {
  switch (input.scope) {
    case 'finding':
      return input.serverNameOfFinding
        ? `${input.serverNameOfFinding} (${input.compositeId})`
        : `finding ${input.compositeId}`;
    case 'server-on-team':
      return `${input.serverName} on ${input.team}`;
    default: {
      const short = `sha256 ${input.commandSignatureHash!.slice(0, 12)}`;
      return input.serverNameOfFinding
        ? `the stdio command of ${input.serverNameOfFinding} (${short})`
        : `the stdio command ${short}`;
    }
  }
}

/** One key per pattern: two active suppressions of the same pattern are one too many. */
function patternKey(input: SuppressionInput): string {
  return sha256Hex(
    canonicalJson({
      scope: input.scope,
      compositeId: input.compositeId ?? null,
      serverName: input.serverName ?? null,
      team: input.team ?? null,
      commandSignatureHash: input.commandSignatureHash ?? null,
    }),
  );
}

function toFeedback(row: FeedbackRow): FindingFeedback {
  return {
    id: row.id,
    compositeId: row.composite_id,
    verdict: row.verdict,
    ...(row.note ? { note: row.note } : {}),
    tags: JSON.parse(row.tags),
    author: row.author,
    createdAt: iso(row.created_at),
  };
}

/**
 * Analyst triage in the Backstage database: feedback, each finding's status
 * and assignee, and suppressions. Every change is written with its audit row
 * in one transaction.
 *
 * It is also the correlator's `TriageLookup`: `match` reads a snapshot (the
 * active suppressions and the state of every triaged finding: human-scale)
 * read again after every change here and periodically for other replicas'.
 * Whenever the snapshot changes, the findings it changes for are rescored,
 * so the triage columns on finding rows (what lists filter on) follow —
 * whether the change was made here, on another replica, or by time (an
 * expired suppression no longer matches).
 */
export class TriageStore implements TriageLookup {
  private snapshot: Snapshot = EMPTY;
  /** What the findings were last rescored against: a failed rescore is tried again on the next refresh. */
  private settled: Snapshot = EMPTY;
  private refreshing: Promise<unknown> = Promise.resolve();
  private rescore?: (target: RescoreTarget) => Promise<unknown>;

  constructor(
    private readonly db: Knex,
    private readonly audit: AuditLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** How the findings a snapshot change touches are rescored (the finding store is built after this). */
  rescoreWith(rescore: (target: RescoreTarget) => Promise<unknown>): void {
    this.rescore = rescore;
  }

  /**
   * Reads the snapshot again, and rescores the findings whose triage it
   * changes. One refresh at a time, in order.
   */
  refresh(): Promise<void> {
    const next = this.refreshing.then(() => this.refreshNow());
    this.refreshing = next.catch(() => undefined);
    return next;
  }

  private async refreshNow(): Promise<void> {
    const now = this.now();
    const rows = await this.db<SuppressionRow>(SUPPRESSIONS)
      .whereNull('revoked_at')
      .where(q => q.whereNull('expires_at').orWhere('expires_at', '>', now))
      .orderBy([{ column: 'created_at' }, { column: 'id' }]);
    const states = new Map<string, StateRow>();
    for (const row of await this.db<StateRow>(STATES).where(q =>
      q
        .whereNot('status', 'open')
        .orWhereNotNull('assignee')
        .orWhereNotNull('verdict'),
    ))
      states.set(row.composite_id, row);
    const next: Snapshot = {
      suppressions: rows
        .map(row => ({
          ...this.toSuppression(row),
          members: new Set<string>(JSON.parse(row.team_members ?? '[]')),
        }))
        .sort(
          (a, b) =>
            SCOPE_RANK[a.scope] - SCOPE_RANK[b.scope] ||
            a.createdAt.localeCompare(b.createdAt) ||
            a.id.localeCompare(b.id),
        ),
      states,
    };
    this.snapshot = next;
    const target = this.changedBetween(this.settled, next);
    if (!isEmptyTarget(target) && this.rescore) await this.rescore(target);
    this.settled = next;
  }

  /** The findings whose triage may differ between two snapshots. */
  private changedBetween(before: Snapshot, after: Snapshot): RescoreTarget {
    const targets: RescoreTarget[] = [];
    const key = (s: ActiveSuppression) =>
      `${s.id}|${[...s.members].sort().join(',')}|${s.expiresAt ?? ''}`;
    const was = new Map(before.suppressions.map(s => [s.id, key(s)]));
    const is = new Map(after.suppressions.map(s => [s.id, key(s)]));
    for (const s of [...before.suppressions, ...after.suppressions])
      if (was.get(s.id) !== is.get(s.id)) targets.push(suppressionTargets(s));
    const stateKey = (r?: StateRow) =>
      r ? `${r.status}|${r.assignee ?? ''}|${r.verdict ?? ''}` : '';
    const ids = new Set([...before.states.keys(), ...after.states.keys()]);
    const compositeIds = [...ids].filter(
      id => stateKey(before.states.get(id)) !== stateKey(after.states.get(id)),
    );
    targets.push({ compositeIds });
    return mergeTargets(targets);
  }

  async match(finding: {
    compositeId: string;
    serverName?: string;
    owners: string[];
    commandSignatureHash?: string;
  }): Promise<FindingTriage> {
    const state = this.snapshot.states.get(finding.compositeId);
    const now = this.now().getTime();
    const suppression = this.snapshot.suppressions.find(s => {
      if (s.expiresAt && Date.parse(s.expiresAt) <= now) return false;
      if (s.scope === 'finding') return s.compositeId === finding.compositeId;
      if (s.scope === 'command')
        return (
          !!finding.commandSignatureHash &&
          s.commandSignatureHash === finding.commandSignatureHash
        );
      // Every owner on the team: a finding holding anyone else's evidence stays in view.
      return (
        s.serverName === finding.serverName &&
        finding.owners.length > 0 &&
        finding.owners.every(o => {
          const ref = o.toLowerCase();
          return ref === s.team?.toLowerCase() || s.members.has(ref);
        })
      );
    });
    return {
      status: state?.status ?? 'open',
      ...(state?.assignee ? { assignee: state.assignee } : {}),
      ...(state?.verdict ? { verdict: state.verdict } : {}),
      ...(suppression
        ? {
            suppression: {
              id: suppression.id,
              scope: suppression.scope,
              label: suppression.label,
              reason: suppression.reason,
              ...(suppression.expiresAt
                ? { expiresAt: suppression.expiresAt }
                : {}),
            },
          }
        : {}),
    };
  }

  private toSuppression(row: SuppressionRow): Suppression {
    const revoked = !!row.revoked_at;
    const expired =
      !!row.expires_at &&
      new Date(row.expires_at).getTime() <= this.now().getTime();
    return {
      id: row.id,
      scope: row.scope,
      ...(row.composite_id ? { compositeId: row.composite_id } : {}),
      ...(row.server_name ? { serverName: row.server_name } : {}),
      ...(row.team ? { team: row.team } : {}),
      ...(row.command_signature_hash
        ? { commandSignatureHash: row.command_signature_hash }
        : {}),
      label: row.label,
      reason: row.reason,
      ...(row.expires_at ? { expiresAt: iso(row.expires_at) } : {}),
      createdBy: row.created_by,
      createdAt: iso(row.created_at),
      ...(row.from_finding ? { fromFinding: row.from_finding } : {}),
      ...(row.revoked_at ? { revokedAt: iso(row.revoked_at) } : {}),
      ...(row.revoked_by ? { revokedBy: row.revoked_by } : {}),
      ...(row.revoke_reason ? { revokeReason: row.revoke_reason } : {}),
      active: !revoked && !expired,
    };
  }

  /** Records feedback, and the suppression it asks for, in one transaction. */
  async addFeedback(
    compositeId: string,
    input: { verdict: FeedbackVerdict; note?: string; tags?: string[] },
    actor: string,
    suppress?: SuppressionInput,
  ): Promise<{ feedback: FindingFeedback; suppression?: Suppression }> {
    const now = this.now();
    const row: FeedbackRow = {
      id: crypto.randomUUID(),
      composite_id: compositeId,
      verdict: input.verdict,
      note: input.note ? input.note : null,
      tags: JSON.stringify([...new Set(input.tags ?? [])]),
      author: actor,
      created_at: now,
    };
    let suppression: Suppression | undefined;
    await this.db.transaction(async tx => {
      await tx(FEEDBACK).insert(row);
      const state = await this.stateFor(tx, compositeId);
      await this.writeState(tx, {
        ...(state ?? {
          composite_id: compositeId,
          status: 'open',
          assignee: null,
        }),
        verdict: input.verdict,
        updated_by: actor,
        updated_at: now,
      });
      await this.audit.append(tx, {
        actor,
        action: 'feedback',
        entryId: compositeId,
        details: {
          feedbackId: row.id,
          verdict: input.verdict,
          ...(row.note ? { note: row.note } : {}),
          tags: JSON.parse(row.tags),
        },
      });
      if (suppress)
        suppression = await this.insertSuppression(tx, suppress, actor);
    });
    await this.refresh();
    return {
      feedback: toFeedback(row),
      ...(suppression ? { suppression } : {}),
    };
  }

  /** A finding's feedback, newest first. */
  async feedbackFor(compositeId: string): Promise<FindingFeedback[]> {
    const rows = await this.db<FeedbackRow>(FEEDBACK)
      .where('composite_id', compositeId)
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(500);
    return rows.map(toFeedback);
  }

  private async stateFor(
    tx: Knex.Transaction,
    compositeId: string,
  ): Promise<StateRow | undefined> {
    let q = tx<StateRow>(STATES).where('composite_id', compositeId);
    if (tx.client.config.client === 'pg') q = q.forUpdate();
    return q.first();
  }

  private async writeState(tx: Knex.Transaction, row: StateRow) {
    await tx(STATES).insert(row).onConflict('composite_id').merge();
  }

  /**
   * Sets a finding's status and assignee (null unassigns). Returns whether
   * anything changed: a change is audited, a repeat is not.
   */
  async updateTriage(
    compositeId: string,
    change: { status?: TriageStatus; assignee?: string | null },
    actor: string,
  ): Promise<boolean> {
    let changed = false;
    await this.db.transaction(async tx => {
      const state = await this.stateFor(tx, compositeId);
      const from = {
        status: state?.status ?? 'open',
        assignee: state?.assignee ?? null,
      };
      const to = {
        status: change.status ?? from.status,
        assignee:
          change.assignee === undefined ? from.assignee : change.assignee,
      };
      if (from.status === to.status && from.assignee === to.assignee) return;
      changed = true;
      await this.writeState(tx, {
        composite_id: compositeId,
        verdict: state?.verdict ?? null,
        ...to,
        updated_by: actor,
        updated_at: this.now(),
      });
      await this.audit.append(tx, {
        actor,
        action: 'triage-update',
        entryId: compositeId,
        details: { from, to },
      });
    });
    if (changed) await this.refresh();
    return changed;
  }

  /** Makes a suppression (409 when the same pattern is suppressed already). */
  async createSuppression(
    input: SuppressionInput,
    actor: string,
  ): Promise<Suppression> {
    let suppression: Suppression | undefined;
    await this.db.transaction(async tx => {
      suppression = await this.insertSuppression(tx, input, actor);
    });
    await this.refresh();
    return suppression!;
  }

  private async insertSuppression(
    tx: Knex.Transaction,
    input: SuppressionInput,
    actor: string,
  ): Promise<Suppression> {
    const now = this.now();
    if (input.expiresAt) {
      const problem = suppressionExpiryProblem(input.expiresAt, now);
      if (problem)
        throw new InputError(`Invalid suppression: expiresAt ${problem}`);
    }
    const key = patternKey(input);
    // One writer per pattern at a time on PostgreSQL: two replicas cannot both find no duplicate.
    if (tx.client.config.client === 'pg')
      await tx.raw('select pg_advisory_xact_lock(hashtextextended(?, 0))', [
        `mcpeeker-suppression:${key}`,
      ]);
    const duplicate = await tx<SuppressionRow>(SUPPRESSIONS)
      .where('pattern_key', key)
      .whereNull('revoked_at')
      .where(q => q.whereNull('expires_at').orWhere('expires_at', '>', now))
      .first('id', 'label');
    if (duplicate)
      throw new ConflictError(
        `${input.scope}: ${duplicate.label} is suppressed already (suppression ${duplicate.id})`,
      );
    const row: SuppressionRow = {
      id: crypto.randomUUID(),
      scope: input.scope,
      pattern_key: key,
      composite_id: input.compositeId ?? null,
      server_name: input.serverName ?? null,
      team: input.team ?? null,
      team_members:
        input.scope === 'server-on-team'
          ? membersText(input.teamMembers ?? [])
          : null,
      command_signature_hash: input.commandSignatureHash ?? null,
      label: labelOf(input).slice(0, 512),
      reason: input.reason,
      expires_at: input.expiresAt ? new Date(input.expiresAt) : null,
      created_by: actor,
      created_at: now,
      from_finding: input.fromFinding ?? null,
      revoked_at: null,
      revoked_by: null,
      revoke_reason: null,
      expiry_noted: false,
    };
    await tx(SUPPRESSIONS).insert(row);
    await this.audit.append(tx, {
      actor,
      action: 'suppression-create',
      entryId: row.id,
      details: {
        scope: row.scope,
        label: row.label,
        reason: row.reason,
        ...(input.compositeId ? { compositeId: input.compositeId } : {}),
        ...(input.serverName ? { serverName: input.serverName } : {}),
        ...(input.team ? { team: input.team } : {}),
        ...(input.commandSignatureHash
          ? { commandSignatureHash: input.commandSignatureHash }
          : {}),
        ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
        ...(input.fromFinding ? { fromFinding: input.fromFinding } : {}),
      },
    });
    return this.toSuppression(row);
  }

  /** Revokes an active suppression: its findings come back into view. */
  async revokeSuppression(
    id: string,
    actor: string,
    reason?: string,
  ): Promise<Suppression> {
    let revoked: SuppressionRow | undefined;
    await this.db.transaction(async tx => {
      let q = tx<SuppressionRow>(SUPPRESSIONS).where('id', id);
      if (tx.client.config.client === 'pg') q = q.forUpdate();
      const row = await q.first();
      if (!row) throw new NotFoundError(`No suppression ${id}`);
      if (row.revoked_at)
        throw new ConflictError(
          `status: suppression ${id} was revoked already (${iso(
            row.revoked_at,
          )})`,
        );
      if (row.expires_at && new Date(row.expires_at) <= this.now())
        throw new ConflictError(
          `status: suppression ${id} expired at ${iso(
            row.expires_at,
          )}; nothing to revoke`,
        );
      const changes = {
        revoked_at: this.now(),
        revoked_by: actor,
        revoke_reason: reason ? reason : null,
      };
      await tx(SUPPRESSIONS).where('id', id).update(changes);
      revoked = { ...row, ...changes };
      await this.audit.append(tx, {
        actor,
        action: 'suppression-revoke',
        entryId: id,
        details: {
          scope: row.scope,
          label: row.label,
          ...(reason ? { reason } : {}),
        },
      });
    });
    await this.refresh();
    return this.toSuppression(revoked!);
  }

  async getSuppression(id: string): Promise<Suppression | undefined> {
    const row = await this.db<SuppressionRow>(SUPPRESSIONS)
      .where('id', id)
      .first();
    return row ? this.toSuppression(row) : undefined;
  }

  /** Suppressions newest first: active ones, inactive ones (revoked or expired), or all. */
  async listSuppressions(
    filter: { active?: boolean; limit?: number } = {},
  ): Promise<Suppression[]> {
    const now = this.now();
    const q = this.db<SuppressionRow>(SUPPRESSIONS)
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(filter.limit ?? 500);
    if (filter.active === true)
      q.whereNull('revoked_at').where(b =>
        b.whereNull('expires_at').orWhere('expires_at', '>', now),
      );
    if (filter.active === false)
      q.where(b =>
        b.whereNotNull('revoked_at').orWhere('expires_at', '<=', now),
      );
    return (await q).map(r => this.toSuppression(r));
  }

  /** The suppressions with these ids, and those made on or from one finding (a timeline's). */
  async suppressionsOf(
    compositeId: string,
    ids: string[],
  ): Promise<Suppression[]> {
    const rows = new Map<string, SuppressionRow>();
    for (const row of await this.db<SuppressionRow>(SUPPRESSIONS)
      .where('composite_id', compositeId)
      .orWhere('from_finding', compositeId))
      rows.set(row.id, row);
    for (const part of chunks(ids))
      for (const row of await this.db<SuppressionRow>(SUPPRESSIONS).whereIn(
        'id',
        part,
      ))
        rows.set(row.id, row);
    return [...rows.values()].map(r => this.toSuppression(r));
  }

  /**
   * Suppressions whose expiry passed and was not yet noted: each is audited
   * as expired (by `actor`) and its findings rescored. Returns them.
   */
  async expireDue(
    actor = 'system:mcpeeker-suppression-expiry',
  ): Promise<Suppression[]> {
    const due = await this.db<SuppressionRow>(SUPPRESSIONS)
      .whereNull('revoked_at')
      .where('expiry_noted', false)
      .where('expires_at', '<=', this.now());
    const out: Suppression[] = [];
    for (const row of due) {
      let noted = false;
      await this.db.transaction(async tx => {
        // Another replica may have noted it meanwhile.
        const updated = await tx(SUPPRESSIONS)
          .where({ id: row.id, expiry_noted: false })
          .update({ expiry_noted: true });
        if (!updated) return;
        noted = true;
        await this.audit.append(tx, {
          actor,
          action: 'suppression-expire',
          entryId: row.id,
          details: {
            scope: row.scope,
            label: row.label,
            expiresAt: iso(row.expires_at!),
          },
        });
      });
      if (noted) out.push(this.toSuppression(row));
    }
    await this.refresh();
    // Findings written while this replica still thought it active (or while it was down).
    if (out.length > 0 && this.rescore)
      await this.rescore(mergeTargets(out.map(suppressionTargets)));
    return out;
  }

  /**
   * Asks for the members of every team an active suppression names, and
   * stores the ones that changed (the findings they suppress are rescored by
   * the refresh that follows). Returns how many changed.
   */
  async refreshTeams(
    membersOf: (teams: string[]) => Promise<Map<string, string[]>>,
  ): Promise<number> {
    const rows = await this.db<SuppressionRow>(SUPPRESSIONS)
      .where('scope', 'server-on-team')
      .whereNull('revoked_at')
      .where(q =>
        q.whereNull('expires_at').orWhere('expires_at', '>', this.now()),
      );
    if (rows.length === 0) return 0;
    const members = await membersOf([...new Set(rows.map(r => r.team!))]);
    let changed = 0;
    for (const row of rows) {
      const now = membersText(members.get(row.team!) ?? []);
      if (now === row.team_members) continue;
      await this.db(SUPPRESSIONS)
        .where('id', row.id)
        .update({ team_members: now });
      changed++;
    }
    if (changed > 0) await this.refresh();
    return changed;
  }
}
