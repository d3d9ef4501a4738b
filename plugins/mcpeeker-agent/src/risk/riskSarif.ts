import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  RISK_KIND_IDS,
  RISK_KINDS,
  RiskFact,
  RiskSeverity,
  SARIF_SCHEMA_URI,
  SARIF_VERSION,
  SarifLevel,
  SarifLog,
  SarifResult,
  SarifRule,
  sha256Hex,
} from '@mcpeeker/plugin-mcpeeker-common';
import type { ScanReport } from '../scan/scanEndpoint';

const LEVEL: Record<RiskSeverity, SarifLevel> = {
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

/** Every risk kind as a SARIF rule, in RISK_KIND_IDS order (a result's ruleIndex). */
export function riskRules(): SarifRule[] {
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
      defaultConfiguration: { level: LEVEL[definition.severity] },
      properties: {
        tags: ['security', 'mcp'],
        precision: 'high',
        'security-severity': SECURITY_SEVERITY[definition.severity],
        kind,
      },
    };
  });
}

/** A file as code scanning wants it: relative to the folder the scan ran in (the repository), else a file: URI. */
function artifactUri(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  if (relative && !relative.startsWith('..') && !path.isAbsolute(relative))
    return relative.split(path.sep).join('/');
  return pathToFileURL(file).href;
}

/**
 * The scan's risk facts as SARIF 2.1.0: one rule per risk kind, one result
 * per fact, located at the key in the config file (line and column) where
 * it is known, with the fix in the message.
 */
export function scanToSarif(
  report: ScanReport,
  options: { cwd: string; agentVersion: string },
): SarifLog {
  const results: SarifResult[] = [];
  for (const detection of report.detections) {
    if (detection.source !== 'config' && detection.source !== 'port') continue;
    const facts: RiskFact[] = detection.risks ?? [];
    const server =
      detection.source === 'config'
        ? `${detection.client} server '${detection.serverName}'`
        : `server '${detection.serverInfo.name}' listening on port ${detection.port}`;
    const serverName =
      detection.source === 'config'
        ? detection.serverName
        : detection.serverInfo.name;
    for (const fact of facts) {
      const ruleIndex = RISK_KIND_IDS.indexOf(fact.kind);
      const where = fact.location;
      results.push({
        ruleId: RISK_KINDS[fact.kind].sarif.id,
        ruleIndex,
        level: LEVEL[fact.severity],
        message: {
          text: `${fact.title}: ${server}: ${fact.evidence}. Fix: ${fact.fix}`,
        },
        locations: [
          where
            ? {
                physicalLocation: {
                  artifactLocation: {
                    uri: artifactUri(where.file, options.cwd),
                  },
                  ...(where.line
                    ? {
                        region: {
                          startLine: where.line,
                          ...(where.column
                            ? { startColumn: where.column }
                            : {}),
                        },
                      }
                    : {}),
                },
                logicalLocations: [
                  {
                    name: serverName,
                    ...(where.jsonPath
                      ? { fullyQualifiedName: where.jsonPath }
                      : {}),
                    kind: 'object',
                  },
                ],
              }
            : {
                logicalLocations: [
                  {
                    name: serverName,
                    fullyQualifiedName:
                      detection.source === 'port' ? detection.url : serverName,
                    kind: 'resource',
                  },
                ],
              },
        ],
        partialFingerprints: {
          'mcpeekerRisk/v1': sha256Hex(
            JSON.stringify([
              fact.kind,
              where ? artifactUri(where.file, options.cwd) : serverName,
              where?.jsonPath ?? fact.evidence,
            ]),
          ),
        },
        properties: {
          severity: fact.severity,
          serverName,
          compositeId: detection.compositeId,
          ...(detection.source === 'config'
            ? { client: detection.client }
            : {}),
        },
      });
    }
  }
  return {
    $schema: SARIF_SCHEMA_URI,
    version: SARIF_VERSION,
    runs: [
      {
        tool: {
          driver: {
            name: 'mcpeeker-agent',
            semanticVersion: options.agentVersion,
            rules: riskRules(),
          },
        },
        results,
        properties: {
          scannedAt: report.scannedAt,
          registrySnapshot: report.registrySnapshot,
          errors: report.errors.map(e => ({
            uri: artifactUri(e.path, options.cwd),
            message: e.message,
          })),
        },
      },
    ],
  };
}
