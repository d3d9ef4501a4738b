import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import {
  type ClientEnforcement,
  clientEnforcementSchema,
  type HostEnforcementList,
  type HostEnforcementState,
  type HostStatus,
} from '@mcpeeker/plugin-mcpeeker-common';
import { z } from 'zod';
import { applyDatabaseMigrations } from './migrations';

const HOSTS = 'mcpeeker_host_enforcement';

type HostRow = {
  host_id_hash: string;
  /** '' when the reports name no owner. */
  owner: string;
  label: string | null;
  os: string;
  clients: string;
  enforcing: boolean | number;
  reported_at: Date | string | number;
};

const storedClients = z.array(clientEnforcementSchema);

function toState(row: HostRow): HostEnforcementState {
  const parsed = storedClients.safeParse(JSON.parse(row.clients));
  return {
    hostIdHash: row.host_id_hash,
    ...(row.label ? { label: row.label } : {}),
    os: row.os as HostEnforcementState['os'],
    ...(row.owner ? { owner: row.owner } : {}),
    // Written from validated reports; anything else reads as enforcing nothing.
    clients: parsed.success ? parsed.data : [],
    reportedAt: new Date(row.reported_at).toISOString(),
  };
}

/** Whether any client on a host is held to a managed policy. */
export const enforces = (clients: ClientEnforcement[]) => clients.length > 0;

/**
 * The latest managed-policy state of each host (per owner its reports are
 * stored for: a shared machine with an agent per person has one for each),
 * as its agent reported it
 * (with its endpoint events, or in a status after a scan that found
 * nothing), in the Backstage database whatever store holds findings: hosts
 * are few, and the enrolled agents they belong to live here too.
 */
export class HostStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<HostStore> {
    return new HostStore(
      await applyDatabaseMigrations(options.database, options),
    );
  }

  constructor(private readonly db: Knex) {}

  /**
   * Keeps each host's latest report: an older one (a resend, a spooled
   * batch arriving late) never replaces a newer one, so the order reports
   * arrive in does not matter.
   */
  async record(reports: HostStatus[]): Promise<void> {
    const latest = new Map<string, HostStatus>();
    for (const r of reports) {
      const key = `${r.idHash}\n${r.owner ?? ''}`;
      const seen = latest.get(key);
      if (!seen || Date.parse(r.observedAt) > Date.parse(seen.observedAt))
        latest.set(key, r);
    }
    if (latest.size === 0) return;
    const rows = [...latest.values()].map(r => ({
      host_id_hash: r.idHash,
      owner: r.owner ?? '',
      // The latest report's: a label taken out of the config goes too.
      label: r.label ?? null,
      os: r.os,
      clients: JSON.stringify(r.enforcement),
      enforcing: enforces(r.enforcement),
      reported_at: new Date(r.observedAt),
    }));
    for (let i = 0; i < rows.length; i += 500) {
      await this.db(HOSTS)
        .insert(rows.slice(i, i + 500))
        .onConflict(['host_id_hash', 'owner'])
        .merge()
        .where(
          `${HOSTS}.reported_at`,
          '<',
          this.db.ref('excluded.reported_at'),
        );
    }
  }

  /**
   * Host reports (a host per owner), newest first; with `ownerRefs`, only
   * those owners' (a developer's own), in the query. The counts are of the
   * same reports the list shows, so the count and the rows agree: two
   * people's agents on one machine report it separately, and one may enforce
   * while the other only reports.
   */
  async list(query: {
    ownerRefs?: string[];
    hostIdHash?: string;
    enforcing?: boolean;
    limit: number;
  }): Promise<HostEnforcementList> {
    const visible = () => {
      const q = this.db<HostRow>(HOSTS);
      if (query.ownerRefs) q.whereIn('owner', query.ownerRefs);
      if (query.hostIdHash) q.where('host_id_hash', query.hostIdHash);
      return q;
    };
    const page = visible()
      .orderBy([
        { column: 'reported_at', order: 'desc' },
        { column: 'host_id_hash', order: 'asc' },
      ])
      .limit(query.limit);
    if (query.enforcing !== undefined) page.where('enforcing', query.enforcing);
    const [rows, [counts]] = await Promise.all([
      page,
      visible().select(
        this.db.raw('COUNT(*) AS total'),
        this.db.raw(
          'COALESCE(SUM(CASE WHEN enforcing THEN 1 ELSE 0 END), 0) AS enforcing_reports',
        ),
      ),
    ]);
    return {
      items: rows.map(toState),
      total: Number((counts as any)?.total ?? 0),
      enforcing: Number((counts as any)?.enforcing_reports ?? 0),
    };
  }
}
