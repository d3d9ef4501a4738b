import {
  asSentence,
  type Detection,
  type Finding,
  type Signals,
  type TimelineKind,
} from '@mcpeeker/plugin-mcpeeker-common';
import type { ScoreChange } from '../database/ScoreHistory';
import { scoreFinding } from './correlation/scoring';
import { buildTimeline, TIMELINE_DETECTIONS } from './findingTimeline';

const minute = (m: number) =>
  new Date(Date.UTC(2026, 10, 21, 8, 0) + m * 60_000).toISOString();

const finding = {
  compositeId: 'mcp_0123456789abcdef0123456789abcdef',
  serverName: 'github',
  layers: ['endpoint', 'network'],
  firstSeen: minute(0),
} as Finding;

const window = (layer: Detection['layer'], m: number): Detection => ({
  layer,
  windowStart: minute(m),
  eventCount: 2,
  firstSeen: minute(m),
  lastSeen: minute(m + 1),
});

const none = {
  history: [],
  feedback: [],
  triageChanges: [],
  suppressions: [],
  registry: [],
  toolChanges: [],
};

describe('a finding’s timeline', () => {
  it('lists each layer’s first evidence and the most recent windows, and says how many it left out', () => {
    const detections = [
      window('endpoint', 0),
      ...Array.from({ length: 60 }, (_, i) => window('endpoint', 10 + i * 5)),
      window('network', 400),
    ];
    const { items, detectionsLeftOut } = buildTimeline(
      { finding, detections, ...none },
      { notes: false, decisionReasons: () => false },
    );
    expect(detectionsLeftOut).toBe(60 - TIMELINE_DETECTIONS);
    expect(items[0]).toEqual({
      at: minute(0),
      kind: 'first-seen',
      summary: 'First seen on the endpoint (2 events)',
      layer: 'endpoint',
    });
    expect(items[1]).toMatchObject({
      summary: `10 more detection windows between ${minute(10)} and ${minute(
        56,
      )} not listed (the most recent 50 are)`,
      // The page shows the times its summary names in the reader's time.
      times: [minute(10), minute(56)],
    });
    const again = items.filter(i => i.summary.startsWith('Seen again'));
    expect(again).toHaveLength(TIMELINE_DETECTIONS);
    expect(again[0]).toMatchObject({
      summary: `Seen again on the endpoint (2 events until ${minute(61)})`,
      times: [minute(61)],
    });
    // The network's first sighting is kept, however many windows came before.
    expect(items.map(i => i.summary)).toContain(
      'Seen for the first time on the network (2 events)',
    );
    expect(items.map(i => Date.parse(i.at))).toEqual(
      items.map(i => Date.parse(i.at)).sort((a, b) => a - b),
    );
  });

  it('says tool pins and changes, an expired suppression, and an admin’s reason only to who may read it', () => {
    const sources = {
      finding,
      detections: [window('endpoint', 0)],
      ...none,
      registry: [
        {
          entry: { id: 'e1', name: 'github', owner: 'user:default/lee' },
          events: [
            {
              at: minute(5),
              actor: 'user:default/pat',
              action: 'approve',
              details: { reason: 'for the release', pinnedTools: ['echo'] },
            },
          ],
        },
      ],
      toolChanges: [
        {
          at: minute(9),
          entryId: 'e1',
          explanation: 'delete_everything appeared',
        },
      ],
      suppressions: [
        {
          id: 's1',
          scope: 'finding' as const,
          compositeId: finding.compositeId,
          label: 'github',
          reason: 'a lab',
          expiresAt: minute(20),
          createdBy: 'user:default/sam',
          createdAt: minute(10),
          active: false,
        },
      ],
    };
    const summaries = (reasons: boolean) =>
      buildTimeline(sources, {
        notes: true,
        decisionReasons: () => reasons,
      }).items.map(i => i.summary);
    expect(summaries(true).slice(1)).toEqual([
      "Registry entry 'github' approved by user:default/pat: for the release",
      "1 tool pinned on 'github' at approval: echo",
      "Tools changed since 'github' was approved: delete_everything appeared",
      `Suppressed by user:default/sam: github (a lab), until ${minute(20)}`,
      'Suppression of github expired',
    ]);
    expect(
      buildTimeline(sources, {
        notes: true,
        decisionReasons: () => true,
      }).items.find(i => i.summary.startsWith('Suppressed by'))?.times,
    ).toEqual([minute(20)]);
    expect(summaries(false)[1]).toBe(
      "Registry entry 'github' approved by user:default/pat",
    );
  });
});

describe('a finding’s timeline as sentences', () => {
  /** Every kind of moment, with what people and the Judge wrote ending in full stops of their own. */
  const judged = {
    layer: 'gateway' as const,
    points: 3,
    reason: 'the Judge says mcp (confidence 0.90): It calls tools/list.',
  };
  const endpoint = {
    layer: 'endpoint' as const,
    points: 6,
    reason: 'the endpoint agent saw it (config ×1)',
  };
  const score = (
    m: number,
    value: number,
    contributions: ScoreChange['contributions'],
  ): ScoreChange => ({
    at: minute(m),
    score: value,
    classification: value >= 9 ? 'unauthorized' : 'suspect',
    registryStatus: 'unregistered',
    reason: contributions.map(c => c.reason).join('; '),
    contributions,
  });
  const sources = {
    finding,
    detections: [window('endpoint', 0), window('network', 1)],
    history: [score(2, 9, [judged, endpoint]), score(3, 6, [endpoint])],
    feedback: [
      {
        id: 'f1',
        compositeId: finding.compositeId,
        verdict: 'true-positive' as const,
        note: 'Rotate the key..',
        tags: [],
        author: 'user:default/sam',
        createdAt: minute(4),
      },
    ],
    triageChanges: [
      {
        at: minute(5),
        actor: 'user:default/sam',
        from: { status: 'open', assignee: null },
        to: { status: 'investigating', assignee: 'user:default/sam' },
      },
    ],
    suppressions: [
      {
        id: 's1',
        scope: 'finding' as const,
        compositeId: finding.compositeId,
        label: 'github',
        reason: 'A lab machine.',
        createdBy: 'user:default/sam',
        createdAt: minute(6),
        revokedAt: minute(7),
        revokedBy: 'user:default/pat',
        revokeReason: 'Not a lab any more. ',
        active: false,
      },
    ],
    registry: [
      {
        entry: { id: 'e1', name: 'github', owner: 'user:default/lee' },
        events: [
          {
            at: minute(8),
            actor: 'user:default/pat',
            action: 'approve',
            details: { reason: 'For the release.', pinnedTools: ['echo'] },
          },
        ],
      },
    ],
    toolChanges: [
      {
        at: minute(9),
        entryId: 'e1',
        explanation: 'delete_everything appeared. It deletes files.',
      },
    ],
  };

  it('says each kind of moment without doubled punctuation, and the page’s sentence ends with one full stop', () => {
    const { items } = buildTimeline(sources, {
      notes: true,
      decisionReasons: () => true,
    });
    const kinds: TimelineKind[] = [
      'first-seen',
      'evidence',
      'score',
      'registry',
      'tools',
      'feedback',
      'triage',
      'suppression',
    ];
    expect(new Set(items.map(i => i.kind))).toEqual(new Set(kinds));
    for (const { summary } of items) {
      // A quoted note keeps its own full stop, inside the quote.
      expect(summary.replace(/\."$/, '"')).not.toMatch(/\.\s*[.;,)"]|\.$/);
      expect(asSentence(summary)).toMatch(/[^.\s]\."?$/);
      expect(asSentence(summary)).not.toMatch(/\.\s*[.;,)"]\.|\.\.$/);
    }
    expect(items.map(i => asSentence(i.summary))).toEqual([
      'First seen on the endpoint (2 events).',
      'Seen for the first time on the network (2 events).',
      'Scored 9 (unauthorized): gateway +3: the Judge says mcp (confidence 0.90): It calls tools/list; endpoint +6: the endpoint agent saw it (config ×1).',
      'Score 9 → 6 (unauthorized → suspect): no longer gateway +3: the Judge says mcp (confidence 0.90): It calls tools/list.',
      'user:default/sam marked it a true positive: "Rotate the key."',
      'user:default/sam set the status to investigating and assigned it to user:default/sam.',
      'Suppressed by user:default/sam: github (A lab machine).',
      'Suppression of github revoked by user:default/pat (Not a lab any more).',
      "Registry entry 'github' approved by user:default/pat: For the release.",
      "1 tool pinned on 'github' at approval: echo.",
      "Tools changed since 'github' was approved: delete_everything appeared. It deletes files.",
    ]);
    // What the Triage card's "Last changed by" says was changed.
    expect(items.find(i => i.kind === 'triage')?.changed).toEqual([
      'status',
      'assignee',
    ]);
  });
});

describe('a finding’s timeline when it is no longer reported', () => {
  it('says the endpoint line changed, not that it stopped counting, and which risk resolved', () => {
    const seen = {
      layer: 'endpoint' as const,
      points: 6,
      reason: 'the endpoint agent saw it (config ×1)',
    };
    const secret = {
      layer: 'risk' as const,
      points: 2,
      reason: 'inline secret (+2)',
      riskKind: 'inline-secret' as const,
    };
    const gone = {
      ...seen,
      reason: `${seen.reason}; no longer reported since 2026-12-03T17:18:13.385Z (removed or changed): its risks no longer count`,
      noLongerReportedSince: '2026-12-03T17:18:13.385Z',
    };
    const row = (
      m: number,
      score: number,
      contributions: ScoreChange['contributions'],
    ): ScoreChange => ({
      at: minute(m),
      score,
      classification: 'suspect',
      registryStatus: 'unregistered',
      reason: contributions.map(c => c.reason).join('; '),
      contributions,
    });
    const { items } = buildTimeline(
      {
        ...none,
        finding,
        detections: [window('endpoint', 0)],
        history: [row(1, 8, [seen, secret]), row(2, 6, [gone])],
      },
      { notes: true, decisionReasons: () => true },
    );
    // The instant whole, named in `times`: the page shows it in its reader's time.
    expect(items.find(i => i.at === minute(2))).toMatchObject({
      summary:
        'Score 8 → 6 (suspect): endpoint +6: the endpoint agent saw it (config ×1); no longer reported since 2026-12-03T17:18:13.385Z (removed or changed): its risks no longer count; inline secret resolved: no longer reported (it added +2)',
      times: ['2026-12-03T17:18:13.385Z'],
    });
    expect(items.find(i => i.at === minute(1))?.times).toBeUndefined();
  });
});

describe('a finding’s timeline when its registry status changes', () => {
  // Dana's filesystem server, seen in her config and on its port, with root
  // as its allowed directory (high) and an unpinned package (medium): scored
  // as the backend scores it, before and after an admin approved it.
  const signals: Signals = {
    counts: { endpoint: { config: 1, port: 1 } },
    judgeUnavailable: false,
    highSeveritySignatures: 0,
    risks: [
      {
        kind: 'broad-filesystem',
        severity: 'high',
        title: 'Whole disk shared',
        evidence: 'allowed directory /',
        fix: 'Allow only the project directory.',
      },
      {
        kind: 'unpinned-package',
        severity: 'medium',
        title: 'Unpinned package',
        evidence: 'npx -y runs whatever version is latest',
        fix: 'Pin an exact version.',
      },
    ],
  };
  const change = (
    m: number,
    registryStatus: ScoreChange['registryStatus'],
  ): ScoreChange => {
    const b = scoreFinding(signals, {
      registry: { approved: registryStatus === 'approved', entryName: 'fs' },
    });
    return {
      at: minute(m),
      score: b.score,
      classification: b.classification,
      registryStatus,
      reason: b.contributions.map(c => c.reason).join('; '),
      contributions: b.contributions,
    };
  };

  it('says the risks count more once approved, and why: the limit that cut them no longer does', () => {
    const history = [change(1, 'unregistered'), change(2, 'approved')];
    // The registry takes 6 off, yet the score falls by less.
    expect(history.map(h => h.score)).toEqual([8, 4]);
    const { items } = buildTimeline(
      { ...none, finding, detections: [window('endpoint', 0)], history },
      { notes: true, decisionReasons: () => true },
    );
    expect(items.find(i => i.at === minute(2))?.summary).toBe(
      "Score 8 → 4 (suspect → authorized, registry unregistered → approved): registry -6: matches the approved registry entry 'fs'; risk +3: broad filesystem (+3); risks add +3 now, +1 before: they were cut because risk alone never makes a finding unauthorized; with the approval’s -6 the score has room for them",
    );
  });

  it('says the risks count less once the approval is revoked, and which limit cuts them', () => {
    const history = [change(1, 'approved'), change(2, 'unregistered')];
    const { items } = buildTimeline(
      { ...none, finding, detections: [window('endpoint', 0)], history },
      { notes: true, decisionReasons: () => true },
    );
    expect(items.find(i => i.at === minute(2))?.summary).toMatch(
      /; risks add \+1 now, \+3 before: cut now because risk alone never makes a finding unauthorized$/,
    );
  });
});

describe('a finding’s timeline when a registration moved to it', () => {
  // Dana pinned her registered filesystem server: the entry registered the
  // old one (OLD); she moved it to the one it runs now (this finding), and
  // Pat approved it again.
  const OLD = 'mcp_00000000000000000000000000000001';
  const events = [
    {
      at: minute(-30),
      actor: 'user:default/dana',
      action: 'create',
      details: {},
    },
    {
      at: minute(-20),
      actor: 'user:default/pat',
      action: 'approve',
      details: {},
    },
    {
      at: minute(5),
      actor: 'user:default/dana',
      action: 'update-identity',
      details: {
        fromFinding: finding.compositeId,
        identityFrom: { compositeId: OLD },
        identityTo: { compositeId: finding.compositeId },
        from: 'approved',
        to: 'pending',
      },
    },
    {
      at: minute(8),
      actor: 'user:default/pat',
      action: 'approve',
      details: {},
    },
  ];
  const registry = [
    {
      entry: { id: 'e1', name: 'filesystem', owner: 'user:default/dana' },
      events,
    },
  ];
  const said = (of: Finding) =>
    buildTimeline(
      {
        ...none,
        finding: of,
        detections: [window('endpoint', 0)],
        registry,
      },
      { notes: true, decisionReasons: () => true },
    )
      .items.filter(i => i.kind === 'registry')
      .map(i => asSentence(i.summary));

  it('says who moved the registration to this server, after it was first seen, and that it awaited approval again', () => {
    const { items } = buildTimeline(
      {
        ...none,
        finding,
        detections: [window('endpoint', 0)],
        registry,
      },
      { notes: true, decisionReasons: () => true },
    );
    const moved = items.find(i => i.summary.includes('moved'));
    expect(moved).toMatchObject({
      at: minute(5),
      kind: 'registry',
      actor: 'user:default/dana',
    });
    expect(items.indexOf(moved!)).toBeGreaterThan(
      items.findIndex(i => i.at === minute(0)),
    );
    expect(said(finding)).toEqual([
      "Registry entry 'filesystem' registered by user:default/dana.",
      "Registry entry 'filesystem' approved by user:default/pat.",
      "user:default/dana moved registry entry 'filesystem' to this server; it awaits approval again.",
      "Registry entry 'filesystem' approved by user:default/pat.",
    ]);
  });

  it('on the server it moved from, says it moved from this one', () => {
    expect(said({ ...finding, compositeId: OLD })).toContain(
      "user:default/dana moved registry entry 'filesystem' from this server to the server it runs now; it awaits approval again.",
    );
  });
});
