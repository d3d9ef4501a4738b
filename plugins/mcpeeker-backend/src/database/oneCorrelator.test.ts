import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { McpEvent } from '@mcpeeker/plugin-mcpeeker-common';
import {
  FindingStoreKind,
  findingStoreEngines,
} from '../__testUtils__/findingStores';
import {
  deliveries,
  randomFleetEvents,
  TOOL_SETS,
} from '../__testUtils__/randomEvents';
import { toolSetChange } from '@mcpeeker/plugin-mcpeeker-common';
import {
  commandSignatureHashOf,
  describeFinding,
  Finding,
  FindingTotals,
  finishFinding,
  lessonsFrom,
  lessonsOf,
  mergeLessons,
  mergeTotals,
  toFindingUpdate,
  totalsOf,
} from '../services/correlation/correlate';
import {
  loadRules,
  RuleEngine,
  ruleFilesIn,
} from '../services/correlation/rules';
import { RegistryLookup, TriageLookup } from './FindingStore';

/**
 * One correlator: whatever engine stores them, and whatever order, batches
 * and redeliveries they come in, the same events make the same findings —
 * field for field, with the same evidence and detections — and those are
 * the findings the correlation step makes of the set of events.
 */
jest.setTimeout(400_000);

const engines = findingStoreEngines();
const rules = new RuleEngine(
  loadRules(
    ruleFilesIn(
      resolvePackagePath(
        '@mcpeeker/plugin-mcpeeker-backend',
        'rules/community',
      ),
    ),
  ),
);
const registry: RegistryLookup = {
  // The github server is approved fleet-wide, registered by Lee, with its
  // usual tools pinned: a finding that offers another set loses the discount.
  match: async f => {
    if (f.serverName !== 'github') return { approved: false };
    const change =
      f.tools &&
      toolSetChange(TOOL_SETS[0], f.tools.definitions, {
        partial: f.tools.from.startsWith('gateway/'),
      });
    return {
      approved: true,
      entryId: 'entry-github',
      entryName: 'github',
      owner: 'user:default/lee',
      acceptedRisks: [
        {
          kind: 'unpinned-package',
          reason: 'our npm proxy pins it',
          by: 'user:default/pat',
          at: '2026-12-01T00:00:00.000Z',
        },
      ],
      ...(change
        ? { toolChange: { ...change, pinnedAt: '2026-12-01T00:00:00.000Z' } }
        : {}),
    };
  },
};

/**
 * Triage as a pure function of what the store hands it (the real lookup reads
 * a snapshot): the filesystem server started by npx is suppressed wherever
 * it runs, anything else when none of its evidence is Lee's (a team without
 * Lee), and every finding with an id ending in 0 is being investigated.
 */
const FILESYSTEM_BY_NPX = commandSignatureHashOf('npx', [
  '-y',
  '@modelcontextprotocol/server-filesystem',
]);
const triage: TriageLookup = {
  match: async f => {
    let suppression;
    if (f.commandSignatureHash === FILESYSTEM_BY_NPX)
      suppression = {
        id: 'suppression-command',
        scope: 'command' as const,
        label: 'the stdio command of filesystem',
        reason: 'sanctioned everywhere',
      };
    else if (
      f.owners.length > 0 &&
      f.owners.every(o => o !== 'user:default/lee')
    )
      suppression = {
        id: 'suppression-team',
        scope: 'server-on-team' as const,
        label: `${f.serverName} on a team without Lee`,
        reason: 'their own servers',
      };
    return {
      status: f.compositeId.endsWith('0') ? 'investigating' : 'open',
      ...(suppression ? { suppression } : {}),
    };
  },
};

type Snapshot = Array<{
  finding: Finding;
  evidence: Record<string, string[]>;
  detections: unknown[];
}>;

async function ingestAll(
  kind: FindingStoreKind,
  events: McpEvent[],
  seed: number,
) {
  const store = await engines.setup(kind, { registry, rules, triage });
  for (const { batch, transport } of deliveries(events, seed)) {
    const result = await store.ingest.ingest(batch, transport);
    expect(result.rejected).toEqual([]);
  }
  return store;
}

/** The ids each triage filter lists: plain column compares in every engine. */
async function triageLists(store: Awaited<ReturnType<typeof ingestAll>>) {
  const ids = async (q: Parameters<typeof store.findings.list>[0]) =>
    (await store.findings.list(q)).items.map(f => f.compositeId).sort();
  return {
    excluded: await ids({ limit: 5000, suppressed: 'exclude' }),
    only: await ids({ limit: 5000, suppressed: 'only' }),
    investigating: await ids({ limit: 5000, triageStatus: ['investigating'] }),
    unassigned: await ids({ limit: 5000, assignee: null }),
    noVerdict: await ids({ limit: 5000, verdict: ['none'] }),
    highRisk: await ids({ limit: 5000, minRisk: 'high' }),
    mediumRisk: await ids({ limit: 5000, minRisk: 'medium' }),
  };
}

async function snapshot(
  store: Awaited<ReturnType<typeof ingestAll>>,
): Promise<Snapshot> {
  const page = await store.findings.list({ limit: 5000 });
  expect(page.nextOffset).toBeUndefined();
  const findings = [...page.items].sort((a, b) =>
    a.compositeId.localeCompare(b.compositeId),
  );
  const out: Snapshot = [];
  for (const finding of findings) {
    const evidence = await store.findings.evidence(finding.compositeId, 5);
    out.push({
      finding,
      evidence: Object.fromEntries(
        Object.entries(evidence).map(([layer, list]) => [
          layer,
          list.map(e => e.eventId),
        ]),
      ),
      detections: await store.findings.detections(finding.compositeId),
    });
  }
  return out;
}

/** The findings of a set of events, straight from the correlation step. */
async function expectedFindings(events: McpEvent[]): Promise<Finding[]> {
  const unique = [...new Map(events.map(e => [e.eventId, e])).values()];
  const lessons = lessonsFrom(
    mergeLessons(new Map(), unique.flatMap(lessonsOf)),
  );
  const totals = new Map<string, FindingTotals>();
  for (const event of unique) {
    const u = toFindingUpdate(event, lessons, rules.evaluate(event));
    totals.set(
      u.compositeId,
      mergeTotals(totals.get(u.compositeId) ?? {}, totalsOf(u)),
    );
  }
  const out: Finding[] = [];
  for (const [id, t] of [...totals].sort(([a], [b]) => a.localeCompare(b))) {
    const facts = describeFinding(t);
    out.push(
      finishFinding(
        id,
        facts,
        await registry.match({
          compositeId: id,
          serverName: facts.serverName,
          hostIdHash: facts.hostIdHash,
          tools: facts.signals.tools,
        }),
        undefined,
        await triage.match({
          compositeId: id,
          serverName: facts.serverName,
          owners: facts.owners,
          commandSignatureHash: facts.commandSignatureHash,
        }),
      ),
    );
  }
  return out;
}

describe('one correlator', () => {
  it.each([1, 2])(
    'makes field-for-field the same findings on every engine, in any order (fleet %p)',
    async seed => {
      const events = randomFleetEvents(seed, 2500);
      const snapshots = new Map<FindingStoreKind, Snapshot>();
      const lists = [];
      // Each engine gets its own order, batches and redeliveries.
      for (const [i, kind] of engines.kinds.entries()) {
        const store = await ingestAll(kind, events, seed * 100 + i);
        snapshots.set(kind, await snapshot(store));
        lists.push(await triageLists(store));
      }
      const [first, ...others] = [...snapshots.values()];
      // The fleet is not trivial: every layer, joins, approvals, verdicts.
      const findings = first.map(s => s.finding);
      expect(findings.length).toBeGreaterThan(50);
      expect(findings.some(f => f.layers.length === 3)).toBe(false); // gateway ids are their own
      expect(
        findings.some(
          f => f.layers.includes('network') && f.layers.includes('endpoint'),
        ),
      ).toBe(true);
      expect(findings.some(f => f.registryStatus === 'approved')).toBe(true);
      // Tool sets from port probes and gateways; a pinned one that changed.
      expect(findings.some(f => f.registryStatus === 'tools-changed')).toBe(
        true,
      );
      expect(
        findings.some(f => f.signals.tools?.from === 'endpoint/port'),
      ).toBe(true);
      expect(
        findings.some(f => f.signals.tools?.from === 'gateway/request'),
      ).toBe(true);
      expect(findings.some(f => f.signals.judge)).toBe(true);
      // Triage: both kinds of suppression and a status; the stdio command's hash.
      const suppressions = new Set(findings.map(f => f.triage.suppression?.id));
      expect(suppressions).toEqual(
        new Set([undefined, 'suppression-command', 'suppression-team']),
      );
      expect(findings.some(f => f.triage.status === 'investigating')).toBe(
        true,
      );
      expect(findings.some(f => f.commandSignatureHash)).toBe(true);
      // Risk facts from config entries and ports, some accepted on the approved entry.
      expect(findings.some(f => f.signals.risks?.length)).toBe(true);
      expect(
        findings.some(f =>
          f.breakdown.contributions.some(
            c => c.layer === 'risk' && c.reason.includes('accepted by'),
          ),
        ),
      ).toBe(true);
      for (const other of others) expect(other).toEqual(first);
      for (const other of lists.slice(1)) expect(other).toEqual(lists[0]);
      expect(lists[0].only.length).toBe(
        findings.filter(f => f.triage.suppression).length,
      );
      expect(lists[0].excluded.length + lists[0].only.length).toBe(
        findings.length,
      );
      expect(lists[0].highRisk).toEqual(
        findings
          .filter(f => f.breakdown.riskLevel === 'high')
          .map(f => f.compositeId)
          .sort(),
      );
      expect(lists[0].highRisk.length).toBeGreaterThan(0);
      expect(lists[0].mediumRisk).toEqual(
        findings
          .filter(f => ['high', 'medium'].includes(f.breakdown.riskLevel ?? ''))
          .map(f => f.compositeId)
          .sort(),
      );
      expect(findings).toEqual(await expectedFindings(events));
    },
  );
});
