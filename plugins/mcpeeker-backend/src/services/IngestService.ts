import { LoggerService } from '@backstage/backend-plugin-api';
import {
  EventValidationIssue,
  formatValidationIssues,
  McpEvent,
  redactSecrets,
  validateEvent,
} from '@mcpeeker/plugin-mcpeeker-common';
import { DeadLetterStore } from '../database/DeadLetterStore';
import { EventStore } from '../database/EventStore';

/** What happened to one batch. */
export interface IngestResult {
  /** Valid events stored now. */
  accepted: number;
  /** Valid events already stored before (a resend): nothing changed. */
  duplicates: number;
  /** Invalid items, by position in the batch, with every field that is wrong. */
  rejected: Array<{
    index: number;
    eventId?: string;
    issues: EventValidationIssue[];
  }>;
  /** Secret-looking values that arrived unredacted and were redacted before storage. */
  redactedValues: number;
}

/**
 * The one entrance for events, whatever carried them (HTTP batch or NATS):
 * validate against the common schema, redact again (defence in depth), store
 * idempotently; invalid items become dead letters with the reason.
 */
export class IngestService {
  constructor(
    private readonly options: {
      events: EventStore;
      deadLetters: DeadLetterStore;
      salt: string;
      logger: LoggerService;
    },
  ) {}

  async ingest(
    items: unknown[],
    transport: 'http' | 'nats',
    context: { messageIds?: string[] } = {},
  ): Promise<IngestResult> {
    const receivedAt = new Date();
    const valid: Array<{ event: McpEvent; redactedValues: number }> = [];
    const rejected: IngestResult['rejected'] = [];
    let redactedValues = 0;
    for (const [index, item] of items.entries()) {
      const result = validateEvent(item);
      if (!result.success) {
        const eventId =
          typeof (item as any)?.eventId === 'string'
            ? String((item as any).eventId).slice(0, 64)
            : undefined;
        rejected.push({
          index,
          ...(eventId ? { eventId } : {}),
          issues: result.issues,
        });
        await this.options.deadLetters.add({
          transport,
          layer:
            typeof (item as any)?.layer === 'string'
              ? String((item as any).layer).slice(0, 16)
              : undefined,
          messageId:
            context.messageIds?.[index] ??
            (eventId ? `event:${eventId}` : undefined),
          reason: formatValidationIssues(result.issues),
          payload: safeStringify(item),
          receivedAt,
        });
        continue;
      }
      const { value, redactions } = redactSecrets(result.event, {
        salt: this.options.salt,
      });
      redactedValues += redactions;
      valid.push({ event: value, redactedValues: redactions });
    }
    const { inserted, duplicates } = await this.options.events.addMany(
      valid.map(v => ({ ...v, transport, receivedAt })),
    );
    if (redactedValues > 0) {
      this.options.logger.warn(
        `Redacted ${redactedValues} secret-looking values that reached MCPeeker unredacted`,
        { transport },
      );
    }
    if (rejected.length > 0) {
      this.options.logger.warn(`Rejected ${rejected.length} invalid events`, {
        transport,
        firstReason: formatValidationIssues(rejected[0].issues),
      });
    }
    return { accepted: inserted, duplicates, rejected, redactedValues };
  }
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
