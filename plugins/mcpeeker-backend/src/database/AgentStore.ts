import crypto from 'node:crypto';
import { DatabaseService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import {
  DEFAULT_ENROLMENT_HOURS,
  MAX_ENROLMENT_DAYS,
} from '@mcpeeker/plugin-mcpeeker-common';
import type {
  AgentEnrolment,
  CreatedAgentEnrolment,
  EnrolledAgent,
} from '@mcpeeker/plugin-mcpeeker-common';
import { AuditLog } from './AuditLog';
import { applyDatabaseMigrations } from './migrations';

const ENROLMENTS = 'mcpeeker_agent_enrolments';
const AGENTS = 'mcpeeker_agents';

type EnrolmentRow = {
  id: string;
  secret_hash: string;
  owner: string;
  label: string | null;
  max_uses: number;
  uses: number;
  expires_at: Date | string;
  created_by: string;
  created_at: Date | string;
  revoked_by: string | null;
  revoked_at: Date | string | null;
};

type AgentRow = {
  id: string;
  credential_hash: string;
  host_id_hash: string;
  owner: string;
  enrolment_id: string;
  enrolled_at: Date | string;
  last_seen_at: Date | string | null;
  revoked_by: string | null;
  revoked_at: Date | string | null;
};

const iso = (d: Date | string) => new Date(d).toISOString();

function toEnrolment(row: EnrolmentRow): AgentEnrolment {
  return {
    id: row.id,
    owner: row.owner,
    ...(row.label ? { label: row.label } : {}),
    maxUses: Number(row.max_uses),
    uses: Number(row.uses),
    expiresAt: iso(row.expires_at),
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
    ...(row.revoked_by ? { revokedBy: row.revoked_by } : {}),
    ...(row.revoked_at ? { revokedAt: iso(row.revoked_at) } : {}),
  };
}

function toAgent(row: AgentRow): EnrolledAgent {
  return {
    id: row.id,
    hostIdHash: row.host_id_hash,
    owner: row.owner,
    enrolmentId: row.enrolment_id,
    enrolledAt: iso(row.enrolled_at),
    ...(row.last_seen_at ? { lastSeenAt: iso(row.last_seen_at) } : {}),
    ...(row.revoked_by ? { revokedBy: row.revoked_by } : {}),
    ...(row.revoked_at ? { revokedAt: iso(row.revoked_at) } : {}),
  };
}

/** SHA-256 of a secret or credential: what the database keeps instead. */
const hashOf = (secret: string) =>
  crypto.createHash('sha256').update(secret, 'utf8').digest('hex');

/** 32 random bytes, base64url, with a prefix that says what it is (and lets secret scanners find it). */
const randomSecret = (prefix: string) =>
  `${prefix}_${crypto.randomBytes(32).toString('base64url')}`;

/**
 * Agent identity in the Backstage database: enrolment secrets (issued by an
 * admin for an owner, limited in time and uses) and the agents that exchanged
 * one for a credential bound to their host id. Every change is written with
 * its audit row in one transaction.
 */
export class AgentStore {
  static async create(options: {
    database: DatabaseService;
    audit: AuditLog;
    skipMigrations?: boolean;
  }): Promise<AgentStore> {
    return new AgentStore(
      await applyDatabaseMigrations(options.database, options),
      options.audit,
    );
  }

  /** When each agent's `last_seen_at` was last written by this replica. */
  private readonly lastTouched = new Map<string, number>();

  constructor(
    private readonly db: Knex,
    private readonly audit: AuditLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Issues a secret; the only time it is seen in clear is in the return value. */
  async createEnrolment(
    input: {
      owner: string;
      expiresAt?: string;
      maxUses?: number;
      label?: string;
    },
    actor: string,
  ): Promise<CreatedAgentEnrolment> {
    const now = this.now();
    const expiresAt = input.expiresAt
      ? new Date(input.expiresAt)
      : new Date(now.getTime() + DEFAULT_ENROLMENT_HOURS * 3_600_000);
    if (expiresAt.getTime() <= now.getTime())
      throw new InputError(
        'Invalid enrolment: expiresAt must be in the future',
      );
    if (expiresAt.getTime() > now.getTime() + MAX_ENROLMENT_DAYS * 86_400_000)
      throw new InputError(
        `Invalid enrolment: expiresAt must be at most ${MAX_ENROLMENT_DAYS} days ahead`,
      );
    const secret = randomSecret('mcpe');
    const row: EnrolmentRow = {
      id: crypto.randomUUID(),
      secret_hash: hashOf(secret),
      owner: input.owner,
      label: input.label ?? null,
      max_uses: input.maxUses ?? 1,
      uses: 0,
      expires_at: expiresAt,
      created_by: actor,
      created_at: now,
      revoked_by: null,
      revoked_at: null,
    };
    await this.db.transaction(async tx => {
      await tx(ENROLMENTS).insert(row);
      await this.audit.append(tx, {
        actor,
        action: 'agent-enrolment-create',
        entryId: row.id,
        details: {
          owner: row.owner,
          maxUses: row.max_uses,
          expiresAt: expiresAt.toISOString(),
          ...(row.label ? { label: row.label } : {}),
        },
      });
    });
    return { ...toEnrolment(row), secret };
  }

  async listEnrolments(limit: number): Promise<AgentEnrolment[]> {
    const rows = await this.db<EnrolmentRow>(ENROLMENTS)
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return rows.map(toEnrolment);
  }

  async revokeEnrolment(id: string, actor: string): Promise<AgentEnrolment> {
    return this.db.transaction(async tx => {
      const row = await tx<EnrolmentRow>(ENROLMENTS).where('id', id).first();
      if (!row) throw new NotFoundError(`No agent enrolment ${id}`);
      if (!row.revoked_at) {
        row.revoked_at = this.now();
        row.revoked_by = actor;
        await tx(ENROLMENTS)
          .where('id', id)
          .update({ revoked_at: row.revoked_at, revoked_by: actor });
        await this.audit.append(tx, {
          actor,
          action: 'agent-enrolment-revoke',
          entryId: id,
          details: { owner: row.owner, uses: Number(row.uses) },
        });
      }
      return toEnrolment(row);
    });
  }

  /**
   * Exchanges a secret for a credential bound to the host id and the
   * enrolment's owner. `undefined` when the secret is unknown, expired, used
   * up or revoked — the caller says the same in every case.
   */
  async enrol(
    secret: string,
    hostIdHash: string,
  ): Promise<{ agent: EnrolledAgent; credential: string } | undefined> {
    const now = this.now();
    return this.db.transaction(async tx => {
      const enrolment = await tx<EnrolmentRow>(ENROLMENTS)
        .where('secret_hash', hashOf(secret))
        .first();
      if (!enrolment) return undefined;
      // One statement takes a use, so concurrent enrolments cannot exceed it.
      const taken = await tx(ENROLMENTS)
        .where('id', enrolment.id)
        .whereNull('revoked_at')
        .where('expires_at', '>', now)
        .whereRaw('uses < max_uses')
        .update({ uses: tx.raw('uses + 1') });
      if (Number(taken) !== 1) return undefined;
      const credential = randomSecret('mcpa');
      const row: AgentRow = {
        id: crypto.randomUUID(),
        credential_hash: hashOf(credential),
        host_id_hash: hostIdHash,
        owner: enrolment.owner,
        enrolment_id: enrolment.id,
        enrolled_at: now,
        last_seen_at: null,
        revoked_by: null,
        revoked_at: null,
      };
      await tx(AGENTS).insert(row);
      await this.audit.append(tx, {
        actor: `agent:${row.id}`,
        action: 'agent-enrol',
        entryId: row.id,
        details: {
          enrolmentId: enrolment.id,
          owner: row.owner,
          hostIdHash,
        },
      });
      return { agent: toAgent(row), credential };
    });
  }

  async listAgents(filter: {
    hostIdHash?: string;
    limit: number;
  }): Promise<EnrolledAgent[]> {
    const q = this.db<AgentRow>(AGENTS)
      .orderBy([
        { column: 'enrolled_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(filter.limit);
    if (filter.hostIdHash) q.where('host_id_hash', filter.hostIdHash);
    return (await q).map(toAgent);
  }

  async revokeAgent(id: string, actor: string): Promise<EnrolledAgent> {
    return this.db.transaction(async tx => {
      const row = await tx<AgentRow>(AGENTS).where('id', id).first();
      if (!row) throw new NotFoundError(`No agent ${id}`);
      if (!row.revoked_at) {
        row.revoked_at = this.now();
        row.revoked_by = actor;
        await tx(AGENTS)
          .where('id', id)
          .update({ revoked_at: row.revoked_at, revoked_by: actor });
        await this.audit.append(tx, {
          actor,
          action: 'agent-revoke',
          entryId: id,
          details: { owner: row.owner, hostIdHash: row.host_id_hash },
        });
      }
      return toAgent(row);
    });
  }

  /** The agent a credential belongs to, unless it is unknown or revoked. */
  async authenticate(credential: string): Promise<EnrolledAgent | undefined> {
    const row = await this.db<AgentRow>(AGENTS)
      .where('credential_hash', hashOf(credential))
      .whereNull('revoked_at')
      .first();
    return row ? toAgent(row) : undefined;
  }

  /** Records that an agent reported; written at most once a minute per agent and replica. */
  async touch(agentId: string): Promise<void> {
    const now = this.now();
    const last = this.lastTouched.get(agentId);
    if (last !== undefined && now.getTime() - last < 60_000) return;
    this.lastTouched.set(agentId, now.getTime());
    if (this.lastTouched.size > 100_000) this.lastTouched.clear();
    await this.db(AGENTS).where('id', agentId).update({ last_seen_at: now });
  }

  /** The owners of the agents enrolled (and not revoked) on these hosts. */
  async ownersOfHosts(hostIdHashes: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (let i = 0; i < hostIdHashes.length; i += 1000) {
      const rows = await this.db<AgentRow>(AGENTS)
        .whereIn('host_id_hash', hostIdHashes.slice(i, i + 1000))
        .whereNull('revoked_at')
        .select('host_id_hash', 'owner');
      for (const r of rows) {
        const owners = out.get(r.host_id_hash) ?? [];
        if (!owners.includes(r.owner)) owners.push(r.owner);
        out.set(r.host_id_hash, owners);
      }
    }
    return out;
  }
}
