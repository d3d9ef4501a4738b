import type {
  Detection,
  FeedbackVerdict,
  Finding,
  FindingFeedback,
  FindingTimeline,
  Layer,
  RegistryEntry,
  ScoreBreakdown,
  Suppression,
  TimelineEntry,
  TimelineKind,
} from '@mcpeeker/plugin-mcpeeker-common';
import {
  AuditAction,
  asClause,
  asQuote,
  auditActionInWords,
  contributionsInWords,
  signedPoints,
} from '@mcpeeker/plugin-mcpeeker-common';
import { riskKindsOf, ScoreChange } from '../database/ScoreHistory';
import { riskLimitOf } from './correlation/scoring';

/** Detection windows listed beside each layer's first: the most recent ones. */
export const TIMELINE_DETECTIONS = 50;

/** Everything stored about a finding that its timeline tells. */
export interface TimelineSources {
  finding: Finding;
  /** Oldest first. */
  detections: Detection[];
  /** Oldest first. */
  history: ScoreChange[];
  feedback: FindingFeedback[];
  triageChanges: Array<{
    at: string;
    actor: string;
    from: { status: string; assignee: string | null };
    to: { status: string; assignee: string | null };
  }>;
  suppressions: Suppression[];
  /** The registry entries that stand for it, each with its audited events. */
  registry: Array<{
    entry: Pick<RegistryEntry, 'id' | 'name' | 'owner'>;
    events: Array<{
      at: string;
      actor: string;
      action: string;
      details: Record<string, unknown>;
    }>;
  }>;
  toolChanges: Array<{ at: string; entryId: string; explanation: string }>;
}

/** What the caller may read beyond who did what. */
export interface TimelineAudience {
  /** Feedback notes and tags (mcpeeker.feedback.read). */
  notes: boolean;
  /** An admin's reason for a registry decision: everyone's, or only for entries they own. */
  decisionReasons: (entry: Pick<RegistryEntry, 'owner'>) => boolean;
}

const LAYER_WORDS: Record<Layer, string> = {
  endpoint: 'the endpoint',
  network: 'the network',
  gateway: 'the LLM gateway',
};

const VERDICT_WORDS: Record<FeedbackVerdict, string> = {
  'true-positive': 'a true positive',
  'false-positive': 'a false positive',
  inconclusive: 'inconclusive',
};

/** On equal times: what was seen, then what people did, then the score it led to. */
const KIND_ORDER: TimelineKind[] = [
  'first-seen',
  'evidence',
  'registry',
  'tools',
  'feedback',
  'triage',
  'suppression',
  'score',
];

const events = (n: number) => `${n} ${n === 1 ? 'event' : 'events'}`;
/** Who did it, unless it was MCPeeker itself (expiry, first tool pins). */
const person = (actor: string) =>
  actor.startsWith('system:') ? undefined : actor;
const withActor = (actor: string) =>
  person(actor) ? { actor: person(actor)! } : {};

function detectionEntries(
  detections: Detection[],
  firstSeen: string,
): { items: TimelineEntry[]; leftOut: number } {
  const sorted = [...detections].sort(
    (a, b) =>
      a.firstSeen.localeCompare(b.firstSeen) || a.layer.localeCompare(b.layer),
  );
  const firsts = new Set<Detection>();
  const seenLayers = new Set<Layer>();
  for (const d of sorted)
    if (!seenLayers.has(d.layer)) {
      seenLayers.add(d.layer);
      firsts.add(d);
    }
  const later = sorted.filter(d => !firsts.has(d));
  const kept = new Set(later.slice(-TIMELINE_DETECTIONS));
  const omitted = later.filter(d => !kept.has(d));
  const items: TimelineEntry[] = [];
  let first = true;
  for (const d of sorted) {
    if (firsts.has(d)) {
      items.push({
        at: first ? firstSeen : d.firstSeen,
        kind: first ? 'first-seen' : 'evidence',
        summary: `${first ? 'First seen' : 'Seen for the first time'} on ${
          LAYER_WORDS[d.layer]
        } (${events(d.eventCount)})`,
        layer: d.layer,
      });
      first = false;
    } else if (kept.has(d))
      items.push({
        at: d.firstSeen,
        kind: 'evidence',
        summary: `Seen again on ${LAYER_WORDS[d.layer]} (${events(
          d.eventCount,
        )} until ${d.lastSeen})`,
        layer: d.layer,
        times: [d.lastSeen],
      });
  }
  if (omitted.length > 0)
    items.push({
      at: omitted[0].firstSeen,
      kind: 'evidence',
      summary: `${omitted.length} more detection ${
        omitted.length === 1 ? 'window' : 'windows'
      } between ${omitted[0].firstSeen} and ${
        omitted[omitted.length - 1].lastSeen
      } not listed (the most recent ${TIMELINE_DETECTIONS} are)`,
      times: [omitted[0].firstSeen, omitted[omitted.length - 1].lastSeen],
    });
  return { items, leftOut: omitted.length };
}

type Contribution = ScoreBreakdown['contributions'][number];

/**
 * Which line of a breakdown a contribution is, whatever it says: one per
 * layer, one per kind of risk. Its words change while it stays (a config
 * counted again, "no longer reported since …"): then it has changed, not
 * gone and come back.
 */
const contributionIdentity = (c: Contribution) =>
  `${c.layer}|${c.riskKind ?? ''}`;

const sameContribution = (a: Contribution, b: Contribution) =>
  a.points === b.points && a.reason === b.reason;

const riskPoints = (contributions: ScoreBreakdown['contributions']) =>
  contributions
    .filter(c => c.layer === 'risk')
    .reduce((sum, c) => sum + c.points, 0);

/**
 * Why the same risks add more or less after the registry status changed:
 * their limits depend on the score before them, which the registry's −6
 * moves ("risk alone never makes a finding unauthorized" holds an
 * unregistered server at 8; approved, the score has room for them).
 */
function riskShiftWords(p: ScoreChange, row: ScoreChange): string | undefined {
  if (p.registryStatus === row.registryStatus) return undefined;
  const before = riskPoints(p.contributions);
  const after = riskPoints(row.contributions);
  if (before === after) return undefined;
  const limits = (c: ScoreChange['contributions']) => [
    ...new Set(c.map(riskLimitOf).filter((l): l is string => !!l)),
  ];
  const change = `risks add ${signedPoints(after)} now, ${signedPoints(
    before,
  )} before`;
  if (after > before) {
    // The limits that cut them before and no longer do, else all of them.
    const still = limits(row.contributions);
    const cutBefore = limits(p.contributions);
    const gone = cutBefore.filter(l => !still.includes(l));
    const cut = gone.length ? gone : cutBefore;
    if (cut.length === 0) return `${change}`;
    const discount = row.contributions.find(
      c => c.layer === 'registry' && c.points < 0,
    );
    return `${change}: they were cut because ${cut.join(' and ')}; ${
      discount
        ? `with the approval’s ${signedPoints(
            discount.points,
          )} the score has room for them`
        : 'that no longer holds them back'
    }`;
  }
  // The limits that cut them now and did not before, else all of them.
  const now = limits(row.contributions);
  const then = limits(p.contributions);
  const fresh = now.filter(l => !then.includes(l));
  const cut = fresh.length ? fresh : now;
  return cut.length
    ? `${change}: cut now because ${cut.join(' and ')}`
    : change;
}

/**
 * The instants a score entry's words name, as its `times`: since when an
 * endpoint line says the server is no longer reported, for the page to show
 * in its reader's time.
 */
function timesNamed(summary: string, ...rows: ScoreChange[]) {
  const times = [
    ...new Set(
      rows.flatMap(r =>
        r.contributions.flatMap(c =>
          c.noLongerReportedSince && summary.includes(c.noLongerReportedSince)
            ? [c.noLongerReportedSince]
            : [],
        ),
      ),
    ),
  ];
  return times.length ? { times } : {};
}

/** Each change of score, classification or registry status, with what changed in its reasons. */
function scoreEntries(history: ScoreChange[]): TimelineEntry[] {
  const items: TimelineEntry[] = [];
  let previous: ScoreChange | undefined;
  for (const row of history) {
    const p = previous;
    previous = row;
    const common = {
      at: row.at,
      kind: 'score' as const,
      score: row.score,
      classification: row.classification,
    };
    if (!p) {
      const summary = `Scored ${row.score} (${
        row.classification
      }): ${contributionsInWords(row.contributions)}`;
      items.push({ ...common, summary, ...timesNamed(summary, row) });
      continue;
    }
    const kindsBefore = riskKindsOf(p.contributions);
    const kindsAfter = riskKindsOf(row.contributions);
    // A row for a suppression alone: the suppression's own entries tell it.
    if (
      p.score === row.score &&
      p.classification === row.classification &&
      p.registryStatus === row.registryStatus &&
      kindsBefore.join() === kindsAfter.join()
    )
      continue;
    const before = new Map(
      p.contributions.map(c => [contributionIdentity(c), c]),
    );
    const after = new Set(row.contributions.map(contributionIdentity));
    // New lines, and lines whose points or words changed: as they read now.
    const added = row.contributions.filter(c => {
      const was = before.get(contributionIdentity(c));
      return !was || !sameContribution(was, c);
    });
    const removed = p.contributions.filter(
      c => !after.has(contributionIdentity(c)),
    );
    const shift = riskShiftWords(p, row);
    const why = [
      ...(added.length ? [contributionsInWords(added)] : []),
      ...removed.flatMap(c => {
        if (!c.riskKind) return [`no longer ${contributionsInWords([c])}`];
        const was = c.points ? ` (it added ${signedPoints(c.points)})` : '';
        return [
          `${c.riskKind.replace(/-/g, ' ')} resolved: no longer reported${was}`,
        ];
      }),
      ...(shift ? [shift] : []),
    ].join('; ');
    const classification =
      p.classification === row.classification
        ? row.classification
        : `${p.classification} → ${row.classification}`;
    const registry =
      p.registryStatus === row.registryStatus
        ? ''
        : `, registry ${p.registryStatus} → ${row.registryStatus}`;
    const summary = `${
      p.score === row.score
        ? `Score stays ${row.score}`
        : `Score ${p.score} → ${row.score}`
    } (${classification}${registry}): ${
      why || contributionsInWords(row.contributions)
    }`;
    items.push({ ...common, summary, ...timesNamed(summary, p, row) });
  }
  return items;
}

/** The registry's actions a finding's timeline tells (in the audit log's words). */
const TOLD_REGISTRY_ACTIONS = new Set<string>([
  'create',
  'approve',
  'deny',
  'revoke',
  'expire',
  'renew',
  'request-renewal',
] satisfies AuditAction[]);

/**
 * An entry's registration moved to the server it became (`update-identity`,
 * `POST /registry/:id/identity`), as the finding whose timeline it is sees
 * it: moved to this server, from this server, or (a fleet-wide entry) to
 * another server of its name. Pending again either way.
 */
function movedEntry(
  findingId: string,
  entryName: string,
  e: TimelineSources['registry'][number]['events'][number],
): string {
  const identityOf = (v: unknown) =>
    v && typeof v === 'object'
      ? (v as { compositeId?: unknown }).compositeId
      : undefined;
  const to = e.details.fromFinding ?? identityOf(e.details.identityTo);
  const from = identityOf(e.details.identityFrom);
  let where = 'to the server it runs now';
  if (to === findingId) where = 'to this server';
  else if (from === findingId)
    where = 'from this server to the server it runs now';
  const who = person(e.actor);
  return `${
    who ? `${who} moved registry entry` : 'Registry entry'
  } '${entryName}'${who ? '' : ' moved'} ${where}; it awaits approval again`;
}

function registryEntries(
  findingId: string,
  sources: TimelineSources['registry'],
  audience: TimelineAudience,
): TimelineEntry[] {
  const items: TimelineEntry[] = [];
  for (const { entry, events: log } of sources) {
    const reasons = audience.decisionReasons(entry);
    for (const e of log) {
      if (e.action === 'update-identity')
        items.push({
          at: e.at,
          kind: 'registry',
          summary: movedEntry(findingId, entry.name, e),
          ...withActor(e.actor),
        });
      const pinned = Array.isArray(e.details.pinnedTools)
        ? (e.details.pinnedTools as string[])
        : undefined;
      const done = TOLD_REGISTRY_ACTIONS.has(e.action)
        ? auditActionInWords(e.action)
        : undefined;
      if (done) {
        const by = person(e.actor) ? ` by ${e.actor}` : '';
        const reason =
          reasons && typeof e.details.reason === 'string' && e.details.reason
            ? `: ${asClause(e.details.reason)}`
            : '';
        items.push({
          at: e.at,
          kind: 'registry',
          summary: `Registry entry '${entry.name}' ${done}${by}${reason}`,
          ...withActor(e.actor),
        });
      }
      if (pinned && (e.action === 'approve' || e.action === 'pin-tools'))
        items.push({
          at: e.at,
          kind: 'tools',
          summary: `${pinned.length} ${
            pinned.length === 1 ? 'tool' : 'tools'
          } pinned on '${entry.name}' ${
            e.action === 'approve'
              ? 'at approval'
              : '(the first set seen after approval)'
          }: ${pinned.join(', ')}`,
          ...withActor(e.actor),
        });
    }
  }
  return items;
}

/**
 * A finding's timeline, oldest first, from what is stored: its first
 * sighting, each layer's first evidence and the most recent detection
 * windows, each score change with its reasons, the registry's decisions on
 * the entries that stand for it, tool pins and changes, feedback (notes only
 * for who may read them), triage changes, and suppressions. Each summary
 * is one sentence without its closing full stop (the page adds it, with
 * `asSentence`); what people and the Judge wrote in it (reasons,
 * explanations) goes in as clauses, without theirs (`asClause`), and a
 * feedback note is quoted whole, its own punctuation inside (`asQuote`).
 */
export function buildTimeline(
  sources: TimelineSources,
  audience: TimelineAudience,
): FindingTimeline {
  const { finding } = sources;
  const detections = detectionEntries(sources.detections, finding.firstSeen);
  const items: TimelineEntry[] = [...detections.items];
  if (sources.detections.length === 0)
    items.push({
      at: finding.firstSeen,
      kind: 'first-seen',
      summary: `First seen on ${finding.layers
        .map(l => LAYER_WORDS[l])
        .join(' and ')}`,
    });
  items.push(...scoreEntries(sources.history));
  items.push(
    ...registryEntries(finding.compositeId, sources.registry, audience),
  );
  const entryNames = new Map(
    sources.registry.map(r => [r.entry.id, r.entry.name]),
  );
  for (const t of sources.toolChanges)
    items.push({
      at: t.at,
      kind: 'tools',
      summary: `Tools changed since '${
        entryNames.get(t.entryId) ?? 'its entry'
      }' was approved: ${asClause(t.explanation)}`,
    });
  for (const f of sources.feedback) {
    const note =
      audience.notes && f.note && asClause(f.note)
        ? `: ${asQuote(f.note)}`
        : '';
    const tags =
      audience.notes && f.tags.length ? ` (tags: ${f.tags.join(', ')})` : '';
    items.push({
      at: f.createdAt,
      kind: 'feedback',
      summary: `${f.author} marked it ${
        VERDICT_WORDS[f.verdict]
      }${note}${tags}`,
      actor: f.author,
    });
  }
  for (const t of sources.triageChanges) {
    const parts: string[] = [];
    const changed: NonNullable<TimelineEntry['changed']> = [];
    if (t.from.status !== t.to.status) {
      parts.push(`set the status to ${t.to.status}`);
      changed.push('status');
    }
    if (t.from.assignee !== t.to.assignee) {
      parts.push(
        t.to.assignee ? `assigned it to ${t.to.assignee}` : 'unassigned it',
      );
      changed.push('assignee');
    }
    if (parts.length)
      items.push({
        at: t.at,
        kind: 'triage',
        summary: `${t.actor} ${parts.join(' and ')}`,
        actor: t.actor,
        changed,
      });
  }
  for (const s of sources.suppressions) {
    items.push({
      at: s.createdAt,
      kind: 'suppression',
      summary: `Suppressed by ${s.createdBy}: ${s.label} (${asClause(
        s.reason,
      )})${s.expiresAt ? `, until ${s.expiresAt}` : ''}`,
      actor: s.createdBy,
      ...(s.expiresAt ? { times: [s.expiresAt] } : {}),
    });
    if (s.revokedAt)
      items.push({
        at: s.revokedAt,
        kind: 'suppression',
        summary: `Suppression of ${s.label} revoked by ${s.revokedBy}${
          s.revokeReason ? ` (${asClause(s.revokeReason)})` : ''
        }`,
        ...withActor(s.revokedBy ?? ''),
      });
    else if (!s.active && s.expiresAt)
      items.push({
        at: s.expiresAt,
        kind: 'suppression',
        summary: `Suppression of ${s.label} expired`,
      });
  }
  const rank = (k: TimelineKind) => KIND_ORDER.indexOf(k);
  items.sort(
    (a, b) =>
      Date.parse(a.at) - Date.parse(b.at) || rank(a.kind) - rank(b.kind),
  );
  return { items, detectionsLeftOut: detections.leftOut };
}
