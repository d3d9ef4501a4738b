import {
  RISK_KINDS,
  RiskFact,
  RiskKind,
  RiskLocation,
  RiskSeverity,
} from '@mcpeeker/plugin-mcpeeker-common';
import type { ConfigPath } from './configPositions';
import type { DeclaredServer } from '../scan/extractServers';

/**
 * A fact as a finder returns it: `at` is a place inside the server's entry
 * (`['env', 'GITHUB_TOKEN']`), turned into a file location with line and
 * column once the whole file is known; `location` is a place elsewhere
 * (another settings file).
 */
export interface FoundFact extends Omit<RiskFact, 'location'> {
  at?: ConfigPath;
  location?: RiskLocation;
}

/** A fact of `kind` with the table's title, severity and fix unless given. */
export function riskFact(
  kind: RiskKind,
  evidence: string,
  options: {
    fix?: string;
    severity?: RiskSeverity;
    at?: ConfigPath;
    location?: RiskLocation;
  } = {},
): FoundFact {
  const definition = RISK_KINDS[kind];
  return {
    kind,
    severity: options.severity ?? definition.severity,
    title: definition.title,
    evidence,
    fix: options.fix ?? definition.fix,
    ...(options.at ? { at: options.at } : {}),
    ...(options.location ? { location: options.location } : {}),
  };
}

/** What a finder is given: one config entry, and the home it was read from (absent for `--config` files). */
export interface EntryContext {
  server: DeclaredServer;
  client: string;
  home?: string;
}

/** How a client lets a config refer to an environment variable, for the fix. */
export function envReference(client: string, name: string): string {
  switch (client) {
    case 'vscode':
    case 'cursor':
      return `\${env:${name}}`;
    case 'continue':
      return `\${{ secrets.${name} }}`;
    default:
      return `\${${name}}`;
  }
}
