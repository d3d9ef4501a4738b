import crypto from 'node:crypto';
import { Knex } from 'knex';
import { RISK_KINDS, RiskKind } from '@mcpeeker/plugin-mcpeeker-common';
import {
  Finding,
  FindingStore,
  findingVisibleTo,
} from '../database/FindingStore';
import type { RegistryNotifier } from './RegistryNotifier';

const SENT = 'mcpeeker_risk_alerts';

/** The high-severity kinds of risk a finding carries that count (none accepted on its entry), each with its facts. */
export function highRisksOf(
  finding: Finding,
): Map<RiskKind, NonNullable<Finding['signals']['risks']>> {
  const accepted = new Set(
    finding.breakdown.contributions
      .filter(c => c.acceptedRisk)
      .map(c => c.riskKind),
  );
  const out = new Map<RiskKind, NonNullable<Finding['signals']['risks']>>();
  for (const fact of finding.signals.risks ?? [])
    if (fact.severity === 'high' && !accepted.has(fact.kind))
      out.set(fact.kind, [...(out.get(fact.kind) ?? []), fact]);
  return out;
}

/** What a high-risk alert is about: the finding, on its host, under its name. */
export type RiskAlertServer = {
  compositeId: string;
  hostIdHash?: string;
  serverName?: string;
};

/**
 * The server an owner is told of a high risk on, whatever its identity: its
 * name on its host. A fix that changes the identity (a version pinned, a key
 * moved to an environment reference) makes a new finding of the same server
 * to its owner, who was told of its risks already. A finding without a name
 * is its own server. The one key of "told already": what is recorded, the
 * portal notification's scope, a PagerDuty incident's dedup key.
 */
export function riskAlertServerKey(server: RiskAlertServer): string {
  if (!server.serverName) return server.compositeId;
  return crypto
    .createHash('sha256')
    .update(`${server.hostIdHash ?? ''}\0${server.serverName}`)
    .digest('hex');
}

/** Whom a kind was told of, as recorded: an owner, or '' for facts no report named an owner for. */
const recipientKey = (owner?: string) => owner ?? '';

/** Told of this kind on this server (or, as recorded before servers were, on this finding). */
const told = async (
  db: Knex,
  server: RiskAlertServer,
  kind: RiskKind,
  owner?: string,
) =>
  !!(await db(SENT)
    .where({ kind, owner: recipientKey(owner) })
    .andWhere(q =>
      q
        .where({ composite_id: server.compositeId })
        .orWhere({ server_key: riskAlertServerKey(server) }),
    )
    .first());

/** Remembers a kind told to an owner on a server; false when it was told already (here, or by another replica just now). */
async function record(
  db: Knex,
  server: RiskAlertServer,
  kind: RiskKind,
  owner?: string,
): Promise<boolean> {
  if (await told(db, server, kind, owner)) return false;
  try {
    await db(SENT).insert({
      composite_id: server.compositeId,
      server_key: riskAlertServerKey(server),
      kind,
      owner: recipientKey(owner),
      alerted_at: new Date(),
    });
    return true;
  } catch (error) {
    // A unique key: another replica recorded it first. Anything else is a failure.
    if (await told(db, server, kind, owner)) return false;
    throw error;
  }
}

/**
 * Each owner's high risks on a finding: the kinds the facts their endpoints
 * reported carry, as they see the finding (`findingVisibleTo`), and under
 * no owner the facts no report named an owner for.
 */
function highRisksByOwner(
  finding: Finding,
): Array<[string | undefined, ReturnType<typeof highRisksOf>]> {
  const out: Array<[string | undefined, ReturnType<typeof highRisksOf>]> = [];
  for (const owner of finding.owners) {
    const risks = highRisksOf(
      findingVisibleTo(finding, { ownerRefs: [owner] }),
    );
    if (risks.size > 0) out.push([owner, risks]);
  }
  const unowned = (finding.signals.risks ?? []).filter(f => !f.owners?.length);
  if (unowned.length > 0) {
    const risks = highRisksOf({
      ...finding,
      signals: { ...finding.signals, risks: unowned },
    });
    if (risks.size > 0) out.push([undefined, risks]);
  }
  return out;
}

/**
 * Tells of each new high-severity kind of risk on a server once — not once
 * per scan, nor again when a fix made a new finding of it
 * (`riskAlertServerKey`) — to each owner whose endpoints reported it, about their own
 * facts only (a shared host's owners do not hear of each other's config
 * files): in the portal (with the fix, linking to the finding) and to the
 * webhooks that want `high-risk`. Facts no report named an owner for go to
 * the webhooks only. What was told is remembered per server, kind and
 * owner; a kind accepted on the approved entry, or a suppressed finding, is
 * not told. Runs over the findings seen since its last run.
 */
export async function runRiskAlerts(options: {
  db: Knex;
  findings: FindingStore;
  notifier?: Pick<RegistryNotifier, 'notify'>;
  since: Date;
}): Promise<{ alerted: number }> {
  const { db, findings, notifier, since } = options;
  let alerted = 0;
  let offset: number | undefined;
  for (let pages = 0; pages < 10; pages++) {
    const page = await findings.list({
      since,
      minRisk: 'high',
      suppressed: 'exclude',
      limit: 1000,
      offset,
    });
    for (const finding of page.items) {
      for (const [owner, risks] of highRisksByOwner(finding))
        for (const [kind, facts] of risks) {
          if (!(await record(db, finding, kind, owner))) continue;
          await notifier?.notify({
            kind: 'high-risk',
            finding: {
              compositeId: finding.compositeId,
              serverName: finding.serverName ?? finding.compositeId,
              ...(owner ? { owner } : {}),
            },
            serverKey: riskAlertServerKey(finding),
            risk: {
              kind,
              title: RISK_KINDS[kind].title,
              evidence: facts.map(f => f.evidence),
              fix: facts[0].fix,
            },
          });
          alerted++;
        }
    }
    offset = page.nextOffset;
    if (offset === undefined) break;
  }
  return { alerted };
}
