import {
  AcceptedRisk,
  Classification,
  RISK_KIND_IDS,
  RISK_SEVERITY_RANK,
  RiskFact,
  RiskKind,
  RiskSeverity,
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
  /** What risk facts add (`mcpeeker.scoring.risk`). */
  risk: RiskWeights;
}

/** Points for risk facts: per kind, by the severity of its most severe fact, up to a total. */
export interface RiskWeights {
  points: Record<RiskSeverity, number>;
  /** The most all risks of a finding add together. */
  maxPoints: number;
}

export const DEFAULT_WEIGHTS: ScoringWeights = {
  endpoint: 6,
  network: 3,
  judge: 5,
  endpointCorroboration: 1,
  layerCap: 8,
  registryApproved: -6,
  unregisteredFloor: 5,
  risk: { points: { high: 3, medium: 2, low: 1 }, maxPoints: 6 },
};

export function classify(score: number): Classification {
  if (score <= 4) return 'authorized';
  if (score <= 8) return 'suspect';
  return 'unauthorized';
}

/** The highest score of a class (unauthorized has none). */
const TOP_OF_CLASS: Record<Classification, number> = {
  authorized: 4,
  suspect: 8,
  unauthorized: Infinity,
};

/**
 * A kind in words, as the breakdown names it: "inline secret". Only the
 * kind: the facts themselves (what was seen, in which file) are each
 * owner's, and the breakdown is everyone's who may read the finding (its
 * timeline, exports and notifications repeat it); `signals.risks` holds the
 * facts, narrowed to the reader's own.
 */
const kindWords = (kind: RiskKind) => kind.replace(/-/g, ' ');

/**
 * Risk's part of the score, after the layers, the registry and the floor:
 * each kind once, by its most severe fact, most severe first, up to
 * `maxPoints` in all — within two limits that keep the classes meaning what
 * they meant: risk never makes a finding unauthorized on its own (below 9
 * it stops at 8: unauthorized still takes a second layer), and low and
 * medium risks stay within the class the finding has with its high risks
 * (they never make an approved server suspect). Kinds accepted on the
 * approved entry count 0, and say who accepted them and why.
 */
function scoreRisks(
  facts: RiskFact[],
  base: number,
  weights: RiskWeights,
  accepted: AcceptedRisk[],
): {
  contributions: ScoreBreakdown['contributions'];
  points: number;
  level?: RiskSeverity;
} {
  const byKind = new Map<RiskKind, RiskFact[]>();
  for (const f of facts) byKind.set(f.kind, [...(byKind.get(f.kind) ?? []), f]);
  const severityOf = (list: RiskFact[]) =>
    list.reduce<RiskSeverity>(
      (worst, f) =>
        RISK_SEVERITY_RANK[f.severity] > RISK_SEVERITY_RANK[worst]
          ? f.severity
          : worst,
      'low',
    );
  const kinds = [...byKind]
    .map(([kind, list]) => ({ kind, list, severity: severityOf(list) }))
    .sort(
      (a, b) =>
        RISK_SEVERITY_RANK[b.severity] - RISK_SEVERITY_RANK[a.severity] ||
        RISK_KIND_IDS.indexOf(a.kind) - RISK_KIND_IDS.indexOf(b.kind),
    );
  const highCeiling = base >= 9 ? Infinity : 8;
  let lowCeiling: number | undefined;
  let score = base;
  let budget = weights.maxPoints;
  let level: RiskSeverity | undefined;
  const contributions: ScoreBreakdown['contributions'] = [];
  for (const { kind, severity } of kinds) {
    const said = kindWords(kind);
    const acceptance = accepted.find(a => a.kind === kind);
    if (acceptance) {
      contributions.push({
        layer: 'risk',
        points: 0,
        reason: `${said}, accepted by ${acceptance.by}: ${acceptance.reason}`,
        riskKind: kind,
        acceptedRisk: acceptance,
      });
      continue;
    }
    level ??= severity;
    const nominal = weights.points[severity];
    if (severity !== 'high')
      lowCeiling ??= Math.min(highCeiling, TOP_OF_CLASS[classify(score)]);
    const ceiling = severity === 'high' ? highCeiling : lowCeiling!;
    const points = Math.max(0, Math.min(nominal, budget, ceiling - score));
    let why = '';
    if (points < nominal) {
      let limit = 'low and medium risks do not change a finding’s class';
      if (budget <= ceiling - score)
        limit = `risks add at most ${weights.maxPoints} in all`;
      else if (severity === 'high')
        limit = 'risk alone never makes a finding unauthorized';
      why = `, ${points > 0 ? `${points} counted` : 'not counted'}: ${limit}`;
    }
    contributions.push({
      layer: 'risk',
      points,
      reason: `${said} (+${nominal}${why})`,
      riskKind: kind,
    });
    score += points;
    budget -= points;
  }
  return { contributions, points: score - base, ...(level ? { level } : {}) };
}

/**
 * The limit that cut a risk's points, from its contribution's words as
 * `scoreRisks` writes them ("broad filesystem (+3, 2 counted: risk alone
 * never makes a finding unauthorized)"); none when it counted in full.
 */
export function riskLimitOf(
  contribution: ScoreBreakdown['contributions'][number],
): string | undefined {
  if (contribution.layer !== 'risk') return undefined;
  return /, (?:\d+ counted|not counted): (.+)\)$/.exec(
    contribution.reason,
  )?.[1];
}

const total = (counts?: Record<string, number>) =>
  Object.values(counts ?? {}).reduce((a, b) => a + b, 0);

/**
 * The one scoring function: per-layer contributions (endpoint high, Judge
 * medium, network supporting), each capped so one layer alone stays
 * suspect; unregistered servers start at suspect; an approved, unexpired
 * registry entry takes 6 off; risk facts add points per kind (see
 * `scoreRisks`). Every point comes with its reason in words.
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
      /** Kinds of risk accepted on the approved entry: they count while its approval does. */
      acceptedRisks?: AcceptedRisk[];
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
  const risk = scoreRisks(
    signals.risks ?? [],
    score,
    w.risk,
    approved ? options.registry?.acceptedRisks ?? [] : [],
  );
  contributions.push(...risk.contributions);
  score += risk.points;
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
    ...(risk.level ? { riskLevel: risk.level } : {}),
    ...(toolChange ? { toolChange } : {}),
  };
}
