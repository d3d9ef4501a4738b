import { createHmac } from 'node:crypto';
import {
  approvalStands,
  MCP_SERVER_API_VERSION,
  MCP_SERVER_KIND,
  MCPEEKER_ANNOTATIONS,
  McpServerEntity,
  RegistryEntry,
  standingStatus,
} from '@mcpeeker/plugin-mcpeeker-common';
import type { ServerSummary } from '../database/FindingStore';

/** A catalog-safe name: letters, digits and - _ ., at most 63 characters. */
function entityName(base: string, suffix: string) {
  const slug = base
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '')
    .slice(0, 63 - suffix.length - 1);
  return `${slug || 'mcp'}-${suffix}`;
}

/**
 * What a catalog entity may carry is what anyone in the organisation may
 * know: the catalog shows entities to everyone its policy lets read them, and
 * other entities' relations (a group's `ownerOf`) name them. So:
 *
 * - an **approved** registration is the organisation's sanctioned server — the
 *   MCP Registry API serves it to every MCP client — and its entity is open:
 *   name, purpose, team, status, transport, package or URL; not who
 *   registered it, not its expiry (MCPeeker's registry routes show those to
 *   whom may read the entry);
 * - any other registration (pending, denied, revoked, expired) and a server
 *   only detection knows of are **restricted** to one entity ref (the
 *   registrant; the endpoint's owner) besides analysts and admins, through the
 *   `mcpeeker.io/restricted-to` annotation that the catalog's read check
 *   enforces (`IS_MCP_SERVER_ENTITY_VISIBLE`), and their names are opaque so
 *   that a relation naming them reveals nothing;
 * - detection (findings, hosts, scores) is never in an entity: it depends on
 *   who asks, so the entity page asks MCPeeker's API as the viewer.
 */
export function isOpenToOrganisation(entry: RegistryEntry): boolean {
  return approvalStands(entry);
}

/**
 * A purpose as the catalog's About card shows it: that card renders
 * `metadata.description` as Markdown (with some HTML), so markup a person
 * typed would become markup. Escaped, it reads as the characters written.
 */
export function markdownLiteral(text: string): string {
  return text.replace(/[\\`*_{}[\]<>#|~!&]/g, '\\$&');
}

/** The names an entry's entity can have: open and restricted. */
export function registryEntityNames(entry: RegistryEntry) {
  const id = entry.id.slice(0, 8);
  return { open: entityName(entry.name, id), restricted: `mcp-${id}` };
}

/**
 * The catalog's lifecycle of a registered server, by its registry status:
 * approved is `production`; waiting for approval, `experimental`; denied,
 * revoked or expired, `deprecated` (in use it is flagged again).
 */
export function lifecycleOf(status: RegistryEntry['status']): string {
  switch (status) {
    case 'approved':
      return 'production';
    case 'pending':
      return 'experimental';
    default:
      return 'deprecated';
  }
}

function registryEntity(
  entry: RegistryEntry,
  summary: ServerSummary | undefined,
): McpServerEntity {
  const open = isOpenToOrganisation(entry);
  // Past its date it is expired, whether or not the expiry job said so yet.
  const status = standingStatus(entry);
  const names = registryEntityNames(entry);
  const serverName = summary?.serverName ?? entry.name;
  return {
    apiVersion: MCP_SERVER_API_VERSION,
    kind: MCP_SERVER_KIND,
    metadata: {
      name: open ? names.open : names.restricted,
      title: entry.name,
      description: markdownLiteral(entry.purpose),
      annotations: {
        [MCPEEKER_ANNOTATIONS.registryEntryId]: entry.id,
        [MCPEEKER_ANNOTATIONS.serverName]: serverName,
        ...(open
          ? {}
          : {
              [MCPEEKER_ANNOTATIONS.restrictedTo]: entry.owner,
              [MCPEEKER_ANNOTATIONS.registeredBy]: entry.createdBy,
            }),
      },
      tags: ['mcp', `registry-${status}`],
    },
    spec: {
      type: entry.identity.remoteUrl ? 'remote' : 'local',
      lifecycle: lifecycleOf(status),
      owner: entry.team,
      transport: entry.transport,
      ...(entry.identity.packageId
        ? { packageId: entry.identity.packageId }
        : {}),
      ...(entry.identity.remoteUrl
        ? { remoteUrl: entry.identity.remoteUrl }
        : {}),
      serverName,
      registry: {
        status,
        entryId: entry.id,
        purpose: entry.purpose,
        ...(open ? {} : { expiresAt: entry.expiresAt }),
        ...(entry.pinnedTools
          ? {
              pinnedTools: entry.pinnedTools.definitions.map(t => t.name),
              pinnedAt: entry.pinnedTools.pinnedAt,
            }
          : {}),
      },
    },
  };
}

/**
 * The MCPServer entities MCPeeker provides: one per registry entry (owned by
 * its team), and one per server name detection saw that no entry claims
 * (owned by the owner of one of its endpoints, until someone registers it).
 * `nameKey` keys the opaque names of detected servers: without it, a name
 * like "github" could be guessed back from its hash.
 */
export function buildCatalogEntities(
  entries: RegistryEntry[],
  summaries: ServerSummary[],
  nameKey: string,
): McpServerEntity[] {
  const byName = new Map(summaries.map(s => [s.serverName, s]));
  const claimed = new Set<string>();
  const out: McpServerEntity[] = [];
  for (const entry of entries) {
    const names = [entry.name, entry.identity.packageId].filter(
      (n): n is string => !!n,
    );
    names.forEach(n => claimed.add(n));
    out.push(
      registryEntity(entry, names.map(n => byName.get(n)).find(Boolean)),
    );
  }
  for (const summary of summaries) {
    if (claimed.has(summary.serverName) || !summary.anOwner) continue;
    const opaque = createHmac('sha256', nameKey)
      .update(`mcpserver-entity-name\0${summary.serverName}`)
      .digest('hex')
      .slice(0, 16);
    out.push({
      apiVersion: MCP_SERVER_API_VERSION,
      kind: MCP_SERVER_KIND,
      metadata: {
        name: `mcp-${opaque}`,
        title: summary.serverName,
        description: 'Detected by MCPeeker; not registered.',
        annotations: {
          [MCPEEKER_ANNOTATIONS.serverName]: summary.serverName,
          [MCPEEKER_ANNOTATIONS.restrictedTo]: summary.anOwner,
        },
        tags: ['mcp', 'registry-unregistered'],
      },
      spec: {
        type: 'local',
        lifecycle: 'experimental',
        owner: summary.anOwner,
        serverName: summary.serverName,
        registry: { status: 'unregistered' },
      },
    });
  }
  return out;
}
