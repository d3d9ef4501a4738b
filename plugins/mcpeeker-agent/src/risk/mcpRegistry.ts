import fs from 'node:fs';
import { isMcpProjectPackage } from '@mcpeeker/plugin-mcpeeker-common';
import shipped from './registrySnapshot.json';
import { ociSpec, PackageRef } from './packageRef';
import { isLoopbackHost } from './remoteRisks';
import { normalizeHostName, RemoteHostList } from '../network/remoteHosts';

/**
 * An offline snapshot of the official MCP registry: the servers' names,
 * their packages by ecosystem and the hosts of their remotes, with the day
 * it was taken. The agent ships one (`registrySnapshot.json`); `mcpeeker-agent
 * registry-snapshot --from FILE` builds another from a `server.json` export.
 */
export interface RegistrySnapshot {
  description: string;
  /** Where the data came from. */
  source: string;
  /** The day the data is from (YYYY-MM-DD). */
  date: string;
  servers: number;
  names: string[];
  /** Package names by ecosystem; `other`: packages whose registry the export does not say (matched in any ecosystem). */
  packages: { npm: string[]; pypi: string[]; oci: string[]; other: string[] };
  remoteHosts: string[];
}

type Obj = Record<string, any>;
const isObject = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const pypiName = (name: string) => name.toLowerCase().replace(/[._]+/g, '-');

/** Thrown for an export that holds no `server.json` at all. */
export class RegistryExportError extends Error {}

/** The server.json documents of an export: a list, the registry API's `{ servers: [...] }`, or one document. */
function serverDocuments(doc: unknown): Obj[] {
  let items: unknown[];
  if (Array.isArray(doc)) items = doc;
  else if (isObject(doc) && Array.isArray(doc.servers)) items = doc.servers;
  else items = [doc];
  return items
    .map(item =>
      isObject(item) && isObject(item.server)
        ? { ...item.server, _meta: item._meta }
        : item,
    )
    .filter(
      (item): item is Obj =>
        isObject(item) &&
        typeof item.name === 'string' &&
        (Array.isArray(item.packages) || Array.isArray(item.remotes)),
    );
}

/** The newest date an export states (a release date, a publication date), as YYYY-MM-DD. */
function newestDate(servers: Obj[]): string | undefined {
  let newest: string | undefined;
  const consider = (value: unknown) => {
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) return;
    const day = value.slice(0, 10);
    if (!newest || day > newest) newest = day;
  };
  for (const server of servers) {
    consider(server.version_detail?.release_date);
    for (const meta of Object.values(
      isObject(server._meta) ? server._meta : {},
    )) {
      if (isObject(meta)) {
        consider(meta.publishedAt);
        consider(meta.updatedAt);
      }
    }
  }
  return newest;
}

/**
 * A snapshot from a `server.json` export of the MCP registry: today's
 * schema (`registryType` + `identifier`, `remotes[].url`) and the registry's
 * older seed format (`registry_name` + `name`).
 */
export function buildRegistrySnapshot(
  doc: unknown,
  options: { source: string; date?: string },
): RegistrySnapshot {
  const servers = serverDocuments(doc);
  if (servers.length === 0)
    throw new RegistryExportError(
      'holds no server.json documents (objects with a name and packages or remotes)',
    );
  const names = new Set<string>();
  const packages = {
    npm: new Set<string>(),
    pypi: new Set<string>(),
    oci: new Set<string>(),
    other: new Set<string>(),
  };
  const remoteHosts = new Set<string>();
  for (const server of servers) {
    names.add(server.name);
    for (const pkg of Array.isArray(server.packages) ? server.packages : []) {
      if (!isObject(pkg)) continue;
      const registry = String(
        pkg.registryType ?? pkg.registry_type ?? pkg.registry_name ?? '',
      ).toLowerCase();
      const id = pkg.identifier ?? pkg.name;
      if (typeof id !== 'string' || id === '') continue;
      if (registry === 'npm') packages.npm.add(id.toLowerCase());
      else if (registry === 'pypi') packages.pypi.add(pypiName(id));
      else if (registry === 'oci' || registry === 'docker') {
        const image = ociSpec(id);
        if (image) packages.oci.add(image.name);
        else packages.other.add(id.toLowerCase());
      } else if (!/^https?:/.test(id)) packages.other.add(id.toLowerCase());
    }
    for (const remote of Array.isArray(server.remotes) ? server.remotes : []) {
      try {
        const host = normalizeHostName(new URL(remote.url).hostname);
        if (!isLoopbackHost(host)) remoteHosts.add(host);
      } catch {
        // a remote without a usable URL names no host
      }
    }
  }
  const sorted = (set: Set<string>) => [...set].sort();
  return {
    description:
      'Offline snapshot of the official MCP registry: server names, package names by ecosystem, remote hosts. Built by `mcpeeker-agent registry-snapshot --from FILE`; the agent marks a server whose package or remote host is not here as unknown-publisher.',
    source: options.source,
    date:
      options.date ??
      newestDate(servers) ??
      new Date().toISOString().slice(0, 10),
    servers: names.size,
    names: sorted(names),
    packages: {
      npm: sorted(packages.npm),
      pypi: sorted(packages.pypi),
      oci: sorted(packages.oci),
      other: sorted(packages.other),
    },
    remoteHosts: sorted(remoteHosts),
  };
}

/** Reads a snapshot file written by `registry-snapshot`; the shipped one when no file is given. */
export function loadRegistrySnapshot(file?: string): RegistrySnapshot {
  if (!file) return shipped as RegistrySnapshot;
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (
    !isObject(doc) ||
    typeof doc.date !== 'string' ||
    !isObject(doc.packages) ||
    !Array.isArray(doc.remoteHosts)
  )
    throw new RegistryExportError(
      'is not a registry snapshot (build one with mcpeeker-agent registry-snapshot --from FILE --out FILE)',
    );
  return doc as RegistrySnapshot;
}

/** Answers "is this package or host known?" from a snapshot and the known public MCP endpoints. */
export class RegistryIndex {
  private readonly packages: Set<string>;
  private readonly hosts: Set<string>;

  constructor(
    readonly snapshot: RegistrySnapshot,
    private readonly publicEndpoints: RemoteHostList = RemoteHostList.shipped(),
  ) {
    this.packages = new Set([
      ...snapshot.packages.npm.map(n => `npm:${n}`),
      ...snapshot.packages.pypi.map(n => `pypi:${n}`),
      ...snapshot.packages.oci.map(n => `oci:${n}`),
      ...snapshot.packages.other.flatMap(n => [
        `npm:${n}`,
        `pypi:${pypiName(n)}`,
        `oci:${n}`,
      ]),
    ]);
    this.hosts = new Set(snapshot.remoteHosts);
  }

  /**
   * Whether the snapshot lists the package, or the MCP project publishes it
   * (its reference servers are not in the registry, their publisher is known).
   */
  knowsPackage(ref: Pick<PackageRef, 'ecosystem' | 'name'>): boolean {
    if (isMcpProjectPackage(ref)) return true;
    const name =
      ref.ecosystem === 'pypi' ? pypiName(ref.name) : ref.name.toLowerCase();
    return this.packages.has(`${ref.ecosystem}:${name}`);
  }

  knowsHost(hostname: string): boolean {
    const host = normalizeHostName(hostname);
    return this.hosts.has(host) || this.publicEndpoints.knows(host);
  }
}
