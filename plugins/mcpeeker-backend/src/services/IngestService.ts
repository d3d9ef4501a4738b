import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  computeEventId,
  EventValidationIssue,
  formatValidationIssues,
  HostStatus,
  IngestResult,
  McpEvent,
  redactSecrets,
  validateEvent,
  validateHostStatus,
} from '@mcpeeker/plugin-mcpeeker-common';
import { createHash } from 'node:crypto';
import { DeadLetterStore } from '../database/DeadLetterStore';
import { EventStore, IngestTransport } from '../database/EventStore';
import type { HostStore } from '../database/HostStore';
import type { ScanInventories } from '../database/ScanInventories';
import { IngestMetrics } from './IngestMetrics';
import type { HostOwners } from './HostOwners';
import type { JudgeService } from './judge/JudgeService';

/** An enrolled agent sending with its own credential: what it may report, and for whom. */
export interface IngestingAgent {
  id: string;
  hostIdHash: string;
  owner: string;
}

/** What happened to one batch: the wire type in common. */
export type { IngestResult };

/**
 * The one entrance for events, whatever carried them (HTTP batch or NATS):
 * validate against the common schema, redact again (defence in depth), store
 * idempotently; invalid items become dead letters with the reason.
 */
export class IngestService {
  constructor(
    private readonly options: {
      /** Stores and correlates (see EventStore). */
      events: EventStore;
      deadLetters: DeadLetterStore;
      salt: string;
      logger: LoggerService;
      metrics?: IngestMetrics;
      /** Owners of enrolled hosts: an endpoint's owner comes from its enrolment, not from its claim. */
      owners?: HostOwners;
      /** Classifies gateway events that arrive without a verdict. */
      judge?: Pick<JudgeService, 'judgeEvent'>;
      /** Each host's latest managed-policy state, from its endpoint events and statuses. */
      hosts?: Pick<HostStore, 'record'>;
      /** Each host's and owner's latest scan inventory: what marks servers no longer reported. */
      inventories?: Pick<ScanInventories, 'record'>;
    },
  ) {}

  /**
   * A host's status sent beside (or instead of) its events: kept as the
   * host's enforcement state, owned as its events would be. An agent
   * credential speaks for its own host only.
   */
  async reportHost(status: HostStatus, agent?: IngestingAgent): Promise<void> {
    if (agent && status.idHash !== agent.hostIdHash)
      throw new InputError(
        'Invalid host status: host.idHash is not the host this agent credential was enrolled for',
      );
    const owners = this.options.owners;
    if (!agent) await owners?.load([status.idHash]);
    let owner = agent?.owner ?? status.owner;
    if (!agent && owners) owner = owners.ownerFor(status.idHash, status.owner);
    const { owner: _claimed, scan, ...rest } = status;
    await this.options.hosts?.record([
      { ...rest, ...(owner ? { owner } : {}) },
    ]);
    if (scan)
      await this.options.inventories?.record([
        {
          hostIdHash: status.idHash,
          ...(owner ? { owner } : {}),
          observedAt: status.observedAt,
          scan,
        },
      ]);
  }

  /**
   * Host statuses a transport carries on their own (NATS): each validated as
   * the HTTP route validates `host` (`hostStatusSchema`), then reported; an
   * invalid or unreadable one becomes a dead letter with the reason, as an
   * invalid event does. Returns how many were rejected.
   */
  async reportHostsParsed(
    entries: Array<
      | { value: unknown; messageId?: string }
      | { unparseable: string; reason: string; messageId?: string }
    >,
    transport: IngestTransport,
  ): Promise<{ rejected: number }> {
    const receivedAt = new Date();
    let rejected = 0;
    for (const entry of entries) {
      const result =
        'unparseable' in entry ? undefined : validateHostStatus(entry.value);
      if (result?.success) {
        await this.reportHost(result.status);
        continue;
      }
      rejected++;
      await this.options.deadLetters.add({
        transport,
        layer: 'host-status',
        messageId: entry.messageId,
        reason:
          'unparseable' in entry
            ? entry.reason
            : `host status: ${formatValidationIssues(result!.issues)}`,
        payload:
          'unparseable' in entry
            ? entry.unparseable
            : safeStringify(entry.value),
        receivedAt,
      });
    }
    if (rejected > 0) {
      this.options.metrics?.deadLettered.add(rejected, { transport });
      this.options.logger.warn(`Rejected ${rejected} invalid host statuses`, {
        transport,
      });
    }
    return { rejected };
  }

  async ingest(
    items: unknown[],
    transport: IngestTransport,
    context: {
      messageIds?: string[];
      /** Sent with an agent credential: endpoint events of its host only, owned by its enrolment's owner. */
      agent?: IngestingAgent;
    } = {},
  ): Promise<IngestResult> {
    return this.ingestParsed(
      items.map((value, i) => ({ value, messageId: context.messageIds?.[i] })),
      transport,
      context.agent,
    );
  }

  /** Like `ingest`, for items some of which could not even be parsed. */
  async ingestParsed(
    entries: Array<
      | { value: unknown; messageId?: string; firstDelivery?: boolean }
      | { unparseable: string; reason: string; messageId?: string }
    >,
    transport: IngestTransport,
    agent?: IngestingAgent,
  ): Promise<IngestResult> {
    const receivedAt = new Date();
    const owners = this.options.owners;
    if (owners && !agent) {
      await owners.load(
        entries.flatMap(e => {
          const host = 'value' in e ? (e.value as any)?.host : undefined;
          return typeof host?.idHash === 'string' ? [host.idHash] : [];
        }),
      );
    }
    const valid: Array<{
      event: McpEvent;
      redactedValues: number;
      firstDelivery?: boolean;
    }> = [];
    const rejected: IngestResult['rejected'] = [];
    let redactedValues = 0;
    // The sender's id was checked against what it sent; an owner decided
    // here changes the content, so the id is computed again: the stored id
    // is the hash of the stored owner, and a resend still lands on it.
    const ownedBy = (event: McpEvent): McpEvent => {
      if (event.layer !== 'endpoint' || (!agent && !owners)) return event;
      const owner = agent
        ? agent.owner
        : owners?.ownerFor(event.host.idHash, event.host.owner);
      if (owner === event.host.owner) return event;
      const { owner: _claimed, ...host } = event.host;
      const rewritten = {
        ...event,
        host: owner === undefined ? host : { ...host, owner },
      };
      return {
        ...rewritten,
        eventId: computeEventId(
          rewritten as Record<string, unknown>,
          nativeSha256Hex,
        ),
      };
    };
    for (const [index, entry] of entries.entries()) {
      if ('unparseable' in entry) {
        rejected.push({
          index,
          issues: [{ field: '', message: entry.reason }],
        });
        await this.options.deadLetters.add({
          transport,
          messageId: entry.messageId,
          reason: entry.reason,
          payload: entry.unparseable,
          receivedAt,
        });
        continue;
      }
      const item = entry.value;
      let result = validateEvent(item, { sha256Hex: nativeSha256Hex });
      if (result.success && agent) {
        const issue = agentMayNotSend(result.event, agent);
        if (issue) result = { success: false, issues: [issue] };
      }
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
            entry.messageId ?? (eventId ? `event:${eventId}` : undefined),
          reason: formatValidationIssues(result.issues),
          payload: safeStringify(item),
          receivedAt,
        });
        continue;
      }
      const { value, redactions } = redactSecrets(ownedBy(result.event), {
        salt: this.options.salt,
      });
      redactedValues += redactions;
      valid.push({
        event: value,
        redactedValues: redactions,
        ...(entry.firstDelivery ? { firstDelivery: true } : {}),
      });
    }
    const judge = this.options.judge;
    if (judge) {
      // A gateway event without a verdict gets the Judge's (or is flagged as
      // scored without it). Its id stays the one it was sent with, so a
      // resend is still recognised whatever the Judge says the second time.
      await Promise.all(
        valid.map(async (v, i) => {
          if (v.event.layer === 'gateway' && !v.event.judge)
            valid[i] = { ...v, event: await judge.judgeEvent(v.event) };
        }),
      );
    }
    const metrics = this.options.metrics;
    const writeStarted = Date.now();
    const { inserted, duplicates, correlationMs } =
      await this.options.events.addMany(
        valid.map(v => ({ ...v, transport, receivedAt })),
      );
    if (inserted.length > 0) metrics?.correlation.record(correlationMs);
    // What each host's clients enforce, as its newest event says (none: it only reports).
    await this.options.hosts?.record(
      valid.flatMap(({ event }) =>
        event.layer === 'endpoint'
          ? [
              {
                idHash: event.host.idHash,
                os: event.host.os,
                ...(event.host.owner ? { owner: event.host.owner } : {}),
                ...(event.host.label ? { label: event.host.label } : {}),
                enforcement: event.host.enforcement ?? [],
                observedAt: event.observedAt,
              },
            ]
          : [],
      ),
    );
    // What each scan found in the configs, once its events are stored: the
    // servers of that host and owner it no longer names are no longer reported.
    await this.options.inventories?.record(
      valid.flatMap(({ event }) =>
        event.layer === 'endpoint' && event.scan
          ? [
              {
                hostIdHash: event.host.idHash,
                ...(event.host.owner ? { owner: event.host.owner } : {}),
                observedAt: event.observedAt,
                scan: event.scan,
              },
            ]
          : [],
      ),
    );
    const insertedLayers = inserted.map(e => e.layer);
    if (metrics) {
      metrics.storeWrite.record(Date.now() - writeStarted, { transport });
      for (const layer of insertedLayers)
        metrics.ingested.add(1, { layer, transport });
      if (duplicates > 0) metrics.duplicates.add(duplicates, { transport });
      for (const r of rejected) {
        const item: any =
          'value' in entries[r.index]
            ? (entries[r.index] as any).value
            : undefined;
        const layer =
          typeof item?.layer === 'string' &&
          ['endpoint', 'network', 'gateway'].includes(item.layer)
            ? item.layer
            : 'unknown';
        metrics.rejected.add(1, { layer, transport });
      }
      if (rejected.length > 0)
        metrics.deadLettered.add(rejected.length, { transport });
      if (redactedValues > 0)
        metrics.redacted.add(redactedValues, { transport });
    }
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
    return { accepted: inserted.length, duplicates, rejected, redactedValues };
  }
}

/**
 * Text payloads as a transport delivers them (NATS), parsed before ingest:
 * events, then the host statuses among them (`hostStatus`), so a status
 * follows the events sent before it.
 */
export async function ingestText(
  ingest: IngestService,
  payloads: Array<{
    text: string;
    messageId: string;
    firstDelivery?: boolean;
    /** A host status (NATS: on `hostStatusSubject`), not an event. */
    hostStatus?: boolean;
  }>,
  transport: IngestTransport,
): Promise<IngestResult> {
  const parsed = (p: (typeof payloads)[number]) => {
    try {
      return {
        value: JSON.parse(p.text) as unknown,
        messageId: p.messageId,
        firstDelivery: p.firstDelivery,
      };
    } catch (error) {
      return {
        unparseable: p.text,
        reason: `not JSON: ${(error as Error).message}`,
        messageId: p.messageId,
      };
    }
  };
  const statuses = payloads.filter(p => p.hostStatus);
  const events = payloads.filter(p => !p.hostStatus);
  const result =
    events.length > 0
      ? await ingest.ingestParsed(events.map(parsed), transport)
      : { accepted: 0, duplicates: 0, rejected: [], redactedValues: 0 };
  if (statuses.length > 0)
    await ingest.reportHostsParsed(statuses.map(parsed), transport);
  return result;
}

/** Why an agent credential may not send this event, if it may not. */
function agentMayNotSend(
  event: McpEvent,
  agent: IngestingAgent,
): EventValidationIssue | undefined {
  if (event.layer !== 'endpoint')
    return {
      field: 'layer',
      message: 'an agent credential reports endpoint events only',
    };
  if (event.host.idHash !== agent.hostIdHash)
    return {
      field: 'host.idHash',
      message: 'is not the host this agent credential was enrolled for',
    };
  return undefined;
}

function nativeSha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
