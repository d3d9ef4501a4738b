import type { ScoreBreakdown } from './finding';

/**
 * A score's reasons in words, the one way every place says them (an export's
 * `reasons`, the timeline, score history, the MCP tools).
 */

/**
 * Text written elsewhere — a reason, a note, the Judge's explanation — as a
 * clause of a sentence of ours: trimmed, without its closing full stops, so
 * that what follows it ("; …" or ".") is never doubled punctuation.
 *
 * @public
 */
export function asClause(text: string): string {
  return text.trim().replace(/[\s.]+$/, '');
}

/**
 * Words as one sentence: ending with exactly one full stop, or none where
 * they end a sentence already (a question or exclamation mark, or a quote
 * that closes with its own: `… "Rotate the key."`).
 *
 * @public
 */
export function asSentence(text: string): string {
  const clause = asClause(text);
  return /[.!?]["'”’]?$/.test(clause) ? clause : `${clause}.`;
}

/**
 * What someone wrote, quoted whole: trimmed, with its own closing
 * punctuation inside the quote (a doubled full stop made one; an ellipsis
 * kept). What follows the quote adds no full stop of its own (`asSentence`).
 *
 * @public
 */
export function asQuote(text: string): string {
  return `"${text.trim().replace(/(?<!\.)\.\.$/, '.')}"`;
}

/** A signed number of points: +6, -6, 0. @public */
export const signedPoints = (points: number) =>
  points > 0 ? `+${points}` : String(points);

/**
 * One contribution: "endpoint +6: the endpoint agent saw it (config ×1)".
 * The layer comes first so the words never start with a sign: a spreadsheet
 * would take "+6 …" or "-6 …" for a formula (the CSV export guards such text
 * with a leading quote, which a reader then sees).
 *
 * @public
 */
export function contributionInWords(
  c: ScoreBreakdown['contributions'][number],
): string {
  return `${c.layer} ${signedPoints(c.points)}: ${asClause(c.reason)}`;
}

/** Every contribution, joined: "endpoint +6: …; network +3: …". @public */
export function contributionsInWords(
  contributions: ScoreBreakdown['contributions'],
): string {
  if (contributions.length === 0) return 'no signal adds points';
  return contributions.map(contributionInWords).join('; ');
}
