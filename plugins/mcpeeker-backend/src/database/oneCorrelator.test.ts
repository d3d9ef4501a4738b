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
import { RegistryLookup } from './FindingStore';

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
      ...(change
        ? { toolChange: { ...change, pinnedAt: '2026-12-01T00:00:00.000Z' } }
        : {}),
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
  const store = await engines.setup(kind, { registry, rules });
  for (const { batch, transport } of deliveries(events, seed)) {
    const result = await store.ingest.ingest(batch, transport);
    expect(result.rejected).toEqual([]);
  }
  return store;
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
      // Each engine gets its own order, batches and redeliveries.
      for (const [i, kind] of engines.kinds.entries())
        snapshots.set(
          kind,
          await snapshot(await ingestAll(kind, events, seed * 100 + i)),
        );
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
      for (const other of others) expect(other).toEqual(first);
      expect(findings).toEqual(await expectedFindings(events));
    },
  );
});
