/**
 * SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format), as far as
 * MCPeeker writes it: findings exported for a SIEM or code scanning, and the
 * agent's configuration checks. Only the parts we use are typed.
 */

/** The version every document we write declares. @public */
export const SARIF_VERSION = '2.1.0';

/** Where the schema of that version is published. @public */
export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** @public */
export type SarifLevel = 'none' | 'note' | 'warning' | 'error';

/** @public */
export interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription?: { text: string };
  help?: { text: string; markdown?: string };
  defaultConfiguration?: { level: SarifLevel };
  properties?: Record<string, unknown>;
}

/** @public */
export interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: SarifLevel;
  message: { text: string };
  locations?: Array<{
    physicalLocation?: {
      artifactLocation: { uri: string };
      region?: { startLine: number; startColumn?: number };
    };
    logicalLocations?: Array<{
      name?: string;
      fullyQualifiedName?: string;
      kind?: string;
    }>;
  }>;
  /** Why the result is not acted on (a suppression outside the scanned files: `external`). */
  suppressions?: Array<{
    kind: 'inSource' | 'external';
    status?: 'accepted' | 'underReview' | 'rejected';
    justification?: string;
  }>;
  /** Stable identities of the result, so a consumer tracks it across runs. */
  partialFingerprints?: Record<string, string>;
  properties?: Record<string, unknown>;
}

/** The tool part of a run: who wrote the results and the rules they refer to. @public */
export interface SarifTool {
  driver: {
    name: string;
    informationUri?: string;
    semanticVersion?: string;
    rules: SarifRule[];
  };
}

/** @public */
export interface SarifLog {
  $schema: string;
  version: typeof SARIF_VERSION;
  runs: Array<{
    tool: SarifTool;
    results: SarifResult[];
    properties?: Record<string, unknown>;
  }>;
}
