import crypto from 'node:crypto';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  AcceptedRisk,
  AcceptRisk,
  approvalStands,
  calendarDaysUntil,
  canonicalJson,
  entryStandsFor,
  entryTargets,
  EXPIRY_WARNING_DAYS,
  expiryProblem,
  hasLapsed,
  matchedCompositeIds,
  PinnedTools,
  RegistryEntry,
  RegistryEntryCreate,
  RegistryEntryUpdate,
  RegistryIdentity,
  RegistryRenewal,
  RegistryStatus,
  RISK_KIND_IDS,
  RiskKind,
  sha256Hex,
  Signals,
  toolSet,
  toolSetChange,
} from '@mcpeeker/plugin-mcpeeker-common';
import { Knex } from 'knex';
import { RegistryLookup } from './FindingStore';
import type { RegistryMatch } from '../services/correlation/correlate';
import { AuditLog } from './AuditLog';
import { whereContains } from './queryHelpers';

const TABLE = 'mcpeeker_registry_entries';

type Row = {
  id: string;
  name: string;
  owner: string;
  team: string;
  purpose: string;
  identity: string;
  identity_key: string;
  composite_ids: string;
  transport: RegistryEntry['transport'];
  expires_at: Date | string;
  status: RegistryStatus;
  created_by: string;
  created_at: Date | string;
  updated_at: Date | string;
  decided_by: string | null;
  decided_at: Date | string | null;
  decision_reason: string | null;
  reminded: string;
  deleted_at: Date | string | null;
  server_json: string | null;
  pinned_tools?: string | null;
  accepted_risks?: string | null;
};

const iso = (d: Date | string) => new Date(d).toISOString();

const acceptedRisksOf = (row: Row): AcceptedRisk[] =>
  row.accepted_risks ? JSON.parse(row.accepted_risks) : [];

function toEntry(row: Row): RegistryEntry {
  return {
    id: row.id,
    name: row.name,
    owner: row.owner,
    team: row.team,
    purpose: row.purpose,
    identity: JSON.parse(row.identity),
    transport: row.transport,
    expiresAt: iso(row.expires_at),
    status: row.status,
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    ...(row.decided_by ? { decidedBy: row.decided_by } : {}),
    ...(row.decided_at ? { decidedAt: iso(row.decided_at) } : {}),
    ...(row.decision_reason ? { decisionReason: row.decision_reason } : {}),
    ...(row.server_json ? { serverJson: JSON.parse(row.server_json) } : {}),
    ...(row.pinned_tools ? { pinnedTools: JSON.parse(row.pinned_tools) } : {}),
    ...(acceptedRisksOf(row).length > 0
      ? { acceptedRisks: acceptedRisksOf(row) }
      : {}),
  };
}

// Which servers an entry stands for is decided once, in common (docs/registry.md).
export { entryTargets, matchedCompositeIds };

/** Which status changes an admin decision may make. */
const TRANSITIONS: Record<
  'approve' | 'deny' | 'revoke',
  { from: RegistryStatus[]; to: RegistryStatus }
> = {
  approve: { from: ['pending', 'denied'], to: 'approved' },
  deny: { from: ['pending'], to: 'denied' },
  revoke: { from: ['approved'], to: 'revoked' },
};

export interface RegistryListQuery {
  status?: RegistryStatus[];
  owner?: string;
  team?: string;
  text?: string;
  /** Only entries owned by one of these refs (a permission condition, in SQL). */
  ownerRefs?: string[];
  expiringWithinDays?: number;
  /**
   * Entries that stand for this finding (`entryStandsFor`, the rule the
   * scoring follows); with `changed`, instead the entries on its host under
   * its name that do not: what registered the server before it changed.
   */
  finding?: {
    compositeId: string;
    serverName?: string;
    hostIdHash?: string;
    commandSignatureHash?: string;
    changed?: boolean;
  };
  limit: number;
  offset: number;
}

/**
 * The registry: entries developers submit and admins decide on, in the
 * Backstage database. Every change is written with its audit row in one
 * transaction. Approved, unexpired entries are what the correlator's
 * `RegistryLookup` matches findings against (cached, refreshed on change).
 */
export class RegistryStore implements RegistryLookup {
  /** Approved entries as last read: `match` runs inside ingest transactions and must not query. */
  private approvedSnapshot: RegistryEntry[] = [];

  constructor(
    private readonly db: Knex,
    private readonly audit: AuditLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Reads the approved, unexpired entries again (after a change here, and periodically for other replicas' changes). */
  async refresh(): Promise<void> {
    this.approvedSnapshot = await this.approvedEntries();
  }

  async match(finding: {
    compositeId: string;
    serverName?: string;
    hostIdHash?: string;
    commandSignatureHash?: string;
    tools?: Signals['tools'];
  }): Promise<RegistryMatch> {
    const now = this.now();
    for (const entry of this.approvedSnapshot) {
      // Read before its date passed: past it, it lowers no score.
      if (!approvalStands(entry, now)) continue;
      if (entryStandsFor(entry, finding)) {
        const pinned = entry.pinnedTools;
        const change =
          pinned && finding.tools
            ? toolSetChange(pinned.definitions, finding.tools.definitions, {
                // A gateway saw what a client offered a model: perhaps only some of the tools.
                partial: finding.tools.from.startsWith('gateway/'),
              })
            : undefined;
        return {
          approved: true,
          entryId: entry.id,
          entryName: entry.name,
          owner: entry.owner,
          ...(entry.acceptedRisks
            ? { acceptedRisks: entry.acceptedRisks }
            : {}),
          ...(change
            ? { toolChange: { ...change, pinnedAt: pinned!.pinnedAt } }
            : {}),
        };
      }
    }
    return { approved: false };
  }

  async create(
    input: RegistryEntryCreate,
    actor: string,
  ): Promise<RegistryEntry> {
    const problem = expiryProblem(input.expiresAt, this.now());
    if (problem) throw new InputError(`expiresAt ${problem}`);
    const owner = input.owner ?? actor;
    const identityKey = sha256Hex(canonicalJson(input.identity));
    const now = this.now();
    const row: Row = {
      id: crypto.randomUUID(),
      name: input.name,
      owner,
      team: input.team,
      purpose: input.purpose,
      identity: canonicalJson(input.identity),
      identity_key: identityKey,
      composite_ids: matchedCompositeIds(input.identity).join(','),
      transport: input.transport,
      expires_at: new Date(input.expiresAt),
      status: 'pending',
      created_by: actor,
      created_at: now,
      updated_at: now,
      decided_by: null,
      decided_at: null,
      decision_reason: null,
      reminded: '',
      deleted_at: null,
      server_json: input.serverJson ? JSON.stringify(input.serverJson) : null,
    };
    await this.db.transaction(async tx => {
      await refuseRegisteredTwice(tx, {
        identity: input.identity,
        identityKey,
        owner,
        team: input.team,
      });
      await tx(TABLE).insert(row);
      await this.audit.append(tx, {
        actor,
        action: 'create',
        entryId: row.id,
        details: {
          name: row.name,
          owner,
          team: row.team,
          identity: input.identity,
          expiresAt: input.expiresAt,
          ...(input.fromFinding ? { fromFinding: input.fromFinding } : {}),
        },
      });
    });
    return toEntry(row);
  }

  /**
   * Every entry not deleted, oldest first (the catalog provider's full
   * reconcile); with `ownerRefs`, only those owned by one of them (a
   * permission condition, in SQL).
   */
  async allEntries(
    filter: { ownerRefs?: string[] } = {},
  ): Promise<RegistryEntry[]> {
    const q = this.db<Row>(TABLE).whereNull('deleted_at');
    if (filter.ownerRefs) q.whereIn('owner', filter.ownerRefs);
    const rows = await q.orderBy([{ column: 'created_at' }, { column: 'id' }]);
    return rows.map(toEntry);
  }

  /** An entry, deleted or not, with whether it is deleted. */
  async getAny(
    id: string,
  ): Promise<{ entry: RegistryEntry; deleted: boolean } | undefined> {
    const row = await this.db<Row>(TABLE).where('id', id).first();
    return row ? { entry: toEntry(row), deleted: !!row.deleted_at } : undefined;
  }

  async get(id: string): Promise<RegistryEntry | undefined> {
    const row = await this.db<Row>(TABLE)
      .where('id', id)
      .whereNull('deleted_at')
      .first();
    return row ? toEntry(row) : undefined;
  }

  async list(
    query: RegistryListQuery,
  ): Promise<{ items: RegistryEntry[]; totalCount: number }> {
    const finding = query.finding;
    const filtered = () => {
      const q = this.db<Row>(TABLE).whereNull('deleted_at');
      if (query.status?.length) q.whereIn('status', query.status);
      if (query.owner) q.where('owner', query.owner);
      if (query.team) q.where('team', query.team);
      if (query.ownerRefs) q.whereIn('owner', query.ownerRefs);
      if (query.expiringWithinDays !== undefined)
        q.where(
          'expires_at',
          '<=',
          new Date(
            this.now().getTime() + query.expiringWithinDays * 86_400_000,
          ),
        );
      if (query.text) whereContains(q, ['name', 'purpose'], query.text);
      if (finding)
        q.where(w => {
          // composite_ids is a comma-joined list of fixed-format ids (mcp_ + 32 hex).
          w.where('composite_ids', 'like', `%${finding.compositeId}%`);
          if (finding.serverName) w.orWhere('name', finding.serverName);
        });
      return q;
    };
    if (finding) {
      // The query narrows (by id or name); the one rule decides, as in scoring.
      const rows = await filtered()
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(500);
      const entries = rows
        .map(toEntry)
        .filter(e =>
          finding.changed
            ? !entryStandsFor(e, finding) &&
              !!e.identity.hostIdHash &&
              e.identity.hostIdHash === finding.hostIdHash &&
              e.name === finding.serverName
            : entryStandsFor(e, finding),
        );
      return {
        items: entries.slice(query.offset, query.offset + query.limit),
        totalCount: entries.length,
      };
    }
    const [{ count }] = await filtered().count({ count: '*' });
    const rows = await filtered()
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .offset(query.offset)
      .limit(query.limit);
    return { items: rows.map(toEntry), totalCount: Number(count) };
  }

  async update(
    id: string,
    change: RegistryEntryUpdate,
    actor: string,
  ): Promise<RegistryEntry> {
    if (change.expiresAt) {
      const problem = expiryProblem(change.expiresAt, this.now());
      if (problem) throw new InputError(`expiresAt ${problem}`);
    }
    return this.change(id, actor, 'update', change, row => {
      if (['denied', 'revoked'].includes(row.status))
        throw new ConflictError(
          `status: a ${row.status} entry cannot be edited; register it again`,
        );
      // A new date must not bring an entry that ran out back to life unseen by an admin.
      if (hasLapsed(toEntry(row), this.now()))
        throw new ConflictError(
          'status: the entry has expired and cannot be edited; renew it (POST /registry/:id/renew)',
        );
      return {
        ...(change.purpose !== undefined ? { purpose: change.purpose } : {}),
        ...(change.team !== undefined ? { team: change.team } : {}),
        ...(change.expiresAt
          ? { expires_at: new Date(change.expiresAt), reminded: '' }
          : {}),
      };
    });
  }

  /**
   * An admin's decision. Approving pins `tools` (the set the entry's findings
   * report now), when there is one; approving an approved entry again
   * re-pins it, and is how a changed tool set is accepted.
   */
  async decide(
    id: string,
    decision: 'approve' | 'deny' | 'revoke',
    actor: string,
    reason?: string,
    tools?: Omit<PinnedTools, 'pinnedAt' | 'pinnedBy'>,
  ): Promise<RegistryEntry> {
    const { from, to } = TRANSITIONS[decision];
    const pin =
      decision === 'approve' && tools ? this.pinOf(tools, actor) : undefined;
    return this.change(
      id,
      actor,
      decision,
      {
        reason,
        ...(pin
          ? {
              pinnedTools: pin.definitions.map(t => t.name),
              pinnedFrom: pin.from,
            }
          : {}),
      },
      row => {
        // Approving an approved entry again accepts the tools it offers now, when they differ from the pin.
        const repin =
          decision === 'approve' &&
          row.status === 'approved' &&
          pin !== undefined &&
          (!row.pinned_tools ||
            toolSetChange(
              (JSON.parse(row.pinned_tools) as PinnedTools).definitions,
              pin.definitions,
            ) !== undefined);
        if (row.status === 'approved' && decision === 'approve' && !repin)
          throw new ConflictError(
            `status: cannot approve an entry that is approved: its tools have not changed since ${
              row.pinned_tools ? 'they were pinned' : 'approval'
            }`,
          );
        if (!from.includes(row.status) && !repin)
          throw new ConflictError(
            `status: cannot ${decision} an entry that is ${
              row.status
            } (only ${from.join(' or ')})`,
          );
        if (
          decision === 'approve' &&
          Date.parse(iso(row.expires_at)) <= this.now().getTime()
        )
          throw new ConflictError(
            'expiresAt: the entry has expired; renew it with a new expiry',
          );
        return {
          status: to,
          decided_by: actor,
          decided_at: this.now(),
          decision_reason: reason ?? null,
          ...(pin ? { pinned_tools: JSON.stringify(pin) } : {}),
        };
      },
    );
  }

  /**
   * Renews an entry that ran out (see `hasLapsed`) until a new date: an
   * admin's renewal approves it again (audited `renew`; its pinned tools and
   * accepted risks stay), its owner's goes back to the admins as pending
   * (audited `request-renewal`), so that no date alone re-authorizes a
   * server. Refused while another live entry registers the same server.
   */
  async renew(
    id: string,
    renewal: RegistryRenewal,
    actor: string,
    to: 'approved' | 'pending',
  ): Promise<RegistryEntry> {
    const problem = expiryProblem(renewal.expiresAt, this.now());
    if (problem) throw new InputError(`expiresAt ${problem}`);
    return this.change(
      id,
      actor,
      to === 'approved' ? 'renew' : 'request-renewal',
      { expiresAt: renewal.expiresAt, reason: renewal.reason },
      async (row, tx) => {
        if (!hasLapsed(toEntry(row), this.now()))
          throw new ConflictError(
            `status: only an expired entry can be renewed; this one is ${
              row.status
            }${
              row.status === 'pending' || row.status === 'approved'
                ? ' (change its expiry instead)'
                : ''
            }`,
          );
        const again = await tx<Row>(TABLE)
          .where('identity_key', row.identity_key)
          .whereNot('id', id)
          .whereIn('status', ['pending', 'approved'])
          .whereNull('deleted_at')
          .first('id', 'status');
        if (again)
          throw new ConflictError(
            `identity: this server is registered again (entry ${again.id}, ${again.status})`,
          );
        return {
          status: to,
          expires_at: new Date(renewal.expiresAt),
          reminded: '',
          ...(to === 'approved'
            ? {
                decided_by: actor,
                decided_at: this.now(),
                decision_reason: renewal.reason ?? null,
              }
            : { decided_by: null, decided_at: null, decision_reason: null }),
        };
      },
    );
  }

  /**
   * Pins the first tool set seen on an approved entry that had none when it
   * was approved (trust on first use), audited; an entry with a pin keeps it.
   */
  async pinFirstSeen(
    id: string,
    tools: Omit<PinnedTools, 'pinnedAt' | 'pinnedBy'>,
    actor = 'system:mcpeeker-tool-pins',
  ): Promise<RegistryEntry | undefined> {
    const pin = this.pinOf(tools, actor);
    try {
      return await this.change(
        id,
        actor,
        'pin-tools',
        { pinnedTools: pin.definitions.map(t => t.name), pinnedFrom: pin.from },
        row => {
          if (!approvalStands(toEntry(row), this.now()) || row.pinned_tools)
            throw new ConflictError('already pinned');
          return { pinned_tools: JSON.stringify(pin) };
        },
      );
    } catch (e) {
      if (e instanceof ConflictError) return undefined;
      throw e;
    }
  }

  private pinOf(
    tools: Omit<PinnedTools, 'pinnedAt' | 'pinnedBy'>,
    actor: string,
  ): PinnedTools {
    return {
      definitions: toolSet(tools.definitions),
      pinnedAt: this.now().toISOString(),
      pinnedBy: actor,
      fromFinding: tools.fromFinding,
      from: tools.from,
    };
  }

  /**
   * An admin accepts a kind of risk on an approved entry, with why (again:
   * a new reason replaces the old); audited as `accept-risk`. Its findings
   * stop counting that kind while the approval holds.
   */
  async acceptRisk(
    id: string,
    risk: AcceptRisk,
    actor: string,
  ): Promise<RegistryEntry> {
    return this.change(id, actor, 'accept-risk', { ...risk }, row => {
      if (!approvalStands(toEntry(row), this.now()))
        throw new ConflictError(
          `status: only an approved entry can accept a risk; this one is ${
            hasLapsed(toEntry(row), this.now()) ? 'expired' : row.status
          }`,
        );
      const accepted: AcceptedRisk = {
        kind: risk.kind,
        reason: risk.reason,
        by: actor,
        at: this.now().toISOString(),
      };
      return {
        accepted_risks: JSON.stringify(
          [
            ...acceptedRisksOf(row).filter(a => a.kind !== risk.kind),
            accepted,
          ].sort(
            (a, b) =>
              RISK_KIND_IDS.indexOf(a.kind) - RISK_KIND_IDS.indexOf(b.kind),
          ),
        ),
      };
    });
  }

  /** An admin withdraws an accepted kind of risk: its findings count it again. Audited as `withdraw-risk`. */
  async withdrawRisk(
    id: string,
    kind: RiskKind,
    actor: string,
  ): Promise<RegistryEntry> {
    return this.change(id, actor, 'withdraw-risk', { kind }, row => {
      const accepted = acceptedRisksOf(row);
      if (!accepted.some(a => a.kind === kind))
        throw new NotFoundError(
          `kind: ${kind} is not accepted on registry entry ${id}`,
        );
      const rest = accepted.filter(a => a.kind !== kind);
      return { accepted_risks: rest.length ? JSON.stringify(rest) : null };
    });
  }

  async remove(id: string, actor: string): Promise<RegistryEntry> {
    return this.change(id, actor, 'delete', {}, () => ({
      deleted_at: this.now(),
    }));
  }

  /**
   * Its owner takes back a registration: one no admin has decided on yet, or
   * an approved one they no longer use (its findings lose the registry
   * discount, and it leaves the MCP Registry API view and so the
   * enforcement allowlist). Removed like a delete, audited as `withdraw`;
   * what an admin denied or revoked, or what expired, stays as it is.
   */
  async withdraw(id: string, actor: string): Promise<RegistryEntry> {
    return this.change(id, actor, 'withdraw', {}, row => {
      if (row.status !== 'pending' && row.status !== 'approved')
        throw new ConflictError(
          `status: only a pending or approved entry can be withdrawn; this one is ${row.status}`,
        );
      return { deleted_at: this.now() };
    });
  }

  /**
   * Its owner moves a registration to the server it became (a pinned
   * version, other arguments: a new composite id): the new identity
   * replaces the old, which stops counting at once, and the entry goes back
   * to the admins as pending (an approval covers only the server it named;
   * its tools are pinned again at the next approval). Audited as
   * `update-identity` with both identities. Only a pending or approved entry
   * that has not lapsed, and not onto a server another live entry registers.
   */
  async updateIdentity(
    id: string,
    identity: RegistryIdentity,
    actor: string,
    fromFinding: string,
  ): Promise<RegistryEntry> {
    const identityKey = sha256Hex(canonicalJson(identity));
    return this.change(
      id,
      actor,
      'update-identity',
      { fromFinding },
      async (row, tx) => {
        if (row.status !== 'pending' && row.status !== 'approved')
          throw new ConflictError(
            `status: a ${row.status} entry cannot be updated; register the server again`,
          );
        if (hasLapsed(toEntry(row), this.now()))
          throw new ConflictError(
            'status: the entry has expired; renew it first (POST /registry/:id/renew)',
          );
        if (row.identity_key === identityKey)
          throw new ConflictError(
            'identity: the entry already registers this server',
          );
        await refuseRegisteredTwice(
          tx,
          { identity, identityKey, owner: row.owner, team: row.team },
          id,
        );
        return {
          identity: canonicalJson(identity),
          identity_key: identityKey,
          composite_ids: matchedCompositeIds(identity).join(','),
          status: 'pending',
          decided_by: null,
          decided_at: null,
          decision_reason: null,
          pinned_tools: null,
        };
      },
      row => ({ identityFrom: JSON.parse(row.identity), identityTo: identity }),
    );
  }

  /** Approved entries that have not expired, oldest first: what the MCP Registry API view serves. */
  async approvedEntries(): Promise<RegistryEntry[]> {
    const now = this.now();
    const rows = await this.db<Row>(TABLE)
      .where('status', 'approved')
      .whereNull('deleted_at')
      .where('expires_at', '>', now)
      .orderBy([{ column: 'created_at' }, { column: 'id' }]);
    // The query narrows; `approvalStands` decides, as everywhere.
    return rows.map(toEntry).filter(entry => approvalStands(entry, now));
  }

  /** Entries that should hear of their expiry now: `EXPIRY_WARNING_DAYS` ahead, then 1 day ahead, each once. */
  async dueReminders(): Promise<
    Array<{ entry: RegistryEntry; level: '14d' | '1d'; days: number }>
  > {
    const now = this.now().getTime();
    const rows = await this.db<Row>(TABLE)
      .whereIn('status', ['pending', 'approved'])
      .whereNull('deleted_at')
      .where('expires_at', '>', new Date(now))
      .where(
        'expires_at',
        '<=',
        new Date(now + EXPIRY_WARNING_DAYS * 86_400_000),
      );
    const due = [];
    for (const row of rows) {
      // Which reminder is due goes by the hours left; what it says, by the calendar.
      const level =
        new Date(row.expires_at).getTime() - now <= 86_400_000 ? '1d' : '14d';
      if (row.reminded === level || row.reminded === '1d') continue;
      const entry = toEntry(row);
      const days = calendarDaysUntil(entry.expiresAt, new Date(now));
      due.push({ entry, level, days } as const);
    }
    return due;
  }

  async markReminded(id: string, level: '14d' | '1d'): Promise<void> {
    await this.db(TABLE).where('id', id).update({ reminded: level });
  }

  /**
   * Marks entries past their date expired; returns them, each with the
   * status it had: an approved one loses its approval, a pending one only
   * its request (the standing rules cannot tell them apart now: both lapsed).
   */
  async expireDue(
    actor = 'system:mcpeeker-expiry',
  ): Promise<
    Array<{ entry: RegistryEntry; lapsedFrom: 'pending' | 'approved' }>
  > {
    const due = await this.db<Row>(TABLE)
      .whereIn('status', ['pending', 'approved'])
      .whereNull('deleted_at')
      .where('expires_at', '<=', this.now());
    const out: Array<{
      entry: RegistryEntry;
      lapsedFrom: 'pending' | 'approved';
    }> = [];
    for (const row of due) {
      try {
        let lapsedFrom: 'pending' | 'approved' = 'pending';
        const entry = await this.change(
          row.id,
          actor,
          'expire',
          {},
          current => {
            // Renewed, decided on or expired by another replica since it was read.
            if (
              current.status === 'expired' ||
              !hasLapsed(toEntry(current), this.now())
            )
              throw new ConflictError('no longer due');
            lapsedFrom = current.status === 'approved' ? 'approved' : 'pending';
            return { status: 'expired' };
          },
        );
        out.push({ entry, lapsedFrom });
      } catch (e) {
        if (!(e instanceof ConflictError || e instanceof NotFoundError))
          throw e;
      }
    }
    return out;
  }

  private async change(
    id: string,
    actor: string,
    action: string,
    details: Record<string, unknown>,
    patch: (
      row: Row,
      tx: Knex.Transaction,
    ) => Partial<Row> | Promise<Partial<Row>>,
    /** More for the audit row, from the row as it was. */
    detailsOf?: (row: Row) => Record<string, unknown>,
  ): Promise<RegistryEntry> {
    let updated: Row | undefined;
    await this.db.transaction(async tx => {
      let q = tx<Row>(TABLE).where('id', id).whereNull('deleted_at');
      if (tx.client.config.client === 'pg') q = q.forUpdate();
      const row = await q.first();
      if (!row) throw new NotFoundError(`No registry entry ${id}`);
      const changes = { ...(await patch(row, tx)), updated_at: this.now() };
      await tx(TABLE).where('id', id).update(changes);
      updated = { ...row, ...changes } as Row;
      await this.audit.append(tx, {
        actor,
        action,
        entryId: id,
        details: Object.fromEntries(
          Object.entries({
            ...details,
            ...detailsOf?.(row),
            from: row.status,
            to: updated.status,
          }).filter(([, v]) => v !== undefined),
        ),
      });
    });
    await this.refresh();
    return toEntry(updated!);
  }
}

/** An identity without its version: what stays the same server from one version to the next. */
const versionless = ({ packageVersion: _v, ...rest }: RegistryIdentity) =>
  canonicalJson(rest);

/**
 * One server, one live registration: refuses (409) an identity another
 * pending or approved entry already registers, whoever owns it; and, for the
 * same owner or team, the same server at another version (its identity but
 * the version) while one waits for the admins: they would see the server
 * pending twice. Once that one is decided, another version may be registered
 * (an approved server's next version; the MCP Registry API lists each
 * approved version). The refusal names the entry and how to go on.
 * `except`: the entry being changed.
 */
async function refuseRegisteredTwice(
  tx: Knex.Transaction,
  wanted: {
    identity: RegistryIdentity;
    identityKey: string;
    owner: string;
    team: string;
  },
  except?: string,
): Promise<void> {
  const live = () => {
    const q = tx<Row>(TABLE)
      .whereIn('status', ['pending', 'approved'])
      .whereNull('deleted_at');
    if (except) q.whereNot('id', except);
    return q;
  };
  const same = await live()
    .where('identity_key', wanted.identityKey)
    .first('id', 'name', 'status', 'owner', 'team');
  // Its name only to its owner and team: others may not read the entry.
  if (same)
    throw new ConflictError(
      `identity: this server is already registered${
        same.owner === wanted.owner || same.team === wanted.team
          ? ` as ${same.name}`
          : ''
      } (entry ${same.id}, ${same.status})`,
    );
  const theirs = await live()
    .where('status', 'pending')
    .where(q => q.where('owner', wanted.owner).orWhere('team', wanted.team))
    .orderBy([{ column: 'created_at' }, { column: 'id' }])
    .select('id', 'name', 'status', 'identity');
  const key = versionless(wanted.identity);
  const other = theirs.find(r => versionless(JSON.parse(r.identity)) === key);
  if (!other) return;
  const registered: RegistryIdentity = JSON.parse(other.identity);
  const wantedVersion = wanted.identity.packageVersion;
  throw new ConflictError(
    `identity: this server is already registered as ${other.name} (entry ${
      other.id
    }, ${other.status}, ${
      registered.packageVersion
        ? `version ${registered.packageVersion}`
        : 'unpinned'
    }) and waits for the admins: an owner or team has one version of a server waiting at a time. For ${
      wantedVersion ? `version ${wantedVersion}` : 'the package unpinned'
    }, register it once that entry is decided, or withdraw that entry and register again`,
  );
}
