import {
  describeFinding,
  FindingTotals,
  mergeTotals,
  toFindingUpdate,
  totalsOf,
} from './correlate';
import { classify, DEFAULT_WEIGHTS, scoreFinding } from './scoring';
import type { RiskFact } from '@mcpeeker/plugin-mcpeeker-common';
import {
  endpointEvent,
  gatewayEvent,
  GITHUB_RISKS,
  HOST,
  networkEvent,
  riskFact,
} from '../../__testUtils__/events';

const lessons = { hostOfAddress: () => HOST, findingOfPort: () => undefined };
const totalsOfEvents = (...events: Parameters<typeof toFindingUpdate>[0][]) =>
  events.reduce<FindingTotals>(
    (t, e) => mergeTotals(t, totalsOf(toFindingUpdate(e, lessons))),
    {},
  );
const signalsOf = (...events: Parameters<typeof toFindingUpdate>[0][]) =>
  describeFinding(totalsOfEvents(...events)).signals;

describe('scoring: the product acceptance scenarios', () => {
  it('classifies by the thresholds: authorized ≤ 4, suspect 5–8, unauthorized ≥ 9', () => {
    expect([0, 4, 5, 8, 9, 20].map(classify)).toEqual([
      'authorized',
      'authorized',
      'suspect',
      'suspect',
      'unauthorized',
      'unauthorized',
    ]);
  });

  it('a single-layer detection stays suspect', () => {
    expect(scoreFinding(signalsOf(endpointEvent())).classification).toBe(
      'suspect',
    );
    expect(
      scoreFinding(
        signalsOf(endpointEvent(), endpointEvent({ source: 'port' })),
      ).classification,
    ).toBe('suspect');
    expect(scoreFinding(signalsOf(networkEvent())).classification).toBe(
      'suspect',
    );
    expect(
      scoreFinding(
        signalsOf(gatewayEvent({ judge: { verdict: 'mcp', confidence: 1 } })),
      ).classification,
    ).toBe('suspect');
  });

  it('endpoint and network for the same host reach unauthorized, with each layer in the breakdown', () => {
    const breakdown = scoreFinding(signalsOf(endpointEvent(), networkEvent()));
    expect(breakdown).toEqual({
      score: 9,
      classification: 'unauthorized',
      contributions: [
        {
          layer: 'endpoint',
          points: 6,
          reason: 'the endpoint agent saw it (config ×1)',
        },
        {
          layer: 'network',
          points: 3,
          reason: 'MCP traffic on the network (traffic ×1)',
        },
      ],
      rules: [],
      tags: [],
    });
  });

  it('an approved registry entry takes 6 off', () => {
    const breakdown = scoreFinding(signalsOf(endpointEvent(), networkEvent()), {
      registry: { approved: true, entryName: 'github-for-acme' },
    });
    expect(breakdown.score).toBe(3);
    expect(breakdown.classification).toBe('authorized');
    expect(breakdown.contributions.at(-1)).toEqual({
      layer: 'registry',
      points: -6,
      reason: "matches the approved registry entry 'github-for-acme'",
    });
  });

  it('scores without the Judge while it is unavailable, and rescores when its verdict arrives', () => {
    const without = signalsOf(endpointEvent(), gatewayEvent());
    expect(without.judgeUnavailable).toBe(true);
    const before = scoreFinding(without);
    expect(before).toMatchObject({ score: 6, classification: 'suspect' });
    expect(before.contributions.find(c => c.layer === 'gateway')).toMatchObject(
      { points: 0, reason: expect.stringContaining('Judge was unavailable') },
    );

    const withVerdict = signalsOf(
      endpointEvent(),
      gatewayEvent(),
      gatewayEvent({
        judge: { verdict: 'mcp', confidence: 0.9 },
        requestId: 'r-1',
      }),
    );
    expect(withVerdict.judgeUnavailable).toBe(false);
    expect(scoreFinding(withVerdict)).toMatchObject({
      score: 11,
      classification: 'unauthorized',
    });
  });

  it('trusts a Judge that says it is not MCP', () => {
    expect(
      scoreFinding(
        signalsOf(
          gatewayEvent({ judge: { verdict: 'not-mcp', confidence: 0.95 } }),
        ),
      ),
    ).toMatchObject({ score: 0, classification: 'authorized' });
  });

  it('merges in any order to the same result', () => {
    const events = [
      endpointEvent(),
      networkEvent(),
      gatewayEvent(),
      gatewayEvent({
        judge: { verdict: 'mcp', confidence: 0.8 },
        requestId: 'r-2',
      }),
      endpointEvent({ source: 'port' }),
    ];
    const forward = signalsOf(...events);
    const backward = signalsOf(...[...events].reverse());
    expect(backward).toEqual(forward);
    expect(scoreFinding(backward)).toEqual(scoreFinding(forward));
  });
});

describe('scoring: risk facts', () => {
  const secret = riskFact(
    'inline-secret',
    'env GITHUB_TOKEN holds a GitHub token',
  );
  const rootFs = riskFact('broad-filesystem', "the folder it may use is '/'");
  const privileged = riskFact('docker-privileged', 'docker run --privileged');
  const unpinned = riskFact('unpinned-package', 'npx runs it unpinned');
  const risky = (...facts: RiskFact[]) => endpointEvent({ risks: facts });
  const riskLines = (b: ReturnType<typeof scoreFinding>) =>
    b.contributions
      .filter(c => c.layer === 'risk')
      .map(c => [c.riskKind, c.points, c.reason]);

  it('ranks a server with an inline secret and root filesystem access above a pinned, known, approved one, and above a clean unregistered one', () => {
    const dangerous = scoreFinding(signalsOf(risky(secret, rootFs)));
    const approved = scoreFinding(signalsOf(endpointEvent()), {
      registry: { approved: true, entryName: 'github' },
    });
    const clean = scoreFinding(signalsOf(endpointEvent()));
    expect(approved).toMatchObject({ score: 0, classification: 'authorized' });
    expect(clean).toMatchObject({ score: 6, classification: 'suspect' });
    // One layer alone stays suspect: risk fills the class up to 8.
    expect(dangerous).toMatchObject({
      score: 8,
      classification: 'suspect',
      riskLevel: 'high',
    });
    // Each kind with its points, never a fact's evidence: the breakdown is everyone's who reads the finding.
    expect(riskLines(dangerous)).toEqual([
      [
        'inline-secret',
        2,
        'inline secret (+3, 2 counted: risk alone never makes a finding unauthorized)',
      ],
      [
        'broad-filesystem',
        0,
        'broad filesystem (+3, not counted: risk alone never makes a finding unauthorized)',
      ],
    ]);
  });

  it('adds every risk in full to a finding two layers saw, up to the total cap', () => {
    const two = scoreFinding(
      signalsOf(risky(secret, rootFs, privileged, unpinned), networkEvent()),
    );
    expect(two).toMatchObject({ score: 15, classification: 'unauthorized' });
    expect(riskLines(two)).toEqual([
      ['inline-secret', 3, 'inline secret (+3)'],
      ['broad-filesystem', 3, 'broad filesystem (+3)'],
      [
        'docker-privileged',
        0,
        'docker privileged (+3, not counted: risks add at most 6 in all)',
      ],
      [
        'unpinned-package',
        0,
        'unpinned package (+2, not counted: risks add at most 6 in all)',
      ],
    ]);
    // The cap and the points are the configuration's.
    const weights = {
      ...DEFAULT_WEIGHTS,
      risk: { points: { high: 4, medium: 1, low: 0 }, maxPoints: 10 },
    };
    expect(
      scoreFinding(
        signalsOf(risky(secret, rootFs, privileged, unpinned), networkEvent()),
        { weights },
      ).score,
    ).toBe(9 + 10);
  });

  it('keeps an approved server authorized for low and medium risks; two high risks make it suspect', () => {
    const approved = { registry: { approved: true, entryName: 'github' } };
    // The e2e's github: a token in its env, npx -y, not in the MCP registry.
    const github = scoreFinding(signalsOf(risky(...GITHUB_RISKS)), approved);
    expect(github).toMatchObject({ score: 4, classification: 'authorized' });
    expect(riskLines(github).map(([k, p]) => [k, p])).toEqual([
      ['inline-secret', 3],
      ['unpinned-package', 1],
      ['unknown-publisher', 0],
    ]);
    expect(riskLines(github)[1][2]).toMatch(
      /\(\+2, 1 counted: low and medium risks do not change a finding’s class\)$/,
    );
    expect(
      scoreFinding(signalsOf(risky(unpinned)), approved).classification,
    ).toBe('authorized');
    expect(
      scoreFinding(signalsOf(risky(secret, rootFs)), approved),
    ).toMatchObject({ score: 6, classification: 'suspect' });
    // Unregistered, the same server stays suspect: 6 + 2.
    expect(scoreFinding(signalsOf(risky(...GITHUB_RISKS)))).toMatchObject({
      score: 8,
      classification: 'suspect',
    });
  });

  it('counts 0 for a kind accepted on the approved entry, saying who accepted it and why', () => {
    const acceptedRisks = [
      {
        kind: 'broad-filesystem' as const,
        reason: 'a throwaway VM with nothing else on it',
        by: 'user:default/pat',
        at: '2026-12-01T00:00:00.000Z',
      },
    ];
    const breakdown = scoreFinding(signalsOf(risky(rootFs, unpinned)), {
      registry: { approved: true, entryName: 'fs', acceptedRisks },
    });
    expect(breakdown).toMatchObject({ score: 2, riskLevel: 'medium' });
    expect(riskLines(breakdown)[0]).toEqual([
      'broad-filesystem',
      0,
      'broad filesystem, accepted by user:default/pat: a throwaway VM with nothing else on it',
    ]);
    // Only while the approval holds: tools changed since approval, it counts again.
    const changed = scoreFinding(signalsOf(risky(rootFs)), {
      registry: {
        approved: true,
        entryName: 'fs',
        acceptedRisks,
        toolChange: {
          appeared: ['rm'],
          vanished: [],
          changed: [],
          entryId: 'e',
          entryName: 'fs',
          pinnedAt: '2026-12-01T00:00:00.000Z',
        },
      },
    });
    expect(riskLines(changed)[0][1]).toBe(2);
  });
});
