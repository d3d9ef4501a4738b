import { Config } from '@backstage/config';
import { wholeNumber } from '../../checkedConfig';
import { DEFAULT_WEIGHTS, RiskWeights } from './scoring';

/** What the score's configurable parts are: `mcpeeker.scoring`. */
export interface ScoringConfig {
  risk: RiskWeights;
}

/** Reads `mcpeeker.scoring` from the `mcpeeker` block (docs/scoring.md, Risk). */
export function readScoringConfig(config: Config | undefined): ScoringConfig {
  const defaults = DEFAULT_WEIGHTS.risk;
  const points = (severity: keyof RiskWeights['points']) =>
    wholeNumber(config, `scoring.risk.points.${severity}`, 0, 8) ??
    defaults.points[severity];
  return {
    risk: {
      points: {
        high: points('high'),
        medium: points('medium'),
        low: points('low'),
      },
      maxPoints:
        wholeNumber(config, 'scoring.risk.maxPoints', 0, 20) ??
        defaults.maxPoints,
    },
  };
}
