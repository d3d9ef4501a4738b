import {
  ChangedServer,
  commandSignature,
  entryStandsFor,
  McpEvent,
  packageOfCommand,
  RegistryEntry,
  RunningPackage,
  serverChange,
  serverChangeWords,
} from '@mcpeeker/plugin-mcpeeker-common';
import type { Finding, FindingStore } from '../database/FindingStore';

/** The command and config files of a finding's endpoint evidence, newest first. */
function endpointFacts(events: McpEvent[]) {
  const commands: Array<{ command: string; args: string[] }> = [];
  const configPaths = new Set<string>();
  for (const event of events) {
    if (event.layer !== 'endpoint') continue;
    const d = event.detection;
    if (d.source === 'config') configPaths.add(d.configPath);
    if ((d.source === 'config' || d.source === 'process') && d.command)
      commands.push({ command: d.command, args: d.args ?? [] });
  }
  return { commands, configPaths };
}

/**
 * The server an entry's server became, when detection shows one (see
 * `ChangedServer`); `own` are the findings the entry stands for, as the
 * caller may see them, and `visibleTo` narrows the candidates as it narrows
 * the caller's Findings list.
 */
export async function changedServerOf(
  findings: FindingStore,
  entry: RegistryEntry,
  own: Finding[],
  visibleTo?: { ownerRefs?: string[] },
): Promise<ChangedServer | undefined> {
  const host = entry.identity.hostIdHash;
  if (!host || !entry.identity.packageId) return undefined;
  // Only once what it registered is gone: while it still runs, a second server is just another server.
  if (own.length === 0 || own.some(f => !f.breakdown.noLongerReported))
    return undefined;
  const names = new Set(own.map(f => f.serverName ?? entry.name));
  const owners = new Set(own.flatMap(f => (f.owner ? [f.owner] : [])));
  const before = new Set<string>();
  for (const f of own)
    for (const p of endpointFacts(
      (await findings.evidence(f.compositeId, 20, visibleTo)).endpoint,
    ).configPaths)
      before.add(p);
  let found: ChangedServer | undefined;
  for (const name of names) {
    const page = await findings.list({
      serverName: name,
      hostIdHash: host,
      gone: 'exclude',
      sort: 'lastSeen',
      limit: 20,
      ...visibleTo,
    });
    for (const f of page.items) {
      if (f.hostIdHash !== host || f.breakdown.noLongerReported) continue;
      if (owners.size > 0 && (!f.owner || !owners.has(f.owner))) continue;
      if (entryStandsFor(entry, f)) continue;
      const facts = endpointFacts(
        (await findings.evidence(f.compositeId, 20, visibleTo)).endpoint,
      );
      // The same client config entry, changed: not a server of the same name elsewhere.
      if (before.size > 0 && ![...facts.configPaths].some(p => before.has(p)))
        continue;
      const ran = facts.commands[0];
      const running: RunningPackage | undefined =
        ran && packageOfCommand(ran.command, ran.args);
      if (!running) continue;
      const change = serverChange(entry.identity, running);
      if (!change) continue;
      if (found && Date.parse(found.finding.lastSeen) >= Date.parse(f.lastSeen))
        continue;
      const {
        compositeId: _id,
        commandSignature: hadSignature,
        packageVersion: _v,
        packageArguments: _a,
        ...kept
      } = entry.identity;
      found = {
        finding: {
          compositeId: f.compositeId,
          serverName: f.serverName,
          hostIdHash: f.hostIdHash,
          score: f.score,
          classification: f.classification,
          registryStatus: f.registryStatus,
          lastSeen: f.lastSeen,
        },
        change,
        words: serverChangeWords(change, entry.identity, running),
        identity: {
          ...kept,
          compositeId: f.compositeId,
          ...running,
          ...(hadSignature
            ? { commandSignature: commandSignature(ran.command, ran.args) }
            : {}),
        },
      };
    }
  }
  return found;
}
