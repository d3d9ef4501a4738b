import path from 'node:path';
import {
  fileUri,
  RISK_KIND_IDS,
  RiskFact,
  riskSarifResult,
  riskSarifRules,
  SARIF_SCHEMA_URI,
  SARIF_VERSION,
  SarifLog,
  SarifResult,
} from '@mcpeeker/plugin-mcpeeker-common';
import type { ScanReport } from '../scan/scanEndpoint';

/** A file as code scanning wants it: relative to the folder the scan ran in (the repository), else a file: URI. */
function artifactUri(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  if (relative && !relative.startsWith('..') && !path.isAbsolute(relative))
    return relative.split(path.sep).join('/');
  return fileUri(file);
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
    for (const fact of facts)
      results.push(
        riskSarifResult(fact, {
          ruleIndex: RISK_KIND_IDS.indexOf(fact.kind),
          ...(fact.location
            ? { uri: artifactUri(fact.location.file, options.cwd) }
            : {}),
          server,
          serverName,
          serverLocation: {
            fullyQualifiedName:
              detection.source === 'port' ? detection.url : serverName,
            kind: 'resource',
          },
          properties: {
            severity: fact.severity,
            serverName,
            compositeId: detection.compositeId,
            ...(detection.source === 'config'
              ? { client: detection.client }
              : {}),
          },
        }),
      );
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
            rules: riskSarifRules(),
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
