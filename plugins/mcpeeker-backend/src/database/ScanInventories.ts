import type { ScanInventory } from '@mcpeeker/plugin-mcpeeker-common';
import { Knex } from 'knex';
import type { KnownInventory } from '../services/correlation/correlate';
import type { InventoryLookup, RescoreTarget } from './FindingStore';
import { chunks } from './queryHelpers';

const TABLE = 'mcpeeker_scan_inventories';

type Row = {
  host_id_hash: string;
  owner: string;
  scanned_at: number | string;
  config_ids: string;
};

/** One scan's inventory as a report carries it: whose host, when. */
export interface ReportedInventory {
  hostIdHash: string;
  owner?: string;
  /** The scan's time (its events' `observedAt`). */
  observedAt: string;
  scan: ScanInventory;
}

const keyOf = (hostIdHash: string, owner: string) => `${hostIdHash}\n${owner}`;

/**
 * Each host's and owner's latest complete scan inventory, in the Backstage
 * database whatever store holds findings (one row per host and owner). A
 * scan that could not read a config file is not kept: its servers may be in
 * that file, so it marks nothing gone. It is the correlator's
 * `InventoryLookup`: `inventoryOf` reads a snapshot, read again after each
 * change here and periodically for other replicas'; the findings on a host
 * whose inventory changed are rescored, so what the lists filter on follows.
 */
export class ScanInventories implements InventoryLookup {
  private snapshot = new Map<string, KnownInventory>();
  private refreshing: Promise<unknown> = Promise.resolve();
  private rescore?: (target: RescoreTarget) => Promise<unknown>;

  constructor(private readonly db: Knex) {}

  /** How the findings of a host whose inventory changed are rescored (the finding store is built after this). */
  rescoreWith(rescore: (target: RescoreTarget) => Promise<unknown>): void {
    this.rescore = rescore;
  }

  inventoryOf(hostIdHash: string, owner: string): KnownInventory | undefined {
    return this.snapshot.get(keyOf(hostIdHash, owner));
  }

  /**
   * Keeps each host's and owner's latest complete inventory (an older one, a
   * resend or a spooled batch arriving late, never replaces a newer one),
   * then rescores the findings of the hosts whose inventory changed.
   */
  async record(reports: ReportedInventory[]): Promise<void> {
    const latest = new Map<string, Row>();
    for (const r of reports) {
      if (r.scan.unreadConfigs.length > 0) continue;
      const owner = r.owner ?? '';
      const at = Date.parse(r.observedAt);
      const key = keyOf(r.hostIdHash, owner);
      const seen = latest.get(key);
      if (seen && Number(seen.scanned_at) >= at) continue;
      latest.set(key, {
        host_id_hash: r.hostIdHash,
        owner,
        scanned_at: at,
        config_ids: JSON.stringify([...new Set(r.scan.configIds)].sort()),
      });
    }
    const fresh = [...latest.values()].filter(
      row =>
        (this.inventoryOf(row.host_id_hash, row.owner)?.at ?? -Infinity) <
        Number(row.scanned_at),
    );
    if (fresh.length === 0) return;
    for (const part of chunks(fresh, 200))
      await this.db(TABLE)
        .insert(part)
        .onConflict(['host_id_hash', 'owner'])
        .merge()
        .where(`${TABLE}.scanned_at`, '<', this.db.ref('excluded.scanned_at'));
    for (const row of fresh)
      this.snapshot.set(keyOf(row.host_id_hash, row.owner), {
        at: Number(row.scanned_at),
        configIds: new Set(JSON.parse(row.config_ids) as string[]),
      });
    if (this.rescore)
      await this.rescore({
        hostIdHashes: [...new Set(fresh.map(r => r.host_id_hash))].sort(),
      });
  }

  /** Reads the inventories again; rescores the findings on hosts whose inventory changed. One at a time. */
  refresh(): Promise<void> {
    const next = this.refreshing.then(() => this.refreshNow());
    this.refreshing = next.catch(() => undefined);
    return next;
  }

  private async refreshNow(): Promise<void> {
    const next = new Map<string, KnownInventory>();
    for (const row of await this.db<Row>(TABLE).select())
      next.set(keyOf(row.host_id_hash, row.owner), {
        at: Number(row.scanned_at),
        configIds: new Set(JSON.parse(row.config_ids) as string[]),
      });
    const hosts = new Set<string>();
    for (const [key, inventory] of next)
      if (this.snapshot.get(key)?.at !== inventory.at)
        hosts.add(key.split('\n')[0]);
    this.snapshot = next;
    if (hosts.size > 0 && this.rescore)
      await this.rescore({ hostIdHashes: [...hosts].sort() });
  }
}
