import {
  orderRiskFacts,
  redactSecrets,
  RiskFact,
} from '@mcpeeker/plugin-mcpeeker-common';
import { approvalRisks, SettingsFiles } from './approvalRisks';
import { ConfigPositions } from './configPositions';
import { inlineSecretRisks } from './inlineSecretRisks';
import { publisherRisks } from './publisherRisks';
import { reachRisks } from './reachRisks';
import type { RegistryIndex } from './mcpRegistry';
import { remoteRisks } from './remoteRisks';
import type { EntryContext, FoundFact } from './riskFact';
import { unpinnedRisks } from './unpinnedRisks';
import type { Scope } from '../scan/clientTable';
import type { DeclaredServer } from '../scan/extractServers';

const clip = (text: string, max: number) =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

/**
 * Facts as they leave the agent: title, evidence, fix and the file through
 * the one redaction function (defence in depth: finders already name secrets
 * without their values; the backend redacts the file too, and a path keeps
 * every folder that reads as a name), strings within the event schema's
 * bounds, most severe first, at most MAX_RISK_FACTS.
 */
export function settleFacts(facts: FoundFact[], salt: string): RiskFact[] {
  return orderRiskFacts(
    facts.map(({ at: _at, ...fact }) => {
      const redacted = redactSecrets(
        {
          title: fact.title,
          evidence: fact.evidence,
          fix: fact.fix,
          file: fact.location?.file ?? '',
          // The keys on the path are the file's own words: a server's name can be a pasted token.
          jsonPath: fact.location?.jsonPath ?? '',
        },
        { salt },
      ).value;
      return {
        ...fact,
        title: clip(redacted.title, 200),
        evidence: clip(redacted.evidence, 1024),
        fix: clip(redacted.fix, 1024),
        ...(fact.location
          ? {
              location: {
                ...fact.location,
                file: clip(redacted.file, 4096),
                ...(fact.location.jsonPath
                  ? { jsonPath: clip(redacted.jsonPath, 1024) }
                  : {}),
              },
            }
          : {}),
      };
    }),
  );
}

/** What the risk finders need besides the entry: where it was read and what the scan knows. */
export interface ConfigRiskContext {
  client: string;
  scope: Scope;
  configPath: string;
  positions: ConfigPositions;
  /** The scanned home; absent for files checked on their own (`scan --config`). */
  home?: string;
  salt: string;
  registry: RegistryIndex;
  settings: SettingsFiles;
}

/** Every risk fact of one config entry, each located in its file (key, line, column). */
export async function configEntryRisks(
  server: DeclaredServer,
  context: ConfigRiskContext,
): Promise<RiskFact[]> {
  const entry: EntryContext = {
    server,
    client: context.client,
    home: context.home,
  };
  const found = [
    ...inlineSecretRisks(entry),
    ...remoteRisks(entry, context.salt),
    ...reachRisks(entry),
    ...unpinnedRisks(entry),
    ...publisherRisks(entry, context.registry),
    ...(await approvalRisks(
      entry,
      {
        client: context.client,
        configPath: context.configPath,
        scope: context.scope,
        projectPath: server.projectPath,
      },
      context.settings,
    )),
  ];
  return settleFacts(
    found.map(fact => {
      if (fact.location) return fact;
      if (server.textOffset !== undefined) {
        return {
          ...fact,
          location: {
            file: context.configPath,
            ...context.positions.positionAt(server.textOffset),
          },
        };
      }
      const path = [...server.paths.entry, ...(fact.at ?? [])];
      const jsonPath = context.positions.jsonPathOf(path);
      return {
        ...fact,
        location: {
          file: context.configPath,
          ...(jsonPath ? { jsonPath } : {}),
          ...context.positions.positionOf(path),
        },
      };
    }),
    context.salt,
  );
}
