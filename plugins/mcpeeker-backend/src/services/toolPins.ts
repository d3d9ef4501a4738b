import {
  PinnedTools,
  RegistryEntry,
  toolSetFingerprint,
} from '@mcpeeker/plugin-mcpeeker-common';
import { Knex } from 'knex';
import type { Finding, FindingStore } from '../database/FindingStore';
import { entryTargets, RegistryStore } from '../database/RegistryStore';
import type { JudgeService } from './judge/JudgeService';
import {
  offlineToolChangeExplanation,
  ToolChangeExplanation,
  ToolChangeInput,
} from './judge/toolChange';
import type { RegistryNotifier } from './RegistryNotifier';

/**
 * Tool pinning, the rug pull's answer: an entry pins the tools its server
 * offered when it was approved (or, approved before any were seen, the first
 * set seen); the correlator compares every later set with the pin
 * (`RegistryStore.match`) and withholds the discount when they differ; this
 * tells the owner and the admins once per changed set, with the Judge's
 * explanation.
 */

/** The findings an entry stands for: by composite id, and by name or package for a fleet-wide entry. */
export async function findingsOfEntry(
  findings: FindingStore,
  entry: Pick<RegistryEntry, 'name' | 'identity'>,
  options: {
    /** Of the ids, those the caller may read (all when absent). */
    readable?: (ids: string[]) => Promise<string[]>;
    /** For names: only these owners' findings, in the query. */
    visibleTo?: { ownerRefs?: string[] };
  } = {},
): Promise<Finding[]> {
  const targets = entryTargets(entry);
  const out = new Map<string, Finding>();
  const ids = options.readable
    ? await options.readable(targets.compositeIds)
    : targets.compositeIds;
  for (const id of ids) {
    const finding = await findings.get(id);
    if (finding) out.set(id, finding);
  }
  for (const name of targets.serverNames) {
    const page = await findings.list({
      serverName: name,
      limit: 200,
      ...options.visibleTo,
    });
    for (const f of page.items) out.set(f.compositeId, f);
  }
  return [...out.values()];
}

/** The set to pin: the latest any of these findings reports (then the least id), or none. */
export function latestToolSet(
  findings: Finding[],
): Omit<PinnedTools, 'pinnedAt' | 'pinnedBy'> | undefined {
  let latest: { finding: Finding; at: number } | undefined;
  for (const finding of findings) {
    const tools = finding.signals.tools;
    if (!tools) continue;
    const at = Date.parse(tools.seenAt);
    if (
      !latest ||
      at > latest.at ||
      (at === latest.at && finding.compositeId < latest.finding.compositeId)
    )
      latest = { finding, at };
  }
  if (!latest) return undefined;
  const tools = latest.finding.signals.tools!;
  return {
    definitions: tools.definitions,
    fromFinding: latest.finding.compositeId,
    from: tools.from,
  };
}

/** What the Judge is asked about a finding whose tools changed, or undefined when they did not. */
export function toolChangeInput(finding: Finding): ToolChangeInput | undefined {
  const change = finding.breakdown.toolChange;
  if (!change) return undefined;
  return {
    serverName: finding.serverName ?? finding.compositeId,
    entryName: change.entryName,
    pinnedAt: change.pinnedAt,
    change: {
      appeared: change.appeared,
      vanished: change.vanished,
      changed: change.changed,
    },
    toolsNow: (finding.signals.tools?.definitions ?? []).map(t => t.name),
  };
}

const TOOL_CHANGES = 'mcpeeker_tool_changes';

/** Each changed set seen on a finding, told once, with its explanation. */
export class ToolChangeLog {
  constructor(private readonly db: Knex) {}

  /** The explanation stored for the finding's current set; the offline one while none is. */
  async explanationFor(
    finding: Finding,
  ): Promise<ToolChangeExplanation | undefined> {
    const input = toolChangeInput(finding);
    if (!input) return undefined;
    const row = await this.db(TOOL_CHANGES)
      .where({
        composite_id: finding.compositeId,
        fingerprint: toolSetFingerprint(
          finding.signals.tools?.definitions ?? [],
        ),
      })
      .first('explanation', 'judged_by');
    return row
      ? { text: row.explanation, judgedBy: row.judged_by }
      : { text: offlineToolChangeExplanation(input), judgedBy: 'offline' };
  }

  /** Every changed set told for a finding, oldest first (its timeline). */
  async changesOf(
    compositeId: string,
  ): Promise<Array<{ at: string; entryId: string; explanation: string }>> {
    const rows = await this.db(TOOL_CHANGES)
      .where('composite_id', compositeId)
      .orderBy('noticed_at');
    return rows.map(r => ({
      at: new Date(r.noticed_at).toISOString(),
      entryId: r.entry_id,
      explanation: r.explanation,
    }));
  }

  async told(compositeId: string, fingerprint: string): Promise<boolean> {
    return !!(await this.db(TOOL_CHANGES)
      .where({ composite_id: compositeId, fingerprint })
      .first('composite_id'));
  }

  async record(row: {
    compositeId: string;
    fingerprint: string;
    entryId: string;
    explanation: ToolChangeExplanation;
  }): Promise<boolean> {
    try {
      await this.db(TOOL_CHANGES).insert({
        composite_id: row.compositeId,
        fingerprint: row.fingerprint,
        entry_id: row.entryId,
        explanation: row.explanation.text,
        judged_by: row.explanation.judgedBy,
        noticed_at: new Date(),
      });
      return true;
    } catch (error) {
      // Another replica recorded it first (the primary key); anything else is a failure.
      if (await this.told(row.compositeId, row.fingerprint)) return false;
      throw error;
    }
  }
}

/**
 * One run: pins the first set seen on approved entries that have none, then
 * tells of findings whose tools differ from their entry's pin, each changed
 * set once (a rescore can change a finding without a new event, so all of
 * them are looked at: they are few).
 */
export async function runToolPins(options: {
  registry: RegistryStore;
  findings: FindingStore;
  log: ToolChangeLog;
  judge?: Pick<JudgeService, 'explainToolChange'>;
  notifier?: Pick<RegistryNotifier, 'notify'>;
  /** An entry pinned its first set (its catalog entity changes). */
  onPinned?: (entry: RegistryEntry) => Promise<unknown>;
}): Promise<{ pinned: number; told: number }> {
  const { registry, findings, log } = options;
  let pinned = 0;
  for (const entry of await registry.approvedEntries()) {
    if (entry.pinnedTools) continue;
    const tools = latestToolSet(await findingsOfEntry(findings, entry));
    if (!tools) continue;
    const updated = await registry.pinFirstSeen(entry.id, tools);
    if (updated) {
      pinned++;
      await options.onPinned?.(updated);
      // Its other findings may offer another set.
      await findings.rescore(entryTargets(entry));
    }
  }
  let told = 0;
  let offset: number | undefined;
  for (let pages = 0; pages < 10; pages++) {
    const page = await findings.list({
      registryStatus: 'tools-changed',
      limit: 500,
      offset,
    });
    for (const finding of page.items) {
      const input = toolChangeInput(finding);
      const entryId = finding.breakdown.toolChange?.entryId;
      if (!input || !entryId) continue;
      const fingerprint = toolSetFingerprint(
        finding.signals.tools?.definitions ?? [],
      );
      if (await log.told(finding.compositeId, fingerprint)) continue;
      const entry = await registry.get(entryId);
      if (!entry) continue;
      const explanation = (await options.judge?.explainToolChange(input)) ?? {
        text: offlineToolChangeExplanation(input),
        judgedBy: 'offline' as const,
      };
      // Recorded first: another replica's run does not tell it twice.
      if (
        !(await log.record({
          compositeId: finding.compositeId,
          fingerprint,
          entryId,
          explanation,
        }))
      )
        continue;
      await options.notifier?.notify({
        kind: 'tools-changed',
        entry,
        finding: {
          compositeId: finding.compositeId,
          serverName: input.serverName,
          ...(finding.owner ? { owner: finding.owner } : {}),
        },
        summary: input.change,
        explanation,
      });
      told++;
    }
    offset = page.nextOffset;
    if (offset === undefined) break;
  }
  return { pinned, told };
}
