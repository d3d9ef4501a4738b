/** Where the owners of enrolled hosts are read from (the agent store). */
export interface EnrolledHostOwners {
  ownersOfHosts(hostIdHashes: string[]): Promise<Map<string, string[]>>;
}

/**
 * Who owns what an endpoint reports, decided in one place for every
 * transport: on a host an agent was enrolled on, the enrolment's owner, not
 * the event's claim. A host enrolled by several owners (a shared machine, one
 * agent per person) keeps the claim only when it is one of them; any other
 * claim is dropped, so the finding belongs to nobody rather than to a name
 * the sender made up. A host nobody enrolled keeps the claim (the static
 * token's trusted senders and the embedded default).
 *
 * Per replica, hosts are cached (enrolled or not) for `ttlMs`; this replica's
 * own enrolments and revocations clear the cache at once.
 */
export class HostOwners {
  private readonly cache = new Map<
    string,
    { owners: string[]; until: number }
  >();

  constructor(
    private readonly source: EnrolledHostOwners,
    private readonly options: {
      ttlMs?: number;
      maxHosts?: number;
      now?: () => number;
    } = {},
  ) {}

  /** Reads the hosts not cached (or stale) in one query. */
  async load(hostIdHashes: Iterable<string>): Promise<void> {
    const now = this.now();
    const missing = [...new Set(hostIdHashes)].filter(
      h => (this.cache.get(h)?.until ?? 0) <= now,
    );
    if (missing.length === 0) return;
    const found = await this.source.ownersOfHosts(missing);
    const until = now + (this.options.ttlMs ?? 30_000);
    for (const host of missing) {
      // Re-inserted last, so the oldest entries are the first evicted.
      this.cache.delete(host);
      this.cache.set(host, { owners: found.get(host) ?? [], until });
    }
    const max = this.options.maxHosts ?? 50_000;
    for (const key of this.cache.keys()) {
      if (this.cache.size <= max) break;
      this.cache.delete(key);
    }
  }

  /** The owner an event from this host is stored with; call `load` for the batch's hosts first. */
  ownerFor(
    hostIdHash: string,
    claimed: string | undefined,
  ): string | undefined {
    const owners = this.cache.get(hostIdHash)?.owners ?? [];
    if (owners.length === 0) return claimed;
    if (owners.length === 1) return owners[0];
    return claimed && owners.includes(claimed) ? claimed : undefined;
  }

  /** Forgets everything (an enrolment or revocation on this replica). */
  clear(): void {
    this.cache.clear();
  }

  private now() {
    return this.options.now?.() ?? Date.now();
  }
}
