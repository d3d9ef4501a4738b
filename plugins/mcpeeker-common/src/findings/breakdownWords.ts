import type { ScoreBreakdown } from './finding';

/**
 * A score's reasons in words, the one way every place says them (an export's
 * `reasons`, the timeline, score history, the MCP tools).
 */

/** A signed number of points: +6, -6, 0. @public */
export const signedPoints = (points: number) =>
  points > 0 ? `+${points}` : String(points);

/** One contribution: "+6 endpoint: the endpoint agent saw it (config ×1)". @public */
export function contributionInWords(
  c: ScoreBreakdown['contributions'][number],
): string {
  return `${signedPoints(c.points)} ${c.layer}: ${c.reason}`;
}

/** Every contribution, joined: "+6 endpoint: …; +3 network: …". @public */
export function contributionsInWords(
  contributions: ScoreBreakdown['contributions'],
): string {
  if (contributions.length === 0) return 'no signal adds points';
  return contributions.map(contributionInWords).join('; ');
}
