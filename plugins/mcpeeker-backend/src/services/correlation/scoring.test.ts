import {
  describeFinding,
  FindingTotals,
  mergeTotals,
  toFindingUpdate,
  totalsOf,
} from './correlate';
import { classify, scoreFinding } from './scoring';
import {
  endpointEvent,
  gatewayEvent,
  HOST,
  networkEvent,
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
