import type {
  Detection,
  FindingRegistryStatus,
  Layer,
  McpEvent,
  Signals,
} from '@mcpeeker/plugin-mcpeeker-common';

export type { Detection } from '@mcpeeker/plugin-mcpeeker-common';
import type { Classification } from '../services/correlation/scoring';
import type { Finding, RegistryMatch } from '../services/correlation/correlate';

export type { Finding } from '../services/correlation/correlate';

/**
 * Findings as the routes read them. Every engine builds them with the one
 * correlation step (`correlation/correlate.ts`); a store reads and writes
 * rows and decides nothing. Events reach findings through the engine's
 * EventStore, which correlates what it stores.
 */
export interface FindingQuery {
  classification?: Classification[];
  minScore?: number;
  maxScore?: number;
  layer?: Layer;
  hostIdHash?: string;
  registryStatus?: FindingRegistryStatus;
  since?: Date;
  until?: Date;
  /** Words to find in the server name or owner. */
  text?: string;
  /** Exactly this server name (an MCPServer entity's findings). */
  serverName?: string;
  /** Only findings scored without the Judge (it was unavailable), or only the others. */
  judgeUnavailable?: boolean;
  /** Only findings whose endpoint owner, or the owner of the approved entry they match, is one of these refs: where permissions narrow a list (in SQL, never after loading). */
  ownerRefs?: string[];
  sort?: 'score' | 'lastSeen';
  limit: number;
  /** Rows to skip: where the page starts. */
  offset?: number;
}

/** Counting stops here: beyond it the list says "10000+" instead of scanning millions of rows. */
export const MAX_COUNTED_FINDINGS = 10_000;

/** One page of findings. */
export interface FindingPage {
  items: Finding[];
  /** Where the next page starts, when there is one. */
  nextOffset?: number;
  /** How many match, up to MAX_COUNTED_FINDINGS. */
  totalCount: number;
  /** True when more than MAX_COUNTED_FINDINGS match. */
  totalCountCapped: boolean;
}

/** Tells whether a finding matches an approved, unexpired registry entry. The registry fills it in. */
export interface RegistryLookup {
  match(finding: {
    compositeId: string;
    serverName?: string;
    hostIdHash?: string;
    /** Its tools as last reported (and by which layer), compared with the set pinned on the entry. */
    tools?: Signals['tools'];
  }): Promise<RegistryMatch>;
}

export const NO_REGISTRY: RegistryLookup = {
  match: async () => ({ approved: false }),
};

/** What detection says of one server name across the fleet. */
export interface ServerSummary {
  serverName: string;
  findings: number;
  hosts: number;
  maxScore: number;
  lastSeen: string;
  /** One owner of its findings (the alphabetically first), for a server nobody registered. */
  anOwner?: string;
}

/** Findings and detections; the pipeline and the routes never know which engine is behind it. */
export interface FindingStore {
  list(query: FindingQuery): Promise<FindingPage>;
  get(compositeId: string): Promise<Finding | undefined>;
  /**
   * The events behind a finding, newest first, by layer. With `ownerRefs`,
   * only what those owners may see: endpoint events reported for one of them,
   * gateway requests of one of them, and every network event.
   */
  evidence(
    compositeId: string,
    perLayer: number,
    visibleTo?: { ownerRefs?: string[] },
  ): Promise<Record<Layer, McpEvent[]>>;
  /** Its detections (events merged per layer and dedup window), oldest first. */
  detections(compositeId: string): Promise<Detection[]>;
  /** Server names seen, with their findings, hosts and highest score; highest score first. */
  summarizeServers(limit: number): Promise<ServerSummary[]>;
  /** Scores findings again (the registry changed): by id, and by server name for fleet-wide entries. Returns how many. */
  rescore(target: {
    compositeIds?: string[];
    serverNames?: string[];
  }): Promise<number>;
}

/** Evidence with every layer present, each still empty. */
export function emptyEvidence(): Record<Layer, McpEvent[]> {
  return { endpoint: [], network: [], gateway: [] };
}
