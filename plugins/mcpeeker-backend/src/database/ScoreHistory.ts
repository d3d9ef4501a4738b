import {
  contributionsInWords,
  type Classification,
  type FindingRegistryStatus,
  type ScoreBreakdown,
} from '@mcpeeker/plugin-mcpeeker-common';
import { Knex } from 'knex';
import type { Finding, ScoreHistoryRecorder } from './FindingStore';
import { chunks } from './queryHelpers';

const TABLE = 'mcpeeker_score_history';

/** One row of a finding's score history. */
export interface ScoreChange {
  at: string;
  score: number;
  classification: Classification;
  registryStatus: FindingRegistryStatus;
  suppressionId?: string;
  /** Every contribution in words. */
  reason: string;
  contributions: ScoreBreakdown['contributions'];
}

type Row = {
  seq: number | string;
  composite_id: string;
  at: Date | string | number;
  score: number;
  classification: Classification;
  registry_status: FindingRegistryStatus;
  suppression_id: string | null;
  reason: string;
  contributions: string;
};

/**
 * The kinds of risk a breakdown names (accepted ones too), sorted: a kind
 * that leaves it was resolved — its facts are no longer reported.
 */
export const riskKindsOf = (contributions: ScoreBreakdown['contributions']) =>
  [
    ...new Set(contributions.flatMap(c => (c.riskKind ? [c.riskKind] : []))),
  ].sort();

/**
 * What a row remembers of a finding: a new row is written when it differs —
 * also when only the kinds of risk change, so a risk fixed at the same score
 * is on the timeline, and when it is no longer reported (or again).
 */
const stateOf = (r: {
  score: number;
  classification: string;
  registryStatus: string;
  suppressionId?: string | null;
  contributions: ScoreBreakdown['contributions'];
}) =>
  `${r.score}|${r.classification}|${r.registryStatus}|${
    r.suppressionId ?? ''
  }|${riskKindsOf(r.contributions).join(',')}|${
    r.contributions.find(c => c.noLongerReportedSince)?.noLongerReportedSince ??
    ''
  }`;

/**
 * Each finding's score history in the Backstage database, whichever store
 * holds the findings: a row whenever a stored finding's score,
 * classification, registry status, suppression or kinds of risk change, by
 * ingest or rescore. One read (each finding's last row) and one insert per batch.
 */
export class ScoreHistory implements ScoreHistoryRecorder {
  constructor(
    private readonly db: Knex,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(findings: Finding[], tx?: Knex.Transaction): Promise<void> {
    if (findings.length === 0) return;
    const q = tx ?? this.db;
    const latest = new Map(findings.map(f => [f.compositeId, f]));
    const ids = [...latest.keys()];
    const last = new Map<string, string>();
    for (const part of chunks(ids, 500))
      for (const row of await q<Row>(TABLE).whereIn(
        'seq',
        q(TABLE)
          .whereIn('composite_id', part)
          .groupBy('composite_id')
          .max('seq'),
      ))
        last.set(
          row.composite_id,
          stateOf({
            score: Number(row.score),
            classification: row.classification,
            registryStatus: row.registry_status,
            suppressionId: row.suppression_id,
            contributions: JSON.parse(row.contributions),
          }),
        );
    const at = this.now();
    const rows = [...latest.values()]
      .filter(
        f =>
          last.get(f.compositeId) !==
          stateOf({
            ...f,
            suppressionId: f.triage.suppression?.id,
            contributions: f.breakdown.contributions,
          }),
      )
      .map(f => ({
        composite_id: f.compositeId,
        at,
        score: f.score,
        classification: f.classification,
        registry_status: f.registryStatus,
        suppression_id: f.triage.suppression?.id ?? null,
        reason: contributionsInWords(f.breakdown.contributions),
        contributions: JSON.stringify(f.breakdown.contributions),
      }));
    for (const part of chunks(rows, 200)) await q(TABLE).insert(part);
  }

  /** A finding's history, oldest first: its most recent `limit` rows. */
  async forFinding(compositeId: string, limit = 200): Promise<ScoreChange[]> {
    const rows = await this.db<Row>(TABLE)
      .where('composite_id', compositeId)
      .orderBy('seq', 'desc')
      .limit(limit);
    return rows.reverse().map(r => ({
      at: new Date(r.at).toISOString(),
      score: Number(r.score),
      classification: r.classification,
      registryStatus: r.registry_status,
      ...(r.suppression_id ? { suppressionId: r.suppression_id } : {}),
      reason: r.reason,
      contributions: JSON.parse(r.contributions),
    }));
  }
}
