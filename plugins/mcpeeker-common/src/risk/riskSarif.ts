import { sha256Hex } from '../identity/hashing';
import type { SarifLevel, SarifResult, SarifRule } from '../sarif/sarif';
import { RISK_KIND_IDS, RISK_KINDS, RiskFact, RiskSeverity } from './risk';

/**
 * Risk facts in SARIF 2.1.0, as both MCPeeker writers say them: the agent's
 * `scan --format sarif` (a repository's configs in CI) and the backend's
 * findings export. One rule per risk kind (MCPEEKER001–013), one result per
 * fact, located in its config file.
 */

/** A fact's severity as a SARIF level. @public */
export const RISK_SARIF_LEVELS: Record<RiskSeverity, SarifLevel> = {
  high: 'error',
  medium: 'warning',
  low: 'note',
};

/** GitHub code scanning's severity scale: high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9. */
const SECURITY_SEVERITY: Record<RiskSeverity, string> = {
  high: '8.0',
  medium: '5.0',
  low: '2.0',
};

/**
 * Every risk kind as a SARIF rule, in RISK_KIND_IDS order (a result's
 * `ruleIndex` is its kind's index, plus the rules a run lists before them).
 *
 * @public
 */
export function riskSarifRules(): SarifRule[] {
  return RISK_KIND_IDS.map(kind => {
    const definition = RISK_KINDS[kind];
    return {
      id: definition.sarif.id,
      name: definition.sarif.name,
      shortDescription: { text: definition.title },
      fullDescription: { text: definition.description },
      help: {
        text: `${definition.description}\n\nFix: ${definition.fix}`,
        markdown: `${definition.description}\n\n**Fix:** ${definition.fix}`,
      },
      defaultConfiguration: { level: RISK_SARIF_LEVELS[definition.severity] },
      properties: {
        tags: ['security', 'mcp'],
        precision: 'high',
        'security-severity': SECURITY_SEVERITY[definition.severity],
        kind,
      },
    };
  });
}

const encodeForUrl = (path: string) =>
  path
    .replace(/%/g, '%25')
    .replace(/\t/g, '%09')
    .replace(/\n/g, '%0A')
    .replace(/\r/g, '%0D');

/**
 * A config file's path as a `file:` URI, whichever system wrote it: a POSIX
 * path (`/home/dana/.cursor/mcp.json`), a Windows drive path
 * (`C:\Users\dana\.cursor\mcp.json` → `file:///C:/Users/dana/.cursor/mcp.json`)
 * or a UNC share (`\\server\share\mcp.json` → `file://server/share/mcp.json`).
 * Encoded as Node's `pathToFileURL` encodes a path of its own system; a
 * relative path stays a relative reference.
 *
 * @public
 */
export function fileUri(path: string): string {
  const unc = /^\\\\([^\\/]+)[\\/]+(.*)$/.exec(path);
  if (unc) {
    try {
      const url = new URL(`file://${unc[1]}/`);
      url.pathname = encodeForUrl(`/${unc[2].replace(/\\/g, '/')}`);
      return url.href;
    } catch {
      // Not a host name a URL can carry: the share's path without it.
    }
  }
  let pathname: string;
  if (/^[A-Za-z]:[\\/]/.test(path))
    pathname = `/${encodeForUrl(path).replace(/\\/g, '/')}`;
  // On a POSIX system a backslash is part of a name.
  else if (path.startsWith('/'))
    pathname = encodeForUrl(path).replace(/\\/g, '%5C');
  else
    return path
      .split(/[\\/]/)
      .map(part => encodeURIComponent(part))
      .join('/');
  const url = new URL('file:///');
  url.pathname = pathname;
  return url.href;
}

/**
 * One risk fact as a SARIF result: its kind's rule, its severity's level,
 * the fix in the message, located at the key in its file (line and column
 * where known) or, for a fact with no file (a port probe's), at the server.
 * `mcpeekerRisk/v1` fingerprints the kind, the file and the key (or the
 * evidence), so a consumer tracks one fact across runs.
 *
 * @public
 */
export function riskSarifResult(
  fact: RiskFact,
  options: {
    /** The index of the fact's kind's rule in the run's rules. */
    ruleIndex: number;
    /** The fact's file as the run names it (relative to the scanned folder, or `fileUri`); only for a fact with a location. */
    uri?: string;
    /** The server in the message's words: "cursor server 'github'". */
    server: string;
    /** The server's name: the result's logical location. */
    serverName: string;
    /** Where the server is when the fact names no file: a port probe's URL, a finding's host and id. */
    serverLocation: { fullyQualifiedName: string; kind: string };
    properties: Record<string, unknown>;
    /** Fingerprints besides `mcpeekerRisk/v1`. */
    partialFingerprints?: Record<string, string>;
    suppressions?: SarifResult['suppressions'];
  },
): SarifResult {
  const where = fact.location;
  const uri = where ? options.uri ?? fileUri(where.file) : undefined;
  return {
    ruleId: RISK_KINDS[fact.kind].sarif.id,
    ruleIndex: options.ruleIndex,
    level: RISK_SARIF_LEVELS[fact.severity],
    message: {
      text: `${fact.title}: ${options.server}: ${fact.evidence}. Fix: ${fact.fix}`,
    },
    locations: [
      where && uri
        ? {
            physicalLocation: {
              artifactLocation: { uri },
              ...(where.line
                ? {
                    region: {
                      startLine: where.line,
                      ...(where.column ? { startColumn: where.column } : {}),
                    },
                  }
                : {}),
            },
            logicalLocations: [
              {
                name: options.serverName,
                ...(where.jsonPath
                  ? { fullyQualifiedName: where.jsonPath }
                  : {}),
                kind: 'object',
              },
            ],
          }
        : {
            logicalLocations: [
              { name: options.serverName, ...options.serverLocation },
            ],
          },
    ],
    partialFingerprints: {
      'mcpeekerRisk/v1': sha256Hex(
        JSON.stringify([
          fact.kind,
          uri ?? options.serverName,
          where?.jsonPath ?? fact.evidence,
        ]),
      ),
      ...options.partialFingerprints,
    },
    ...(options.suppressions?.length
      ? { suppressions: options.suppressions }
      : {}),
    properties: options.properties,
  };
}
