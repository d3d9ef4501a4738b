import { classify } from '../correlation/scoring';
import {
  MCP_SERVER_API_VERSION,
  MCP_SERVER_KIND,
  MCPEEKER_ANNOTATIONS,
  McpServerEntity,
  RegistryEntry,
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

const shortHash = (text: string) => {
  let h = 2166136261;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h.toString(16).padStart(8, '0');
};

function detection(summary: ServerSummary | undefined) {
  return summary
    ? {
        findings: summary.findings,
        hosts: summary.hosts,
        maxScore: summary.maxScore,
        classification: classify(summary.maxScore),
        lastSeen: summary.lastSeen,
      }
    : undefined;
}

/**
 * The MCPServer entities MCPeeker provides: one per registry entry (owned by
 * its team), and one per server name detection saw that no entry claims
 * (owned by the owner of one of its endpoints, until someone registers it).
 */
export function buildCatalogEntities(
  entries: RegistryEntry[],
  summaries: ServerSummary[],
): McpServerEntity[] {
  const byName = new Map(summaries.map(s => [s.serverName, s]));
  const claimed = new Set<string>();
  const out: McpServerEntity[] = [];
  for (const entry of entries) {
    const names = [entry.name, entry.identity.packageId].filter(
      (n): n is string => !!n,
    );
    const summary = names.map(n => byName.get(n)).find(Boolean);
    names.forEach(n => claimed.add(n));
    out.push({
      apiVersion: MCP_SERVER_API_VERSION,
      kind: MCP_SERVER_KIND,
      metadata: {
        name: entityName(entry.name, entry.id.slice(0, 8)),
        title: entry.name,
        description: entry.purpose,
        annotations: {
          [MCPEEKER_ANNOTATIONS.registryEntryId]: entry.id,
          [MCPEEKER_ANNOTATIONS.serverName]: summary?.serverName ?? entry.name,
          'mcpeeker.io/registered-by': entry.owner,
        },
        tags: ['mcp', `registry-${entry.status}`],
      },
      spec: {
        type: entry.identity.remoteUrl ? 'remote' : 'local',
        lifecycle: 'production',
        owner: entry.team,
        transport: entry.transport,
        ...(entry.identity.packageId
          ? { packageId: entry.identity.packageId }
          : {}),
        ...(entry.identity.remoteUrl
          ? { remoteUrl: entry.identity.remoteUrl }
          : {}),
        serverName: summary?.serverName ?? entry.name,
        registry: {
          status: entry.status,
          entryId: entry.id,
          expiresAt: entry.expiresAt,
          purpose: entry.purpose,
        },
        ...(summary ? { detection: detection(summary) } : {}),
      },
    });
  }
  for (const summary of summaries) {
    if (claimed.has(summary.serverName) || !summary.anOwner) continue;
    out.push({
      apiVersion: MCP_SERVER_API_VERSION,
      kind: MCP_SERVER_KIND,
      metadata: {
        name: entityName(summary.serverName, shortHash(summary.serverName)),
        title: summary.serverName,
        description: `Detected by MCPeeker on ${summary.hosts} host(s); not registered.`,
        annotations: {
          [MCPEEKER_ANNOTATIONS.serverName]: summary.serverName,
        },
        tags: ['mcp', 'registry-unregistered'],
      },
      spec: {
        type: 'local',
        lifecycle: 'experimental',
        owner: summary.anOwner,
        serverName: summary.serverName,
        registry: { status: 'unregistered' },
        detection: detection(summary),
      },
    });
  }
  return out;
}
