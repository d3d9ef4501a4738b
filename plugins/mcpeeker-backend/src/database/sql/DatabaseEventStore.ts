import { DatabaseService } from '@backstage/backend-plugin-api';
import type { McpEvent } from '@mcpeeker/plugin-mcpeeker-common';
import { Knex } from 'knex';
import type { EventStore, StoredBatch, StoredEvent } from '../EventStore';
import { applyDatabaseMigrations } from '../migrations';

/** SQL engines: what correlates new events in the transaction that stored them (DatabaseFindingStore). */
export interface SqlCorrelator {
  correlate(tx: Knex.Transaction, events: McpEvent[]): Promise<void>;
}

const TABLE = 'mcpeeker_events';

export class DatabaseEventStore implements EventStore {
  static async create(options: {
    database: DatabaseService;
    /** Correlates what is stored: the finding store of the same database. */
    correlator: SqlCorrelator;
    skipMigrations?: boolean;
  }): Promise<DatabaseEventStore> {
    return new DatabaseEventStore(
      await applyDatabaseMigrations(options.database, options),
      options.correlator,
    );
  }

  private constructor(
    private readonly db: Knex,
    private readonly correlator: SqlCorrelator,
  ) {}

  async addMany(events: StoredEvent[]): Promise<StoredBatch> {
    if (events.length === 0)
      return { inserted: [], duplicates: 0, correlationMs: 0 };
    // One batch may carry the same event twice: the first one counts.
    const unique = [...new Map(events.map(e => [e.event.eventId, e])).values()];
    const rows = unique.map(
      ({ event, transport, redactedValues, receivedAt }) => ({
        event_id: event.eventId,
        layer: event.layer,
        composite_id: event.compositeId,
        host_id_hash: event.layer === 'endpoint' ? event.host.idHash : null,
        observed_at: new Date(event.observedAt),
        received_at: receivedAt,
        transport,
        redacted_values: redactedValues,
        payload: JSON.stringify(event),
      }),
    );
    let inserted: McpEvent[] = [];
    let correlationMs = 0;
    await this.db.transaction(async tx => {
      const insertedIds = new Set<string>();
      for (let i = 0; i < rows.length; i += 200) {
        const result = await tx(TABLE)
          .insert(rows.slice(i, i + 200))
          .onConflict('event_id')
          .ignore()
          .returning('event_id');
        for (const r of result) {
          insertedIds.add(typeof r === 'string' ? r : r.event_id);
        }
      }
      // Only what is new moves findings: a redelivery changes nothing.
      inserted = unique
        .filter(e => insertedIds.has(e.event.eventId))
        .map(e => e.event);
      const started = Date.now();
      await this.correlator.correlate(tx, inserted);
      correlationMs = Date.now() - started;
    });
    return {
      inserted,
      duplicates: events.length - inserted.length,
      correlationMs,
    };
  }

  async count(
    filter: { layer?: McpEvent['layer']; compositeId?: string } = {},
  ): Promise<number> {
    const query = this.db(TABLE).count({ count: '*' });
    if (filter.layer) query.where('layer', filter.layer);
    if (filter.compositeId) query.where('composite_id', filter.compositeId);
    const [{ count }] = await query;
    return Number(count);
  }

  async get(eventId: string): Promise<McpEvent | undefined> {
    const row = await this.db(TABLE)
      .where('event_id', eventId)
      .first('payload');
    return row ? (JSON.parse(row.payload) as McpEvent) : undefined;
  }
}
