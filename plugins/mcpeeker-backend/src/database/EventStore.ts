import type { McpEvent } from '@mcpeeker/plugin-mcpeeker-common';

/** What carried an event in: an HTTP batch, NATS JetStream, or the Judge's later verdict. */
export type IngestTransport = 'http' | 'nats' | 'judge';

export interface StoredEvent {
  event: McpEvent;
  transport: IngestTransport;
  redactedValues: number;
  receivedAt: Date;
  /**
   * Delivered once so far by a transport that drops repeats itself (NATS
   * JetStream: message id = event id within the duplicate window). A store
   * may take such an event as new without looking; it must still store it
   * idempotently.
   */
  firstDelivery?: boolean;
}

/** What storing a batch did. */
export interface StoredBatch {
  /** The events that were new (a redelivered one is not). */
  inserted: McpEvent[];
  duplicates: number;
  /** Time spent correlating them into findings, ms. */
  correlationMs: number;
}

/**
 * Accepted events, each stored once however often it is delivered. Storing
 * correlates: every engine puts new events into their findings in the same
 * write, so stored events and findings never disagree.
 */
export interface EventStore {
  /** Stores new events and correlates them; an id already stored is a duplicate and changes nothing. */
  addMany(events: StoredEvent[]): Promise<StoredBatch>;
  count(filter?: {
    layer?: McpEvent['layer'];
    compositeId?: string;
  }): Promise<number>;
  get(eventId: string): Promise<McpEvent | undefined>;
}
