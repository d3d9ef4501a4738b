import type { z } from 'zod';
import {
  EVENT_SCHEMA_VERSION,
  HostStatus,
  hostStatusSchema,
  McpEvent,
  mcpEventSchema,
} from './schema';
import { computeEventId } from './eventId';
import {
  exceedsJsonDepth,
  findNulCharacter,
  MAX_JSON_DEPTH,
} from '../json/untrustedJson';

/** One thing wrong with an event, in words a sender can act on. @public */
export interface EventValidationIssue {
  /** Dotted path of the field, e.g. `detection.port`; empty for the event itself. */
  field: string;
  message: string;
}

/** @public */
export type EventValidationResult =
  | { success: true; event: McpEvent }
  | { success: false; issues: EventValidationIssue[] };

function toIssues(error: z.ZodError): EventValidationIssue[] {
  return error.issues.map(issue => ({
    field: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/**
 * What makes untrusted input unfit to look at any further, checked before
 * anything recursive runs and before storage that refuses NUL.
 */
function untrustedInputIssue(input: unknown): EventValidationIssue | undefined {
  if (exceedsJsonDepth(input))
    return {
      field: '',
      message: `is nested deeper than ${MAX_JSON_DEPTH} levels`,
    };
  const nul = findNulCharacter(input);
  if (nul !== undefined)
    return { field: nul, message: 'must not contain NUL (\\u0000) characters' };
  return undefined;
}

/** @public */
export type HostStatusValidationResult =
  | { success: true; status: HostStatus }
  | { success: false; issues: EventValidationIssue[] };

/**
 * Validates untrusted input as a host status (`hostStatusSchema`), as a
 * transport that carries one on its own delivers it (NATS), with the same
 * guards as an event. Never throws.
 *
 * @public
 */
export function validateHostStatus(input: unknown): HostStatusValidationResult {
  const unsafe = untrustedInputIssue(input);
  if (unsafe) return { success: false, issues: [unsafe] };
  const parsed = hostStatusSchema.safeParse(input);
  return parsed.success
    ? { success: true, status: parsed.data }
    : { success: false, issues: toIssues(parsed.error) };
}

/**
 * Validates untrusted input as an MCPeeker event: the schema, and that
 * `eventId` is the hash of the content (so an id can't be reused for other
 * content). Never throws.
 *
 * @public
 */
export function validateEvent(
  input: unknown,
  options: {
    /** SHA-256 as lowercase hex, for the `eventId` check; Node's native one is five times faster than the portable default. */
    sha256Hex?: (text: string) => string;
  } = {},
): EventValidationResult {
  const unsafe = untrustedInputIssue(input);
  if (unsafe) return { success: false, issues: [unsafe] };
  const parsed = mcpEventSchema.safeParse(input);
  if (!parsed.success) {
    return { success: false, issues: toIssues(parsed.error) };
  }
  // The sender hashed what it sent, so the check runs on the raw input.
  const expected = computeEventId(
    input as Record<string, unknown>,
    options.sha256Hex,
  );
  if (parsed.data.eventId !== expected) {
    return {
      success: false,
      issues: [
        {
          field: 'eventId',
          message: `does not match the event's content (expected ${expected})`,
        },
      ],
    };
  }
  // A field the sender left out and the schema defaulted is in the event now,
  // so its id is recomputed: an accepted event's id is always the hash of its
  // own content, and it validates again wherever it goes next.
  if (defaultsApplied(input as Record<string, any>)) {
    return {
      success: true,
      event: {
        ...parsed.data,
        eventId: computeEventId(parsed.data, options.sha256Hex),
      },
    };
  }
  return { success: true, event: parsed.data };
}

/** The fields the schema fills in with `.default([])` when they are absent. */
function defaultsApplied(input: Record<string, any>): boolean {
  return (
    input.evidence === undefined ||
    (input.layer === 'endpoint' && input.host.addressHashes === undefined) ||
    (input.layer === 'gateway' && input.request.mcpServers === undefined)
  );
}

/** Formats issues as one line: `field: message; field: message`. @public */
export function formatValidationIssues(issues: EventValidationIssue[]): string {
  return issues
    .map(i => (i.field ? `${i.field}: ${i.message}` : i.message))
    .join('; ');
}

/** An event's content as a producer builds it: everything but the envelope's derived fields. @public */
export type McpEventContent = DistributiveOmit<
  z.input<typeof mcpEventSchema>,
  'eventId' | 'schemaVersion'
>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown
  ? Omit<T, K>
  : never;

/**
 * Builds a valid event from its content: stamps the schema version, applies
 * defaults and computes `eventId`. Throws an `Error` naming each bad field.
 *
 * @public
 */
export function createEvent(content: McpEventContent): McpEvent {
  const parsed = mcpEventSchema.safeParse({
    ...content,
    schemaVersion: EVENT_SCHEMA_VERSION,
    eventId: '0'.repeat(64),
  });
  if (!parsed.success) {
    throw new Error(
      `Invalid MCPeeker event: ${formatValidationIssues(
        toIssues(parsed.error),
      )}`,
    );
  }
  const event = parsed.data;
  return {
    ...event,
    eventId: computeEventId(event as Record<string, unknown>),
  };
}

/**
 * What the backend answers a batch of events with (`POST /events`, 202 or
 * 400 when some items were invalid): the wire type the agent reads. @public
 */
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

/** One rejected item of an {@link IngestResult} in words: `field: reason; …`. @public */
export function describeRejection(
  rejection: IngestResult['rejected'][number],
): string {
  return rejection.issues.length > 0
    ? rejection.issues
        .map(i => `${i.field || 'event'}: ${i.message}`)
        .join('; ')
    : 'rejected';
}
