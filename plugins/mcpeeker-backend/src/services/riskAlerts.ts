import { Knex } from 'knex';
import { RISK_KINDS, RiskKind } from '@mcpeeker/plugin-mcpeeker-common';
import type { Finding, FindingStore } from '../database/FindingStore';
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

const told = async (db: Knex, compositeId: string, kind: RiskKind) =>
  !!(await db(SENT).where({ composite_id: compositeId, kind }).first());

/** Remembers a kind told on a finding; false when it was told already (here, or by another replica just now). */
async function record(
  db: Knex,
  compositeId: string,
  kind: RiskKind,
  owner?: string,
): Promise<boolean> {
  if (await told(db, compositeId, kind)) return false;
  try {
    await db(SENT).insert({
      composite_id: compositeId,
      kind,
      owner: owner ?? null,
      alerted_at: new Date(),
    });
    return true;
  } catch (error) {
    // The primary key: another replica recorded it first. Anything else is a failure.
    if (await told(db, compositeId, kind)) return false;
    throw error;
  }
}

/**
 * Tells of each new high-severity kind of risk on a finding once — not once
 * per scan: the owner in the portal (with the fix, linking to the finding)
 * and the webhooks that want `high-risk`. What was told is remembered per
 * finding and kind; a kind accepted on the approved entry, or a suppressed
 * finding, is not told. Runs over the findings seen since its last run.
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
      const owner = finding.owner ?? finding.registryOwner;
      for (const [kind, facts] of highRisksOf(finding)) {
        if (!(await record(db, finding.compositeId, kind, owner))) continue;
        await notifier?.notify({
          kind: 'high-risk',
          finding: {
            compositeId: finding.compositeId,
            serverName: finding.serverName ?? finding.compositeId,
            ...(owner ? { owner } : {}),
          },
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
