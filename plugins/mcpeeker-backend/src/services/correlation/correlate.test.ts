import type { McpEvent, RiskFact } from '@mcpeeker/plugin-mcpeeker-common';
import {
  describeFinding,
  FindingTotals,
  mergeTotals,
  NOTHING_LEARNED,
  toFindingUpdate,
  totalsOf,
} from './correlate';
import {
  endpointEvent,
  GITHUB_RISKS,
  riskFact,
} from '../../__testUtils__/events';

const totalsOfEvents = (events: McpEvent[]) =>
  events.reduce<FindingTotals>(
    (t, e) => mergeTotals(t, totalsOf(toFindingUpdate(e, NOTHING_LEARNED))),
    {},
  );
const risksOf = (events: McpEvent[]) =>
  describeFinding(totalsOfEvents(events)).signals.risks;

const [secret, unpinned, unknown] = GITHUB_RISKS;
const rootFs = riskFact('broad-filesystem', "the folder it may use is '/'");
const at = (minute: number) =>
  `2026-11-21T10:${String(minute).padStart(2, '0')}:00Z`;
const config = (minute: number, risks: RiskFact[], configPath?: string) =>
  endpointEvent({ observedAt: at(minute), risks, configPath });

describe('risk facts through the one correlator', () => {
  it("keeps each config entry's and port's latest report, in any order, however often merged", () => {
    const events = [
      config(1, [secret, unpinned]),
      // The same entry rescanned after the token moved to the environment.
      config(2, [unpinned]),
      // The same server in another client's config, in both scans.
      ...[1, 2].map(minute =>
        config(
          minute,
          [rootFs],
          '/home/dana/.config/Claude/claude_desktop_config.json',
        ),
      ),
      endpointEvent({
        source: 'port',
        observedAt: at(3),
        risks: [riskFact('tool-poisoning', "tool 'echo' hides a directive")],
      }),
    ];
    const forward = totalsOfEvents(events);
    const shuffled = totalsOfEvents([
      events[4],
      events[1],
      events[3],
      events[2],
      events[0],
    ]);
    expect(shuffled).toEqual(forward);
    // Idempotent: the same reports again (a redelivery, a rescan) change nothing.
    const finding = describeFinding(forward);
    expect(describeFinding(mergeTotals(forward, forward))).toEqual(finding);
    expect(
      describeFinding(mergeTotals(forward, totalsOfEvents(events.slice(0, 2)))),
    ).toEqual(finding);
    // The secret was fixed (the later report replaced the earlier); the rest hold, most severe first.
    expect(describeFinding(forward).signals.risks?.map(r => r.kind)).toEqual([
      'broad-filesystem',
      'tool-poisoning',
      'unpinned-package',
    ]);
  });

  it('lets a report with no risks clear what its entry said before, and breaks equal times by a total order', () => {
    expect(risksOf([config(1, [secret]), config(2, [])])).toBeUndefined();
    expect(risksOf([config(2, []), config(1, [secret])])).toBeUndefined();
    // Two reports of one entry at the same minute: the same one wins either way.
    const a = config(5, [secret]);
    const b = config(5, [unknown]);
    expect(risksOf([a, b])).toEqual(risksOf([b, a]));
    expect(risksOf([a, b])).toHaveLength(1);
  });

  it('shows one fact per kind and place, the most severe first, at most 32', () => {
    const low = { ...secret, severity: 'low' as const, evidence: 'weaker' };
    const dana = { owners: ['user:default/dana'] };
    expect(risksOf([config(1, [low, secret, unknown])])).toEqual([
      { ...secret, ...dana },
      { ...unknown, ...dana },
    ]);
    const many = Array.from({ length: 40 }, (_, i) =>
      riskFact('inline-secret', `header X-${i} holds a key`, `$.h.X-${i}`),
    );
    const shown = risksOf([
      config(1, many.slice(0, 20)),
      config(1, many.slice(20), '/other/mcp.json'),
    ]);
    expect(shown).toHaveLength(32);
  });

  it("stops counting a config entry's facts at the owner's next scan without it (the config moved), and keeps the other owners'", () => {
    const erin = 'user:default/erin';
    const inFile = (fact: RiskFact, file: string) => ({
      ...fact,
      location: { ...fact.location, file },
    });
    const erinsRoot = endpointEvent({
      owner: erin,
      observedAt: at(1),
      configPath: '/home/erin/.cursor/mcp.json',
      risks: [inFile(rootFs, '/home/erin/.cursor/mcp.json')],
    });
    const before = [config(1, [secret, unpinned]), erinsRoot];
    // Dana moved the server into her project's config and fixed the secret there.
    const project = '/home/dana/work/.mcp.json';
    const moved = config(2, [inFile(unpinned, project)], project);
    const after = [...before, moved];
    const facts = (events: McpEvent[]) =>
      risksOf(events)?.map(r => [r.kind, r.location?.file, r.owners]);
    expect(facts(after)).toEqual([
      ['broad-filesystem', '/home/erin/.cursor/mcp.json', [erin]],
      ['unpinned-package', '/home/dana/work/.mcp.json', ['user:default/dana']],
    ]);
    // In any order; and a port probe of an earlier scan still holds while the server is down.
    expect(facts([moved, ...before].reverse())).toEqual(facts(after));
    const probe = endpointEvent({
      source: 'port',
      observedAt: at(1),
      risks: [riskFact('tool-poisoning', "tool 'echo' hides a directive")],
    });
    expect(facts([...after, probe])?.map(([kind]) => kind)).toContain(
      'tool-poisoning',
    );
    // The entry back in the old file, at the next scan: the moved one goes.
    expect(facts([...after, config(3, [secret])])).toEqual([
      ['inline-secret', '/home/dana/.cursor/mcp.json', ['user:default/dana']],
      ['broad-filesystem', '/home/erin/.cursor/mcp.json', [erin]],
    ]);
  });

  it("keeps up to 32 facts of each owner: one owner's many never crowd out another's", () => {
    const erin = 'user:default/erin';
    const many = Array.from({ length: 40 }, (_, i) =>
      riskFact('inline-secret', `header X-${i} holds a key`, `$.h.X-${i}`),
    );
    const erinsUnknown = endpointEvent({
      owner: erin,
      configPath: '/home/erin/.cursor/mcp.json',
      observedAt: at(1),
      risks: [unknown],
    });
    const risks = risksOf([
      config(1, many.slice(0, 20)),
      config(1, many.slice(20), '/other/mcp.json'),
      erinsUnknown,
    ]);
    expect(
      risks?.filter(r => r.owners?.includes('user:default/dana')),
    ).toHaveLength(32);
    // Erin's one low fact is kept, after dana's more severe ones.
    expect(risks?.filter(r => r.owners?.includes(erin))).toEqual([
      { ...unknown, owners: [erin] },
    ]);
    expect(risks).toHaveLength(33);
  });

  it("keeps each owner's reports apart on a shared host: every fact says whose endpoints reported it", () => {
    const erin = 'user:default/erin';
    const probe = (owner: string, minute: number) =>
      endpointEvent({
        source: 'port',
        owner,
        observedAt: at(minute),
        risks: [riskFact('tool-poisoning', "tool 'echo' hides a directive")],
      });
    const events = [
      config(1, [secret]),
      endpointEvent({
        owner: erin,
        observedAt: at(2),
        configPath: '/home/erin/.cursor/mcp.json',
        risks: [rootFs],
      }),
      // Both agents probe the one server on the host's port: erin's later report does not replace dana's.
      probe('user:default/dana', 3),
      probe(erin, 4),
    ];
    const risks = risksOf(events);
    expect(risksOf([...events].reverse())).toEqual(risks);
    expect(risks?.map(r => [r.kind, r.owners])).toEqual([
      ['inline-secret', ['user:default/dana']],
      ['broad-filesystem', [erin]],
      ['tool-poisoning', [erin, 'user:default/dana'].sort()],
    ]);
    // Dana's entry rescanned clean: her secret goes, erin's facts stay.
    expect(
      risksOf([...events, config(5, [])])?.map(r => [r.kind, r.owners]),
    ).toEqual([
      ['broad-filesystem', [erin]],
      ['tool-poisoning', [erin, 'user:default/dana'].sort()],
    ]);
  });
});
