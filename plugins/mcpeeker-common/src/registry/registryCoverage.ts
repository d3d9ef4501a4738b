import {
  commandSignature,
  compositeId,
  normalizeServerUrl,
} from '../identity/compositeId';
import {
  commandPackage,
  commandPackageArguments,
  commandTarget,
} from '../identity/commandTarget';
import { sha256Hex } from '../identity/hashing';
import { allowedCommands } from './allowedCommand';
import type { Finding } from '../findings/finding';
import type { RegistryEntry, RegistryIdentity } from './registry';

/*
 * Which servers a registry entry stands for: the one rule behind the
 * registry discount (ingest and every rescore), the entry a finding's page
 * names, the findings an entry's page lists, and — through the exact
 * commands of `allowedCommands` — the MCP Registry API view and the
 * allowlist `mcpeeker-agent policy` writes. docs/registry.md, "Which
 * servers an entry covers".
 *
 * A registration covers the server it names and no other: the package at
 * the version it names (none named: the unpinned command, which runs
 * whatever the package registry serves), with the arguments it names. A
 * pinned version of a package registered unpinned is a new server to the
 * registry, as it is to enforcement's exact allowlist: the portal
 * recognises it as the registered server changed (`serverChange`) and its
 * owner moves the registration to it in one step, which an admin approves.
 */

/** A URL as identity: normalised (no credentials, query, fragment), or as given when it does not parse. */
function identityUrl(url: string): string {
  try {
    return normalizeServerUrl(url);
  } catch {
    return url;
  }
}

/**
 * The composite ids of the findings an entry stands for, as the agent
 * computes them; for a remote server on no particular host, as a gateway
 * (its `mcp_servers` URL) and a network sensor (a known remote endpoint)
 * compute them.
 *
 * @public
 */
export function matchedCompositeIds(identity: RegistryIdentity): string[] {
  const ids = new Set<string>();
  if (identity.compositeId) ids.add(identity.compositeId);
  const host = identity.hostIdHash;
  if (!host && identity.remoteUrl)
    ids.add(compositeId({ processSignature: identityUrl(identity.remoteUrl) }));
  if (host) {
    if (identity.port !== undefined)
      ids.add(compositeId({ hostIdHash: host, port: identity.port }));
    if (identity.commandSignature)
      ids.add(
        compositeId({
          hostIdHash: host,
          processSignature: identity.commandSignature,
        }),
      );
    if (identity.remoteUrl)
      ids.add(
        compositeId({
          hostIdHash: host,
          processSignature: identityUrl(identity.remoteUrl),
        }),
      );
  }
  return [...ids].sort();
}

/**
 * The findings an entry stands for: by composite id, and for a fleet-wide
 * entry (no host, no composite id) by the server's name, its package, or
 * the host name of its remote URL (what a sensor that sees only a TLS server
 * name or a DNS query calls it). What a rescore of the entry targets.
 *
 * @public
 */
export function entryTargets(entry: Pick<RegistryEntry, 'name' | 'identity'>): {
  compositeIds: string[];
  serverNames: string[];
} {
  const fleetWide = !entry.identity.hostIdHash && !entry.identity.compositeId;
  let remoteHost: string | undefined;
  if (entry.identity.remoteUrl) {
    try {
      remoteHost = new URL(entry.identity.remoteUrl).hostname.toLowerCase();
    } catch {
      remoteHost = undefined;
    }
  }
  return {
    compositeIds: matchedCompositeIds(entry.identity),
    serverNames: fleetWide
      ? [
          ...new Set(
            [entry.name, entry.identity.packageId, remoteHost].filter(
              (n): n is string => !!n,
            ),
          ),
        ]
      : [],
  };
}

/** SHA-256 (hex) of how a stdio server is started: what a finding keeps of its command. */
export function commandSignatureHash(words: string[]): string {
  return sha256Hex(commandSignature(words[0] ?? '', words.slice(1)));
}

/**
 * Whether an entry stands for a finding: the finding's composite id is one
 * of the entry's, or the entry is fleet-wide and names the finding's server
 * — unless the entry names the exact commands its package runs with and the
 * finding runs another (a fleet-wide registration of `pkg@1.0` does not
 * cover `pkg@2.0`, nor `pkg` unpinned). Whether the approval counts is
 * `approvalStands`; this says only which server the entry is about.
 *
 * @public
 */
export function entryStandsFor(
  entry: Pick<RegistryEntry, 'name' | 'identity' | 'serverJson'>,
  finding: {
    compositeId: string;
    serverName?: string;
    /** SHA-256 of its stdio command's signature (`commandSignatureHash`), when it has one. */
    commandSignatureHash?: string;
  },
): boolean {
  const targets = entryTargets(entry);
  if (targets.compositeIds.includes(finding.compositeId)) return true;
  if (!finding.serverName || !targets.serverNames.includes(finding.serverName))
    return false;
  if (!finding.commandSignatureHash) return true;
  const { commands } = allowedCommands(entry);
  return (
    commands.length === 0 ||
    commands.some(c => commandSignatureHash(c) === finding.commandSignatureHash)
  );
}

/** A package name as npm, PyPI or OCI spell it (not a path or a URL). */
const PACKAGE_NAME = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.:/-]*$/i;

/** The package a server runs, as a registry entry names it. @public */
export interface RunningPackage {
  packageId: string;
  packageVersion?: string;
  packageArguments?: string[];
}

/**
 * The package a stdio command runs, the version it pins and the arguments
 * it gives the package (secrets redacted as the agent reported them):
 * `npx -y @modelcontextprotocol/server-filesystem@1.2.3 /tmp` →
 * `{ packageId: '@modelcontextprotocol/server-filesystem', packageVersion:
 * '1.2.3', packageArguments: ['/tmp'] }`. How a registration from a finding
 * names its server.
 *
 * @public
 */
export function packageOfCommand(
  command: string,
  args: string[] = [],
): RunningPackage | undefined {
  const pkg = commandPackage(command, args);
  const target = pkg?.name ?? commandTarget(command, args);
  const rest = commandPackageArguments(command, args) ?? [];
  if (!target || !PACKAGE_NAME.test(target) || target.startsWith('.'))
    return undefined;
  return {
    packageId: target,
    ...(pkg?.version ? { packageVersion: pkg.version } : {}),
    ...(rest.length > 0 ? { packageArguments: rest } : {}),
  };
}

/** How a registered server became another: see {@link serverChange}. @public */
export type ServerChange =
  | 'pinned'
  | 'version'
  | 'unpinned'
  | 'arguments'
  | 'package';

/** A finding as a registry entry's page names and links it. @public */
export type EntryFinding = Pick<
  Finding,
  | 'compositeId'
  | 'serverName'
  | 'hostIdHash'
  | 'score'
  | 'classification'
  | 'registryStatus'
  | 'lastSeen'
>;

/**
 * The server a registered one became (`POST /registry/:id/verify`'s
 * `changedServer`): its findings are no longer reported, and the same
 * config entry now runs another command the registration does not cover.
 *
 * @public
 */
export interface ChangedServer<F extends EntryFinding = EntryFinding> {
  finding: F;
  change: ServerChange;
  /** The change in words: what it runs now, and why the registration does not cover it. */
  words: string;
  /** What the registration would name: the identity `POST /registry/:id/identity` writes. */
  identity: RegistryIdentity;
}

/**
 * How the server a finding runs differs from the one an entry registered,
 * or undefined when the registration covers it:
 * - `pinned`: the registered package, now at a version the entry does not
 *   name (the portal's own advice, followed);
 * - `version`: the registered package at another version than the pinned one;
 * - `unpinned`: the registered package, no longer pinned;
 * - `arguments`: the same package and version, other arguments;
 * - `package`: another package.
 *
 * @public
 */
export function serverChange(
  registered: Pick<
    RegistryIdentity,
    'packageId' | 'packageVersion' | 'packageArguments'
  >,
  running: RunningPackage,
): ServerChange | undefined {
  if (registered.packageId !== running.packageId) return 'package';
  if (registered.packageVersion !== running.packageVersion) {
    if (!registered.packageVersion) return 'pinned';
    return running.packageVersion ? 'version' : 'unpinned';
  }
  const a = registered.packageArguments ?? [];
  const b = running.packageArguments ?? [];
  if (a.length !== b.length || a.some((w, i) => w !== b[i])) return 'arguments';
  return undefined;
}

/**
 * A change of server, in words, for the entry's page, the finding's page
 * and the notices: what it runs now, and that the registration does not
 * cover it until its owner updates it and an admin approves.
 *
 * @public
 */
export function serverChangeWords(
  change: ServerChange,
  registered: Pick<RegistryIdentity, 'packageId' | 'packageVersion'>,
  running: RunningPackage,
): string {
  const at = (p: { packageId?: string; packageVersion?: string }) =>
    `${p.packageId}${p.packageVersion ? `@${p.packageVersion}` : ''}`;
  switch (change) {
    case 'pinned':
      return `it now pins ${at(running)}; the registration names ${
        registered.packageId
      } unpinned, and an approval covers only the version it names`;
    case 'version':
      return `it now runs ${at(running)}; the registration names ${at(
        registered,
      )}, and an approval covers only the version it names`;
    case 'unpinned':
      return `it now runs ${
        running.packageId
      } unpinned; the registration names ${at(registered)}`;
    case 'arguments':
      return `it now runs ${at(running)} with other arguments than registered`;
    default:
      return `it now runs ${at(running)}, not the registered ${at(registered)}`;
  }
}
