import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { Knex } from 'knex';
import type { FindingStore } from '../database/FindingStore';
import { runFindingAlerts } from '../services/findingAlerts';
import { PreferencesStore } from '../database/PreferencesStore';

/** Finding alerts to endpoint owners, by their preferences: one replica, every minute. */
export async function startFindingAlerts(options: {
  db: Knex;
  findings: FindingStore;
  notifications: NotificationService;
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
      // Overlap by a minute: late commits are caught; the alerts table prevents repeats.
      alertsSince = new Date(started.getTime() - 60_000);
      if (alerted > 0) logger.info(`Sent ${alerted} finding alerts`);
    },
  });
  return preferences;
}
