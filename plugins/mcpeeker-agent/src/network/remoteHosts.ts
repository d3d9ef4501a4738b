import fs from 'node:fs';
import { normalizeServerUrl } from '@mcpeeker/plugin-mcpeeker-common';
import shipped from './remoteMcpHosts.json';

/** One known remote MCP endpoint: where it is and who said so. */
export interface RemoteHostEntry {
  host: string;
  /** The URL's path as listed (`/mcp`, `/sse`, `/`). */
  path: string;
  url: string;
  name: string;
  /** Where the entry was copied from: a repository and commit, a page, or the organisation's file. */
  source?: unknown;
  /** The host serves other traffic too: its name alone is no evidence. */
  shared?: boolean;
}

/** What a name (and a path, when one was seen) matched. */
export interface RemoteHostMatch {
  host: string;
  /** The server's name as listed (the first, when several entries share the host). */
  name: string;
  /** The URL that stands for the server: see {@link RemoteHostList.match}. */
  url: string;
  /** What the match rests on: the name alone, or the name and a known MCP path. */
  by: 'name' | 'name and path';
}

interface KnownHost {
  entries: RemoteHostEntry[];
  shared: boolean;
}

/** A DNS name as it is compared: lower case, no trailing dot, no port. */
export function normalizeHostName(name: string): string {
  let host = name.toLowerCase();
  if (host.startsWith('[')) return host; // an IPv6 literal: never a listed name
  const colon = host.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(host.slice(colon + 1)))
    host = host.slice(0, colon);
  return host.endsWith('.') ? host.slice(0, -1) : host.trim();
}

/** Whether a request's path is a listed MCP path, or below it. */
function onPath(listed: string, seen: string): boolean {
  const base = listed.replace(/[?#].*$/, '').replace(/\/+$/, '');
  if (base === '') return false; // a listed `/` says nothing about a path
  const path = seen.replace(/[?#].*$/, '');
  return (
    path === base ||
    path.startsWith(`${base}/`) ||
    path.toLowerCase() === base.toLowerCase()
  );
}

/**
 * The remote MCP servers we know by name: the list shipped with the agent
 * (`remoteMcpHosts.json`, public endpoints with the source of each) plus the
 * organisation's own (`--hosts FILE`). Pure: the Zeek and Suricata adapters
 * and the live sensor ask the same question of it.
 */
export class RemoteHostList {
  private readonly hosts = new Map<string, KnownHost>();

  constructor(entries: RemoteHostEntry[], sharedHosts: string[] = []) {
    const shared = new Set(sharedHosts.map(normalizeHostName));
    for (const entry of entries) {
      const host = normalizeHostName(entry.host);
      const known = this.hosts.get(host) ?? { entries: [], shared: false };
      known.entries.push({ ...entry, host });
      known.shared ||= shared.has(host) || entry.shared === true;
      this.hosts.set(host, known);
    }
  }

  /** The list shipped with the agent. */
  static shipped(): RemoteHostList {
    return new RemoteHostList(
      shipped.entries as RemoteHostEntry[],
      shipped.sharedHosts,
    );
  }

  /** This list and more entries: a host shared in either stays shared. */
  with(entries: RemoteHostEntry[]): RemoteHostList {
    const all = [...this.hosts.values()].flatMap(h =>
      h.entries.map(e => ({ ...e, shared: e.shared || h.shared })),
    );
    return new RemoteHostList([...all, ...entries]);
  }

  get size(): number {
    return this.hosts.size;
  }

  /** Whether a name is listed at all (shared or not). */
  knows(name: string): boolean {
    if (this.hosts.has(name)) return true;
    // Most names seen are already as listed ones are: lower case, no port, no final dot.
    const plain = !/[A-Z:\s]/.test(name) && !name.endsWith('.');
    return !plain && this.hosts.has(normalizeHostName(name));
  }

  isShared(name: string): boolean {
    return this.hosts.get(normalizeHostName(name))?.shared ?? false;
  }

  /**
   * Whether a name seen on the wire (a TLS SNI, a DNS query, an HTTP Host or
   * CONNECT target) is a known remote MCP server. A host that also serves
   * other traffic (api.githubcopilot.com, *.googleapis.com, …) matches only
   * with a path under one of its listed MCP paths — over TLS there is none,
   * so its SNI or DNS name alone never matches.
   *
   * The URL that stands for the server is the listed one whose path the
   * request took; else the host's only listed URL; else `https://<host>`
   * when it lists several: so every sighting of one server has one identity.
   */
  match(name: string, path?: string): RemoteHostMatch | undefined {
    const host = normalizeHostName(name);
    const known = this.hosts.get(host);
    if (!known) return undefined;
    const onListedPath =
      path !== undefined
        ? known.entries.find(e => onPath(e.path, path))
        : undefined;
    if (known.shared && !onListedPath) return undefined;
    const urls = [...new Set(known.entries.map(e => canonicalUrl(e.url)))];
    let url = `https://${host}`;
    if (onListedPath) url = canonicalUrl(onListedPath.url);
    else if (urls.length === 1) url = urls[0];
    return {
      host,
      name: (onListedPath ?? known.entries[0]).name,
      url,
      by: onListedPath ? 'name and path' : 'name',
    };
  }
}

function canonicalUrl(url: string): string {
  try {
    return normalizeServerUrl(url);
  } catch {
    return url;
  }
}

export class RemoteHostsFileError extends Error {}

/** The remote URLs of server.json documents, alone or as an MCP Registry API page lists them (`{ servers: [{ server }] }`). */
function remotesOf(doc: unknown): unknown[] | undefined {
  const d = doc as { servers?: unknown; remotes?: unknown } | null;
  let servers: unknown[] | undefined;
  if (Array.isArray(d?.servers))
    servers = d!.servers.map(s => (s as { server?: unknown })?.server ?? s);
  else if (d && Array.isArray(d.remotes)) servers = [d];
  return servers?.flatMap(server => {
    const { name, remotes } = (server ?? {}) as {
      name?: unknown;
      remotes?: unknown;
    };
    return Array.isArray(remotes)
      ? remotes.map(r => ({
          url: (r as { url?: unknown })?.url,
          ...(typeof name === 'string' ? { name } : {}),
        }))
      : [];
  });
}

/**
 * The organisation's own remote MCP servers (`--hosts FILE`): the remote URLs
 * of its registry entries and imported server.json files. Either JSON — an
 * array of URLs, or of `{ url, name?, shared? }` (or `{ host, path?, … }`),
 * `{ "entries": [ … ] }` as the shipped list is, a server.json, or a page of
 * an MCP Registry API (the portal's own, `GET /api/mcpeeker/v0.1/servers`,
 * lists the approved entries) — or text, one URL or host a line, `#`
 * starting a comment.
 */
export function readRemoteHostsFile(file: string): RemoteHostEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new RemoteHostsFileError(
      `--hosts ${file}: cannot be read (${
        (error as NodeJS.ErrnoException).code
      })`,
    );
  }
  const trimmed = text.trim();
  let items: unknown[];
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(trimmed);
    } catch {
      throw new RemoteHostsFileError(`--hosts ${file}: not valid JSON`);
    }
    const list = Array.isArray(doc)
      ? doc
      : (doc as { entries?: unknown })?.entries ?? remotesOf(doc);
    if (!Array.isArray(list))
      throw new RemoteHostsFileError(
        `--hosts ${file}: expected a list of URLs, { "entries": [ … ] }, a server.json or an MCP Registry API page`,
      );
    items = list;
  } else {
    items = trimmed
      .split('\n')
      .map(line => line.replace(/#.*$/, '').trim())
      .filter(Boolean);
  }
  return items.map((item, index) => {
    const entry = entryOf(item);
    if (!entry)
      throw new RemoteHostsFileError(
        `--hosts ${file}: entry ${
          index + 1
        } is neither a URL, a host name nor { url } / { host }`,
      );
    return { ...entry, source: { file } };
  });
}

function entryOf(item: unknown): RemoteHostEntry | undefined {
  if (typeof item === 'string') return entryOfUrl(item, undefined, false);
  if (item === null || typeof item !== 'object') return undefined;
  const o = item as Record<string, unknown>;
  const name = typeof o.name === 'string' ? o.name : undefined;
  const shared = o.shared === true;
  if (typeof o.url === 'string') return entryOfUrl(o.url, name, shared);
  if (typeof o.host === 'string') {
    const path = typeof o.path === 'string' ? o.path : '/';
    return entryOfUrl(`https://${o.host}${path}`, name, shared);
  }
  return undefined;
}

function entryOfUrl(
  text: string,
  name: string | undefined,
  shared: boolean,
): RemoteHostEntry | undefined {
  let url: URL;
  try {
    url = new URL(
      /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`,
    );
  } catch {
    return undefined;
  }
  if (!url.hostname || !/^https?:$/.test(url.protocol)) return undefined;
  return {
    host: url.hostname,
    path: url.pathname || '/',
    url: url.toString(),
    name: name ?? url.hostname,
    ...(shared ? { shared } : {}),
  };
}
