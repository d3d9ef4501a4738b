import type {
  FeedbackVerdict,
  Suppression,
  SuppressionScope,
  TriageStatus,
} from '@mcpeeker/plugin-mcpeeker-common';

/** A triage status, as a person says it. */
export const TRIAGE_STATUS_WORDS: Record<TriageStatus, string> = {
  open: 'Open',
  investigating: 'Investigating',
  resolved: 'Resolved',
};

/** A feedback verdict, as a person says it. */
export const VERDICT_WORDS: Record<FeedbackVerdict, string> = {
  'true-positive': 'True positive',
  'false-positive': 'False positive',
  inconclusive: 'Inconclusive',
};

/** What each verdict means, beside its choice. */
export const VERDICT_MEANINGS: Record<FeedbackVerdict, string> = {
  'true-positive': 'an MCP server that matters',
  'false-positive': 'not what it looks like; nothing to act on',
  inconclusive: 'cannot tell yet',
};

/** A suppression's scope in a few words (a table column, a chip). */
export const SCOPE_WORDS: Record<SuppressionScope, string> = {
  finding: 'One finding',
  'server-on-team': 'Server on a team',
  command: 'Command everywhere',
};

/** What a suppression matches, in a sentence (from its label, which names the pattern). */
export function suppressionMatchesInWords(
  s: Pick<Suppression, 'scope' | 'label'>,
): string {
  switch (s.scope) {
    case 'finding':
      return `Only the finding ${s.label}`;
    case 'server-on-team':
      return `${s.label}: that server name wherever every owner belongs to the team`;
    default:
      return `${s.label[0].toUpperCase()}${s.label.slice(1)}, on any host`;
  }
}
