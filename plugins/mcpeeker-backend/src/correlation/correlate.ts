import { compositeId, McpEvent } from '@mcpeeker/plugin-mcpeeker-common';
import type { Signals } from './scoring';
import type { RuleHit } from './rules';

/** What one event tells about its finding. */
export interface FindingUpdate {
  compositeId: string;
  layer: McpEvent['layer'];
  source: string;
  observedAt: Date;
  serverName?: string;
  hostIdHash?: string;
  owner?: string;
  judge?: Signals['judge'];
  judgeUnavailable?: boolean;
  highSeverity?: boolean;
  rules?: RuleHit[];
}

/**
 * Which finding an event belongs to, and what it adds. A network event on an
 * address an agent reported (hashed with the same salt) lands on that host's
 * server at that port, the same identity the agent's port detection has.
 */
export function toFindingUpdate(
  event: McpEvent,
  hostOfAddress: (addressHash: string) => string | undefined,
): FindingUpdate {
  const base = { layer: event.layer, observedAt: new Date(event.observedAt) };
  switch (event.layer) {
    case 'endpoint': {
      const d = event.detection;
      let serverName: string | undefined;
      if (d.source === 'port') serverName = d.serverInfo.name;
      else if (d.source === 'process')
        serverName =
          d.configRef?.serverName ?? d.args.find(a => /mcp/i.test(a));
      else serverName = d.serverName;
      return {
        ...base,
        compositeId: event.compositeId,
        source: d.source,
        serverName,
        hostIdHash: event.host.idHash,
        owner: event.host.owner,
      };
    }
    case 'network': {
      const hostIdHash = hostOfAddress(event.flow.dstAddressHash);
      return {
        ...base,
        compositeId: hostIdHash
          ? compositeId({ hostIdHash, port: event.flow.dstPort })
          : event.compositeId,
        source: event.signature?.id ?? 'traffic',
        serverName: event.mcp.serverInfo?.name,
        hostIdHash,
        highSeverity: event.signature?.severity === 'high',
      };
    }
    default:
      return {
        ...base,
        compositeId: event.compositeId,
        source: 'request',
        serverName: event.request.mcpServers[0]?.name,
        owner: event.request.userRef,
        judge: event.judge
          ? {
              verdict: event.judge.verdict,
              confidence: event.judge.confidence,
              explanation: event.judge.explanation,
            }
          : undefined,
        judgeUnavailable: !event.judge,
      };
  }
}

export const emptySignals = (): Signals => ({
  counts: {},
  judgeUnavailable: false,
  highSeveritySignatures: 0,
});

/** Adds one update to a finding's signals. Commutative: the order events arrive in does not matter. */
export function mergeSignals(signals: Signals, update: FindingUpdate): Signals {
  const counts = {
    ...signals.counts,
    [update.layer]: { ...(signals.counts[update.layer] ?? {}) },
  };
  counts[update.layer]![update.source] =
    (counts[update.layer]![update.source] ?? 0) + 1;
  let judge = signals.judge;
  if (update.judge && (!judge || update.judge.confidence > judge.confidence))
    judge = update.judge;
  return {
    counts,
    judge,
    // Unavailable only while no verdict has arrived at all.
    judgeUnavailable:
      !judge && (signals.judgeUnavailable || update.judgeUnavailable === true),
    highSeveritySignatures:
      signals.highSeveritySignatures + (update.highSeverity ? 1 : 0),
    rules: mergeRules(signals.rules ?? {}, update.rules ?? []),
  };
}

function mergeRules(
  rules: NonNullable<Signals['rules']>,
  hits: RuleHit[],
): NonNullable<Signals['rules']> {
  const out = { ...rules };
  for (const hit of hits) {
    out[hit.id] = {
      name: hit.name,
      severity: hit.severity,
      tags: hit.tags,
      count: (out[hit.id]?.count ?? 0) + 1,
    };
  }
  return out;
}
