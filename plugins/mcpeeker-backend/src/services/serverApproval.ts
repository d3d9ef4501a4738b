import {
  commandSignature,
  compositeId,
  normalizeServerUrl,
  RegistryEntry,
  serverNameFromCommand,
} from '@mcpeeker/plugin-mcpeeker-common';
import { entryTargets } from '../database/RegistryStore';

/**
 * A server as someone asks about it: by a finding's composite id, by name,
 * by the command that starts it, by its URL. What the registry's matching
 * (`RegistryStore.match`, the scoring's) compares entries with.
 */
export interface ServerProbe {
  compositeIds: string[];
  serverNames: string[];
  /** The command without its secrets, as the agent reports it. */
  commandSignature?: string;
  /** A remote server's URL as identity (normalised). */
  remoteUrl?: string;
}

/** A command line as the agent sees one: the program and its arguments (quotes around one argument kept together). */
function splitCommand(line: string): { command: string; args: string[] } {
  const words = [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map(
    m => m[1] ?? m[2] ?? m[3],
  );
  return { command: words[0] ?? '', args: words.slice(1) };
}

/** What a question names, as identity: the ids, names, command and URL the registry is matched on. */
export function probeOf(question: {
  name?: string;
  compositeId?: string;
  command?: string;
  url?: string;
  /** The server name of the finding the composite id is, when the caller may read it. */
  findingServerName?: string;
}): ServerProbe {
  const probe: ServerProbe = { compositeIds: [], serverNames: [] };
  if (question.compositeId) probe.compositeIds.push(question.compositeId);
  if (question.findingServerName)
    probe.serverNames.push(question.findingServerName);
  if (question.name) probe.serverNames.push(question.name);
  if (question.command) {
    const { command, args } = splitCommand(question.command);
    probe.commandSignature = commandSignature(command, args);
    const name = serverNameFromCommand(command, args);
    if (name) probe.serverNames.push(name);
  }
  if (question.url) {
    // As a gateway and a network sensor name a remote server on no particular host.
    probe.remoteUrl = normalizeServerUrl(question.url);
    probe.compositeIds.push(compositeId({ processSignature: probe.remoteUrl }));
    probe.serverNames.push(new URL(probe.remoteUrl).hostname.toLowerCase());
  }
  probe.serverNames = [...new Set(probe.serverNames)];
  return probe;
}

/**
 * How an entry covers the server asked about: `identity` — it names this
 * very server (its composite id); `fleet-wide` — an entry for every host
 * names it (its name, package or remote host). Both are what the scoring
 * matches (`RegistryStore.match`). `described` — the entry describes a
 * server of this name, command or URL, but matches only the identities it
 * names (a host, a port): the server anywhere else is not covered by it.
 */
export type EntryCoverage = 'identity' | 'fleet-wide' | 'described';

/** How the entry covers the server asked about; undefined when it does not describe it. */
export function coverageOf(
  entry: Pick<RegistryEntry, 'name' | 'identity'>,
  probe: ServerProbe,
): EntryCoverage | undefined {
  const targets = entryTargets(entry);
  if (targets.compositeIds.some(id => probe.compositeIds.includes(id)))
    return 'identity';
  if (targets.serverNames.some(n => probe.serverNames.includes(n)))
    return 'fleet-wide';
  const { identity } = entry;
  let remoteUrl: string | undefined;
  try {
    remoteUrl = identity.remoteUrl && normalizeServerUrl(identity.remoteUrl);
  } catch {
    remoteUrl = undefined;
  }
  const describes =
    probe.serverNames.includes(entry.name) ||
    (identity.packageId !== undefined &&
      probe.serverNames.includes(identity.packageId)) ||
    (probe.commandSignature !== undefined &&
      identity.commandSignature === probe.commandSignature) ||
    (probe.remoteUrl !== undefined && remoteUrl === probe.remoteUrl);
  return describes ? 'described' : undefined;
}
