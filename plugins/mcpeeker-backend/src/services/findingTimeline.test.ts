import type { Detection, Finding } from '@mcpeeker/plugin-mcpeeker-common';
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
    expect(items[1].summary).toBe(
      `10 more detection windows between ${minute(10)} and ${minute(
        56,
      )} not listed (the most recent 50 are)`,
    );
    const again = items.filter(i => i.summary.startsWith('Seen again'));
    expect(again).toHaveLength(TIMELINE_DETECTIONS);
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
    expect(summaries(false)[1]).toBe(
      "Registry entry 'github' approved by user:default/pat",
    );
  });
});
