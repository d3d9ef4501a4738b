import {
  LifecycleService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { AuditLog } from '../database/AuditLog';
import { TriageStore } from '../database/TriageStore';
import type { TeamMembers } from '../services/teamMembers';

/** Triage, its snapshot read, and kept fresh for this replica's correlation. */
export async function openTriage(options: {
  db: Knex;
  audit: AuditLog;
  lifecycle: LifecycleService;
  logger: LoggerService;
}): Promise<TriageStore> {
  const triage = new TriageStore(options.db, options.audit);
  await triage.refresh();
  // Other replicas' triage reaches this one's correlation (and its findings are rescored) within 30 s.
  const refresh = setInterval(
    () =>
      triage
        .refresh()
        .catch(error =>
          options.logger.warn(`Triage refresh failed: ${error.message}`),
        ),
    30_000,
  );
  refresh.unref();
  options.lifecycle.addShutdownHook(() => clearInterval(refresh));
  return triage;
}

/**
 * Once a minute on one replica (global scope): suppressions past their
 * expiry are audited as expired and their findings rescored, and the teams
 * of server-on-team suppressions are asked for their members again.
 */
export async function startTriageJobs(options: {
  triage: TriageStore;
  scheduler: SchedulerService;
  logger: LoggerService;
  teamMembers?: TeamMembers;
}): Promise<void> {
  const { triage, logger, teamMembers } = options;
  await options.scheduler.scheduleTask({
    id: 'mcpeeker-suppression-expiry',
    scope: 'global',
    frequency: { minutes: 1 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 20 },
    fn: async () => {
      const expired = await triage.expireDue();
      const teams = teamMembers ? await triage.refreshTeams(teamMembers) : 0;
      if (expired.length + teams > 0)
        logger.info(
          `Suppressions: ${expired.length} expired, ${teams} with new team members; their findings were rescored`,
        );
    },
  });
}
