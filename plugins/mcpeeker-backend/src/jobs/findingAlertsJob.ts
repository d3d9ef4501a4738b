import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { Knex } from 'knex';
import type { FindingStore } from '../database/FindingStore';
import { runFindingAlerts } from '../services/findingAlerts';
import { runRiskAlerts } from '../services/riskAlerts';
import type { RegistryNotifier } from '../services/RegistryNotifier';
import { PreferencesStore } from '../database/PreferencesStore';

/**
 * Finding alerts to endpoint owners, by their preferences, and each new
 * high risk on a finding told once (portal and webhooks): one replica,
 * every minute.
 */
export async function startFindingAlerts(options: {
  db: Knex;
  findings: FindingStore;
  notifications: NotificationService;
  /** Tells of high risks: the owner in the portal, and the webhooks. */
  notifier?: Pick<RegistryNotifier, 'notify'>;
  scheduler: SchedulerService;
  logger: LoggerService;
}): Promise<PreferencesStore> {
  const { db, findings, notifications, logger } = options;
  const preferences = new PreferencesStore(db);
  let alertsSince = new Date(Date.now() - 3_600_000);
  await options.scheduler.scheduleTask({
    id: 'mcpeeker-finding-alerts',
    scope: 'global',
    frequency: { minutes: 1 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 20 },
    fn: async () => {
      const started = new Date();
      const { alerted } = await runFindingAlerts({
        db,
        findings,
        preferences,
        notifications,
        since: alertsSince,
      });
      const risks = await runRiskAlerts({
        db,
        findings,
        notifier: options.notifier,
        since: alertsSince,
      });
      // Overlap by a minute: late commits are caught; the alerts tables prevent repeats.
      alertsSince = new Date(started.getTime() - 60_000);
      if (alerted > 0) logger.info(`Sent ${alerted} finding alerts`);
      if (risks.alerted > 0)
        logger.info(`Told of ${risks.alerted} new high risks on findings`);
    },
  });
  return preferences;
}
