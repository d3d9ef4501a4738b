import {
  Classification,
  contributionsInWords,
  Finding,
  FindingRiskFact,
  judgedNotMcp,
  RISK_KIND_IDS,
  RiskSeverity,
  riskSarifResult,
  riskSarifRules,
  SARIF_SCHEMA_URI,
  SARIF_VERSION,
  SarifLevel,
  SarifResult,
  SarifRule,
} from '@mcpeeker/plugin-mcpeeker-common';

/**
 * Findings exported for a SIEM, a spreadsheet or code scanning: JSON (our own
 * versioned shape, docs/export.md), CSV and SARIF 2.1.0. Each format is
 * written in pieces — a head, each page of findings as it is read, a tail
 * with the count — so an export of any size streams and holds one page.
 */

export const EXPORT_FORMATS = ['json', 'csv', 'sarif'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The JSON export's shape and version: a change that breaks a reader bumps it. */
export const FINDINGS_EXPORT_FORMAT = 'mcpeeker.findings.export/v1';

/** What every export says of itself. */
export interface ExportMeta {
  exportedAt: string;
  /** Who asked (a user entity ref). */
  exportedBy: string;
  /** The filters it honours, as given in the request. */
  filters: Record<string, unknown>;
}

/** Writes one export: `head`, then `page` for each page in order, then `tail`. */
export interface ExportWriter {
  contentType: string;
  extension: string;
  head(meta: ExportMeta): string;
  page(findings: Finding[], first: boolean): string;
  tail(meta: ExportMeta, count: number): string;
}

/** A finding's score in words, each contribution with its points. */
export const reasonsOf = (finding: Finding) =>
  contributionsInWords(finding.breakdown.contributions);

/**
 * A finding's risk as the findings list shows it and `minRisk` filters it:
 * the most severe risk that counts (`breakdown.riskLevel`: not accepted on
 * its registry entry, and none once the server is no longer reported) and
 * how many of its risk facts count (those of the kinds its score counts).
 * The CSV's `riskLevel` and `riskCount` columns and the JSON's `risk`.
 */
export function countingRisk(finding: Finding): {
  level?: RiskSeverity;
  count: number;
} {
  const counted = new Set(
    finding.breakdown.contributions
      .filter(c => c.layer === 'risk' && !c.acceptedRisk)
      .map(c => c.riskKind),
  );
  const level = finding.breakdown.riskLevel;
  return {
    ...(level ? { level } : {}),
    count: level
      ? (finding.signals.risks ?? []).filter(r => counted.has(r.kind)).length
      : 0,
  };
}

const jsonWriter: ExportWriter = {
  contentType: 'application/json; charset=utf-8',
  extension: 'json',
  head: meta =>
    `{"format":${JSON.stringify(
      FINDINGS_EXPORT_FORMAT,
    )},"exportedAt":${JSON.stringify(
      meta.exportedAt,
    )},"exportedBy":${JSON.stringify(
      meta.exportedBy,
    )},"filters":${JSON.stringify(meta.filters)},"findings":[\n`,
  page: (findings, first) =>
    `${first ? '' : ',\n'}${findings
      .map(f =>
        JSON.stringify({
          ...f,
          risk: countingRisk(f),
          ...(judgedNotMcp(f) ? { judgedNotMcp: true } : {}),
        }),
      )
      .join(',\n')}`,
  // Written last, so a reader knows a file that lacks them was cut short.
  tail: (_meta, count) => `\n],"count":${count},"complete":true}\n`,
};

/** Columns of the CSV export, in order. */
export const CSV_COLUMNS: Array<{
  name: string;
  value: (f: Finding) => string | number | undefined;
}> = [
  { name: 'compositeId', value: f => f.compositeId },
  { name: 'serverName', value: f => f.serverName },
  { name: 'owner', value: f => f.owner },
  { name: 'hostIdHash', value: f => f.hostIdHash },
  { name: 'score', value: f => f.score },
  { name: 'classification', value: f => f.classification },
  { name: 'riskLevel', value: f => countingRisk(f).level },
  { name: 'riskCount', value: f => countingRisk(f).count },
  { name: 'registryStatus', value: f => f.registryStatus },
  { name: 'layers', value: f => f.layers.join(' ') },
  { name: 'judgeVerdict', value: f => f.signals.judge?.verdict },
  { name: 'judgeUnavailable', value: f => String(f.judgeUnavailable) },
  { name: 'judgedNotMcp', value: f => String(judgedNotMcp(f)) },
  { name: 'tags', value: f => f.breakdown.tags.join(' ') },
  { name: 'triageStatus', value: f => f.triage.status },
  { name: 'assignee', value: f => f.triage.assignee },
  { name: 'verdict', value: f => f.triage.verdict },
  { name: 'suppressedBy', value: f => f.triage.suppression?.label },
  { name: 'firstSeen', value: f => f.firstSeen },
  { name: 'lastSeen', value: f => f.lastSeen },
  { name: 'reasons', value: reasonsOf },
];

/**
 * One CSV field (RFC 4180): quoted when it must be. Text a spreadsheet would
 * run as a formula (`=`, `+`, `-`, `@`, tab, carriage return first) gets a
 * leading `'`: a server name comes from a laptop's config, which anyone
 * writes.
 */
export function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const csvWriter: ExportWriter = {
  contentType: 'text/csv; charset=utf-8',
  extension: 'csv',
  head: () => `${CSV_COLUMNS.map(c => c.name).join(',')}\r\n`,
  page: findings =>
    findings
      .map(f => `${CSV_COLUMNS.map(c => csvField(c.value(f))).join(',')}\r\n`)
      .join(''),
  tail: () => '',
};

const LEVELS: Record<Classification, SarifLevel> = {
  unauthorized: 'error',
  suspect: 'warning',
  authorized: 'note',
};

/**
 * One SARIF rule per classification: what the finding's score says of it.
 * Ids from 100 up: 001–099 are the risk kinds (common RISK_KINDS, the
 * agent's `scan --format sarif` rules, listed after these), so one
 * code-scanning tool never reads one id two ways.
 */
export const SARIF_RULES: Array<
  SarifRule & { classification: Classification }
> = [
  {
    classification: 'unauthorized',
    id: 'MCPEEKER100',
    name: 'UnauthorizedMcpServer',
    shortDescription: {
      text: 'An MCP server runs that no approved registry entry covers, with strong evidence (score 9 or more).',
    },
    help: {
      text: 'Register the server in the MCPeeker registry with its purpose and team so an admin can approve it, or remove it from the client configuration.',
    },
    defaultConfiguration: { level: 'error' },
  },
  {
    classification: 'suspect',
    id: 'MCPEEKER101',
    name: 'SuspectMcpServer',
    shortDescription: {
      text: 'An MCP server is likely running without approval (score 5 to 8).',
    },
    help: {
      text: 'Read the score breakdown and evidence; register the server if it is needed, or record feedback if it is not an MCP server.',
    },
    defaultConfiguration: { level: 'warning' },
  },
  {
    classification: 'authorized',
    id: 'MCPEEKER102',
    name: 'AuthorizedMcpServer',
    shortDescription: {
      text: 'An MCP server that is approved, or whose evidence is weak (score 4 or less).',
    },
    help: { text: 'No action needed while its approval holds.' },
    defaultConfiguration: { level: 'note' },
  },
];

/**
 * A suppressed finding (exported with suppressed=include), and one judged
 * not an MCP server (notMcp=include), say so the SARIF way.
 */
const suppressionsOf = (finding: Finding): SarifResult['suppressions'] => [
  ...(finding.triage.suppression
    ? [
        {
          kind: 'external' as const,
          status: 'accepted' as const,
          justification: `${finding.triage.suppression.label}: ${finding.triage.suppression.reason}`,
        },
      ]
    : []),
  ...(judgedNotMcp(finding)
    ? [
        {
          kind: 'external' as const,
          status: 'accepted' as const,
          justification: `Judged not an MCP server: ${
            finding.signals.judge?.explanation ?? ''
          }`,
        },
      ]
    : []),
];

/** Where a finding is: a running server on a host, not a line in a file. */
const findingLocation = (finding: Finding) => ({
  fullyQualifiedName: finding.hostIdHash
    ? `${finding.hostIdHash}/${finding.compositeId}`
    : finding.compositeId,
  kind: 'module',
});

/** A finding as a SARIF result: its rule by classification, its score and breakdown in properties. */
export function sarifResult(finding: Finding): SarifResult {
  const ruleIndex = SARIF_RULES.findIndex(
    r => r.classification === finding.classification,
  );
  const name = finding.serverName ?? finding.compositeId;
  return {
    ruleId: SARIF_RULES[ruleIndex].id,
    ruleIndex,
    level: LEVELS[finding.classification],
    message: {
      text: judgedNotMcp(finding)
        ? `'${name}' was judged not an MCP server: ${reasonsOf(finding)}.`
        : `MCP server '${name}' scored ${finding.score} (${
            finding.classification
          }): ${reasonsOf(finding)}.`,
    },
    locations: [{ logicalLocations: [{ name, ...findingLocation(finding) }] }],
    partialFingerprints: { 'mcpeekerCompositeId/v1': finding.compositeId },
    ...(finding.triage.suppression || judgedNotMcp(finding)
      ? { suppressions: suppressionsOf(finding) }
      : {}),
    properties: {
      compositeId: finding.compositeId,
      score: finding.score,
      classification: finding.classification,
      registryStatus: finding.registryStatus,
      owner: finding.owner,
      hostIdHash: finding.hostIdHash,
      layers: finding.layers,
      firstSeen: finding.firstSeen,
      lastSeen: finding.lastSeen,
      breakdown: finding.breakdown,
      triage: finding.triage,
    },
  };
}

/**
 * A finding's risk facts (as far as the reader may see them) as SARIF
 * results: each located in its config file on the endpoint (a file URI, the
 * line and column of its key) under its kind's rule — the rules and results
 * the agent's `scan --format sarif` writes — with the finding's id. A kind
 * accepted on the approved entry, and a suppressed finding's facts, carry
 * the suppression that says why nobody acts on them.
 */
export function riskSarifResults(finding: Finding): SarifResult[] {
  const name = finding.serverName ?? finding.compositeId;
  return (finding.signals.risks ?? []).map((fact: FindingRiskFact) => {
    const accepted = finding.breakdown.contributions.find(
      c => c.riskKind === fact.kind && c.acceptedRisk,
    )?.acceptedRisk;
    return riskSarifResult(fact, {
      ruleIndex: SARIF_RULES.length + RISK_KIND_IDS.indexOf(fact.kind),
      server: `MCP server '${name}'`,
      serverName: name,
      serverLocation: findingLocation(finding),
      partialFingerprints: { 'mcpeekerCompositeId/v1': finding.compositeId },
      suppressions: [
        ...(accepted
          ? [
              {
                kind: 'external' as const,
                status: 'accepted' as const,
                justification: `accepted on its approved registry entry by ${accepted.by}: ${accepted.reason}`,
              },
            ]
          : []),
        ...(suppressionsOf(finding) ?? []),
      ],
      properties: {
        severity: fact.severity,
        compositeId: finding.compositeId,
        serverName: name,
        hostIdHash: finding.hostIdHash,
        ...(fact.owners ? { owners: fact.owners } : {}),
        ...(fact.location?.jsonPath
          ? { jsonPath: fact.location.jsonPath }
          : {}),
      },
    });
  });
}

const sarifWriter: ExportWriter = {
  contentType: 'application/sarif+json; charset=utf-8',
  extension: 'sarif',
  head: () =>
    `{"$schema":${JSON.stringify(SARIF_SCHEMA_URI)},"version":${JSON.stringify(
      SARIF_VERSION,
    )},"runs":[{"tool":${JSON.stringify({
      driver: {
        name: 'MCPeeker',
        rules: [
          ...SARIF_RULES.map(({ classification: _c, ...rule }) => rule),
          ...riskSarifRules(),
        ],
      },
    })},"results":[\n`,
  page: (findings, first) =>
    `${first ? '' : ',\n'}${findings
      .flatMap(f => [sarifResult(f), ...riskSarifResults(f)])
      .map(r => JSON.stringify(r))
      .join(',\n')}`,
  tail: (meta, count) =>
    `\n],"properties":${JSON.stringify({
      exportFormat: FINDINGS_EXPORT_FORMAT,
      ...meta,
      count,
      complete: true,
    })}}]}\n`,
};

export const EXPORT_WRITERS: Record<ExportFormat, ExportWriter> = {
  json: jsonWriter,
  csv: csvWriter,
  sarif: sarifWriter,
};
