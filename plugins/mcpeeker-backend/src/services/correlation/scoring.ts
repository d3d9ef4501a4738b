import {
  Classification,
  ScoreBreakdown,
  Signals,
  summarizeToolSetChange,
} from '@mcpeeker/plugin-mcpeeker-common';

export type {
  Classification,
  ScoreBreakdown,
  Signals,
} from '@mcpeeker/plugin-mcpeeker-common';

export interface ScoringWeights {
  endpoint: number;
  network: number;
  judge: number;
  /** Added per additional endpoint source (a process or port confirming a config entry), up to `layerCap`. */
  endpointCorroboration: number;
  /** No single layer adds more than this: one layer alone stays suspect. */
  layerCap: number;
  registryApproved: number;
  /** An unregistered server with any signal starts at suspect. */
  unregisteredFloor: number;
}

export const DEFAULT_WEIGHTS: ScoringWeights = {
  endpoint: 6,
  network: 3,
  judge: 5,
  endpointCorroboration: 1,
  layerCap: 8,
  registryApproved: -6,
  unregisteredFloor: 5,
};

export function classify(score: number): Classification {
  if (score <= 4) return 'authorized';
  if (score <= 8) return 'suspect';
  return 'unauthorized';
}

const total = (counts?: Record<string, number>) =>
  Object.values(counts ?? {}).reduce((a, b) => a + b, 0);

/**
 * The one scoring function: per-layer contributions (endpoint high, Judge
 * medium, network supporting), each capped so one layer alone stays
 * suspect; unregistered servers start at suspect; an approved, unexpired
 * registry entry takes 6 off. Every point comes with its reason in words.
 */
export function scoreFinding(
  signals: Signals,
  options: {
    weights?: ScoringWeights;
    registry?: {
      approved: boolean;
      entryName?: string;
      /** Its tools differ from those pinned at approval: no discount until an admin approves again. */
      toolChange?: ScoreBreakdown['toolChange'];
    };
  } = {},
): ScoreBreakdown {
  const w = options.weights ?? DEFAULT_WEIGHTS;
  const contributions: ScoreBreakdown['contributions'] = [];

  const endpoint = signals.counts.endpoint ?? {};
  const endpointSources = Object.keys(endpoint)
    .filter(k => endpoint[k] > 0)
    .sort();
  if (endpointSources.length > 0) {
    const points = Math.min(
      w.layerCap,
      w.endpoint + w.endpointCorroboration * (endpointSources.length - 1),
    );
    contributions.push({
      layer: 'endpoint',
      points,
      reason: `the endpoint agent saw it (${endpointSources
        .map(s => `${s} ×${endpoint[s]}`)
        .join(', ')})`,
    });
  }
  const network = signals.counts.network ?? {};
  if (total(network) > 0) {
    const points = Math.min(
      w.layerCap,
      w.network + (signals.highSeveritySignatures > 0 ? 2 : 0),
    );
    contributions.push({
      layer: 'network',
      points,
      reason: `MCP traffic on the network (${Object.entries(network)
        .map(([k, v]) => `${k} ×${v}`)
        .join(', ')})${
        signals.highSeveritySignatures > 0
          ? ', including a high-severity signature'
          : ''
      }`,
    });
  }
  if (total(signals.counts.gateway) > 0) {
    if (signals.judge) {
      const { verdict, confidence, explanation } = signals.judge;
      const share = { mcp: confidence, uncertain: 0.4, 'not-mcp': 0 }[verdict];
      const points = Math.round(w.judge * share);
      contributions.push({
        layer: 'gateway',
        points: Math.min(w.layerCap, points),
        reason: `the Judge says ${verdict} (confidence ${confidence.toFixed(
          2,
        )}): ${explanation}`,
      });
    } else {
      contributions.push({
        layer: 'gateway',
        points: 0,
        reason:
          'seen at the LLM gateway; the Judge was unavailable, so it is scored without it until the verdict arrives',
      });
    }
  }

  let score = contributions.reduce((sum, c) => sum + c.points, 0);
  const toolChange = options.registry?.toolChange;
  const approved = options.registry?.approved === true && !toolChange;
  if (toolChange) {
    contributions.push({
      layer: 'registry',
      points: 0,
      reason: `matches the approved registry entry '${
        toolChange.entryName
      }', but its tools changed since approval (${summarizeToolSetChange(
        toolChange,
      )}): no discount until an admin approves it again`,
    });
  }
  if (approved) {
    contributions.push({
      layer: 'registry',
      points: w.registryApproved,
      reason: `matches the approved registry entry${
        options.registry?.entryName ? ` '${options.registry.entryName}'` : ''
      }`,
    });
    score += w.registryApproved;
  } else if (
    contributions.length > 0 &&
    score < w.unregisteredFloor &&
    score > 0
  ) {
    const points = w.unregisteredFloor - score;
    contributions.push({
      layer: 'floor',
      points,
      reason: toolChange
        ? 'its tools changed since approval: suspect until an admin approves it again'
        : 'not in the registry: an unknown MCP server is suspect until someone registers it',
    });
    score += points;
  }
  score = Math.max(0, score);
  const rules = Object.entries(signals.rules ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, r]) => ({
      id,
      ...r,
      reason: `rule ${id} "${r.name}" (${r.severity}) matched ×${r.count}`,
    }));
  const tags = [
    ...new Set([
      ...rules.flatMap(r => r.tags),
      ...(toolChange ? ['tools-changed'] : []),
    ]),
  ].sort();
  return {
    score,
    classification: classify(score),
    contributions,
    rules,
    tags,
    ...(toolChange ? { toolChange } : {}),
  };
}
