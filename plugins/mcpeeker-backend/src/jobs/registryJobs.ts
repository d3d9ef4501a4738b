import {
  LifecycleService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { EventsService } from '@backstage/plugin-events-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { REGISTRY_EVENTS_TOPIC } from '@mcpeeker/plugin-mcpeeker-common';
import { Knex } from 'knex';
import type { FindingStore } from '../database/FindingStore';
import { AuditLog } from '../database/AuditLog';
import { runRegistryExpiry } from '../services/registryExpiry';
import { RegistryNotifier, WebhookConfig } from '../services/RegistryNotifier';
import { RegistryStore } from '../database/RegistryStore';
import type { JudgeService } from '../services/judge/JudgeService';
import type { RegistryChangeListener } from '../services/ServerRegistration';
import { runToolPins, ToolChangeLog } from '../services/toolPins';

/** The notice each admin decision (and an owner's withdrawal) makes. */
const DECIDED = {
  approve: 'approved',
  deny: 'denied',
  revoke: 'revoked',
  renew: 'renewed',
  withdraw: 'withdrawn',
} as const;

/** The registry, its approved entries read, and kept fresh for this replica's correlation. */
export async function openRegistry(options: {
  db: Knex;
  auditKey: string;
  lifecycle: LifecycleService;
  logger: LoggerService;
}): Promise<{ registry: RegistryStore; audit: AuditLog }> {
  const audit = new AuditLog(options.auditKey);
  const registry = new RegistryStore(options.db, audit);
  await registry.refresh();
  // Other replicas' approvals reach this one's correlation within 30 s.
  const refresh = setInterval(
    () =>
      registry
        .refresh()
        .catch(error =>
          options.logger.warn(`Registry refresh failed: ${error.message}`),
        ),
    30_000,
  );
  refresh.unref();
  options.lifecycle.addShutdownHook(() => clearInterval(refresh));
  return { registry, audit };
}

/**
 * Who hears of registry changes: the catalog module (events bus), people
 * (notifications, webhooks), and the expiry job's reminders. Returns what the
 * registry routes call on every change.
 */
export async function startRegistryNotices(options: {
  registry: RegistryStore;
  findings: FindingStore;
  notifications: NotificationService;
  events: EventsService;
  scheduler: SchedulerService;
  logger: LoggerService;
  webhooks: WebhookConfig[];
  admins: string[];
  baseUrl: string;
  db: Knex;
  judge?: Pick<JudgeService, 'explainToolChange'>;
}): Promise<{
  onRegistryChange: RegistryChangeListener;
  /** Tells people in the portal and through the webhooks. */
  notifier: RegistryNotifier;
}> {
  const { registry, findings, events, scheduler, logger } = options;
  // The catalog module updates the entry's MCPServer entity when it hears this.
  const announce = (entryId: string, action: string) =>
    events
      .publish({
        topic: REGISTRY_EVENTS_TOPIC,
        eventPayload: { entryId, action },
      })
      .catch(error =>
        logger.warn(`Could not announce a registry change: ${error}`),
      );
  const notifier = new RegistryNotifier({
    notifications: options.notifications,
    webhooks: options.webhooks,
    admins: options.admins,
    logger,
    baseUrl: options.baseUrl,
  });
  // Reminders and expiry: one replica runs it (global scope), every minute
  // so the findings of an entry past its date lose the registry discount
  // within a minute of it (ingest and every rescore already refuse it:
  // `approvalStands`); reminders go out once each.
  await scheduler.scheduleTask({
    id: 'mcpeeker-registry-expiry',
    scope: 'global',
    frequency: { minutes: 1 },
    timeout: { minutes: 10 },
    initialDelay: { seconds: 30 },
    fn: async () => {
      const result = await runRegistryExpiry({
        registry,
        findings,
        notifier,
        onExpired: entry => announce(entry.id, 'expire'),
      });
      if (result.reminded + result.expired > 0)
        logger.info(
          `Registry expiry: ${result.reminded} reminders sent, ${result.expired} entries expired`,
        );
    },
  });
  // Tool pins: the first set seen on an entry approved without one, and
  // each changed set told to the owner and the admins once, explained.
  const toolChanges = new ToolChangeLog(options.db);
  await scheduler.scheduleTask({
    id: 'mcpeeker-tool-pins',
    scope: 'global',
    frequency: { minutes: 1 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 15 },
    fn: async () => {
      const { pinned, told } = await runToolPins({
        registry,
        findings,
        log: toolChanges,
        judge: options.judge,
        notifier,
        onPinned: entry => announce(entry.id, 'pin-tools'),
      });
      if (pinned + told > 0)
        logger.info(
          `Tool pins: ${pinned} entries pinned their first tool set, ${told} changed tool sets told`,
        );
    },
  });
  return {
    notifier,
    onRegistryChange: async ({ action, entry, actor, reason }) => {
      await announce(entry.id, action);
      // A registration moved to the server it became waits for the admins as a new one does.
      if (action === 'create' || action === 'update-identity')
        await notifier.notify({ kind: 'submitted', entry });
      else if (action === 'request-renewal')
        // The admins decide on it again, as on a new registration.
        await notifier.notify({
          kind: 'submitted',
          entry,
          renewal: { actor, ...(reason ? { reason } : {}) },
        });
      else if (action in DECIDED)
        await notifier.notify({
          kind: DECIDED[action as keyof typeof DECIDED],
          entry,
          actor,
        });
    },
  };
}
