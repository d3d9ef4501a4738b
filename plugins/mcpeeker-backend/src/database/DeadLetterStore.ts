import { DatabaseService } from '@backstage/backend-plugin-api';
import { redactSecrets } from '@mcpeeker/plugin-mcpeeker-common';
import { Knex } from 'knex';
import { applyDatabaseMigrations } from './migrations';
import type { IngestTransport } from './EventStore';

/** Longest payload kept with a dead letter. */
export const MAX_DEAD_LETTER_PAYLOAD = 64 * 1024;

/** An event that could not be accepted, and why. */
export interface DeadLetter {
  id: string;
  transport: IngestTransport;
  layer?: string;
  messageId?: string;
  reason: string;
  /** Redacted, at most 64 KiB. */
  payload: string;
  payloadBytes: number;
  receivedAt: string;
}

export interface NewDeadLetter {
  transport: IngestTransport;
  layer?: string;
  messageId?: string;
  reason: string;
  payload: string;
  receivedAt?: Date;
}

/** Where rejected events go, so that nothing is dropped silently. */
export interface DeadLetterStore {
  /**
   * Stores a dead letter. Idempotent per `(transport, messageId)`: a
   * redelivered bad message is recorded once. Returns whether it was new.
   */
  add(letter: NewDeadLetter): Promise<{ added: boolean }>;
  list(options: { limit: number; beforeId?: string }): Promise<DeadLetter[]>;
  count(): Promise<number>;
}

type Row = {
  id: number | string;
  transport: IngestTransport;
  layer: string | null;
  message_id: string | null;
  reason: string;
  payload: string;
  payload_bytes: number;
  received_at: Date | string;
};

const TABLE = 'mcpeeker_dead_letters';

/** Dead letters in the Backstage database (SQLite or PostgreSQL). */
export class DatabaseDeadLetterStore implements DeadLetterStore {
  static async create(options: {
    database: DatabaseService;
    salt: string;
    skipMigrations?: boolean;
  }): Promise<DatabaseDeadLetterStore> {
    const client = await applyDatabaseMigrations(options.database, options);
    return new DatabaseDeadLetterStore(client, options.salt);
  }

  private constructor(
    private readonly db: Knex,
    private readonly salt: string,
  ) {}

  async add(letter: NewDeadLetter): Promise<{ added: boolean }> {
    // A rejected payload is the least trusted text there is: redact first.
    const redacted = redactSecrets(letter.payload, { salt: this.salt }).value;
    const row = {
      transport: letter.transport,
      layer: letter.layer ?? null,
      message_id: letter.messageId ?? null,
      reason: letter.reason.slice(0, 4096),
      payload: redacted.slice(0, MAX_DEAD_LETTER_PAYLOAD),
      payload_bytes: Buffer.byteLength(letter.payload, 'utf8'),
      received_at: letter.receivedAt ?? new Date(),
    };
    const query = this.db(TABLE).insert(row);
    if (letter.messageId === undefined) {
      await query;
      return { added: true };
    }
    const inserted = await query
      .onConflict(['transport', 'message_id'])
      .ignore()
      .returning('id');
    return { added: inserted.length > 0 };
  }

  async list(options: {
    limit: number;
    beforeId?: string;
  }): Promise<DeadLetter[]> {
    let query = this.db<Row>(TABLE)
      .select('*')
      .orderBy('id', 'desc')
      .limit(options.limit);
    if (options.beforeId !== undefined) {
      query = query.where('id', '<', Number(options.beforeId));
    }
    const rows: Row[] = await query;
    return rows.map(row => ({
      id: String(row.id),
      transport: row.transport,
      layer: row.layer ?? undefined,
      messageId: row.message_id ?? undefined,
      reason: row.reason,
      payload: row.payload,
      payloadBytes: Number(row.payload_bytes),
      receivedAt: new Date(row.received_at).toISOString(),
    }));
  }

  async count(): Promise<number> {
    const [{ count }] = await this.db(TABLE).count({ count: '*' });
    return Number(count);
  }
}
