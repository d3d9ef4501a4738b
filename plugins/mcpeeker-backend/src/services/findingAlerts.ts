import type { NotificationService } from '@backstage/plugin-notifications-node';
import { Knex } from 'knex';
import type { FindingStore } from '../database/FindingStore';
import type { PreferencesStore } from '../database/PreferencesStore';

const SENT = 'mcpeeker_finding_alerts';

/**
 * Tells the owner of an endpoint when an MCP server there is found at or
 * above the score they chose (default: unauthorized), once per finding and
 * classification. Runs over the findings seen since its last run.
 */
export async function runFindingAlerts(options: {
  db: Knex;
  findings: FindingStore;
  preferences: PreferencesStore;
  notifications?: NotificationService;
  since: Date;
}): Promise<{ alerted: number }> {
  const { db, findings, preferences, notifications, since } = options;
  // Below 5 nothing is worth an alert, whatever anyone chose.
  const seen = [];
  let offset: number | undefined;
  for (let pages = 0; pages < 10; pages++) {
    const page = await findings.list({
      since,
      minScore: 5,
      // A suppressed finding was judged not worth anyone's attention.
      suppressed: 'exclude',
      // Judged not an MCP server: nothing to alert on (`judgedNotMcp`).
      notMcp: 'exclude',
      limit: 1000,
      offset,
    });
    seen.push(...page.items);
    offset = page.nextOffset;
    if (offset === undefined) break;
  }
  const owned = seen.filter(f => f.owner);
  const prefs = await preferences.getMany([
    ...new Set(owned.map(f => f.owner!)),
  ]);
  let alerted = 0;
  for (const finding of owned) {
    const p = prefs.get(finding.owner!)!.findingAlerts;
    if (!p.enabled || finding.score < p.minScore) continue;
    const already = await db(SENT)
      .where({
        composite_id: finding.compositeId,
        classification: finding.classification,
      })
      .first();
    if (already) continue;
    await notifications?.send({
      recipients: { type: 'entity', entityRef: finding.owner! },
      payload: {
        title: `MCP server '${
          finding.serverName ?? finding.compositeId
        }' on your endpoint is ${finding.classification} (score ${
          finding.score
        })`,
        description: finding.breakdown.contributions
          .map(c => c.reason)
          .join('; '),
        link: `/mcpeeker/findings/${finding.compositeId}`,
        topic: 'mcpeeker-finding-alert',
        severity: finding.classification === 'unauthorized' ? 'high' : 'normal',
        scope: `mcpeeker-finding:${finding.compositeId}`,
      },
    });
    await db(SENT)
      .insert({
        composite_id: finding.compositeId,
        classification: finding.classification,
        owner: finding.owner,
        alerted_at: new Date(),
      })
      .onConflict(['composite_id', 'classification'])
      .ignore();
    alerted++;
  }
  return { alerted };
}
