import type { RegistryEntry } from '@mcpeeker/plugin-mcpeeker-common';
import type { FindingStore } from '../database/FindingStore';
import type { RegistryNotifier } from './RegistryNotifier';
import { entryTargets, RegistryStore } from '../database/RegistryStore';

/**
 * One run of the registry's expiry job: reminders 14 days and 1 day before
 * an entry expires (each once), and expiry at the date, which takes the −6
 * off its findings and tells owner and team.
 */
export async function runRegistryExpiry(options: {
  registry: RegistryStore;
  findings: FindingStore;
  notifier: RegistryNotifier;
  onExpired?: (entry: RegistryEntry) => Promise<void>;
}): Promise<{ reminded: number; expired: number }> {
  const { registry, findings, notifier } = options;
  const due = await registry.dueReminders();
  for (const { entry, level, days } of due) {
    await notifier.notify({ kind: 'expiring', entry, days });
    await registry.markReminded(entry.id, level);
  }
  const expired = await registry.expireDue();
  for (const { entry, lapsedFrom } of expired) {
    await findings.rescore(entryTargets(entry));
    await notifier.notify({ kind: 'expired', entry, lapsedFrom });
    await options.onExpired?.(entry);
  }
  return { reminded: due.length, expired: expired.length };
}
