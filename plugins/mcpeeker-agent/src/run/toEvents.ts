import os from 'node:os';
import {
  ClientEnforcement,
  createEvent,
  EndpointEvent,
  hashIdentifier,
  MAX_SCAN_CONFIG_IDS,
  MAX_SNIPPET_LENGTH,
  ScanInventory,
} from '@mcpeeker/plugin-mcpeeker-common';
import type { Detection, ScanReport } from '../scan/scanEndpoint';
import { plural } from '../plural';

/** Salted hashes of this host's external interface addresses, to meet network events. */
export function interfaceAddressHashes(salt: string): string[] {
  const hashes = new Set<string>();
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses ?? []) {
      if (!a.internal) hashes.add(hashIdentifier(a.address, salt));
    }
  }
  return [...hashes].slice(0, 64);
}

const snippet = (text: string) => text.slice(0, MAX_SNIPPET_LENGTH);

/** The event schema's detection fields only; the rest becomes evidence. */
function split(detection: Detection): {
  detection: EndpointEvent['detection'];
  evidence: EndpointEvent['evidence'];
} {
  switch (detection.source) {
    case 'config': {
      const { compositeId: _id, via, ...rest } = detection;
      const target =
        rest.command !== undefined
          ? [rest.command, ...(rest.args ?? [])].join(' ')
          : rest.url ?? '';
      return {
        detection: rest,
        evidence: [
          {
            kind: 'config-entry',
            snippet: snippet(`${rest.client} ${rest.serverName}: ${target}`),
            location: rest.configPath,
          },
          // A Docker MCP Toolkit server: the gateway entries clients reach it through.
          ...(via ?? []).slice(0, 16).map(gateway => ({
            kind: 'gateway-entry',
            snippet: snippet(
              `reached through ${gateway.client} ${gateway.serverName} (the Docker MCP Toolkit's gateway)`,
            ),
            location: gateway.configPath.slice(0, 1024),
          })),
        ],
      };
    }
    case 'manifest': {
      const {
        compositeId: _id,
        source,
        serverName,
        manifestPath,
        manifestKind,
        packageId,
        version,
      } = detection;
      return {
        detection: {
          source,
          serverName,
          manifestPath,
          manifestKind,
          packageId,
          version,
        },
        evidence: [
          {
            kind: 'manifest',
            snippet: snippet(
              `${manifestKind} declares ${serverName}${
                version ? ` ${version}` : ''
              }`,
            ),
            location: manifestPath,
          },
        ],
      };
    }
    case 'process': {
      const { compositeId: _id, reason, ppid: _ppid, ...rest } = detection;
      return {
        detection: rest,
        evidence: [
          {
            kind: 'process',
            snippet: snippet(
              `${reason}: ${[rest.command, ...rest.args].join(' ')}`,
            ),
          },
        ],
      };
    }
    default: {
      const { compositeId: _id, pid, ...rest } = detection;
      return {
        detection: rest,
        evidence: [
          {
            kind: 'handshake',
            snippet: snippet(
              `${rest.serverInfo.name} ${
                rest.serverInfo.version ?? ''
              } answered initialize at ${rest.url}${
                pid ? ` (pid ${pid})` : ''
              }; ${plural(rest.tools.length, 'tool')}`,
            ),
          },
        ],
      };
    }
  }
}

/**
 * What this scan read from the clients' configs: every server a config
 * entry named, and the files it could not use (so the portal marks nothing
 * gone after it). None when there are more servers than an inventory holds.
 */
export function scanInventory(report: ScanReport): ScanInventory | undefined {
  const configIds = [
    ...new Set(
      report.detections.flatMap(d =>
        d.source === 'config' ? [d.compositeId] : [],
      ),
    ),
  ].sort();
  if (configIds.length > MAX_SCAN_CONFIG_IDS) return undefined;
  return {
    configIds,
    unreadConfigs: [...new Set(report.errors.map(e => e.path.slice(0, 1024)))]
      .filter(Boolean)
      .slice(0, 64),
  };
}

/** One endpoint event per detection, in the common schema, ready to send; each carries the scan's inventory. */
export function toEndpointEvents(
  report: ScanReport,
  options: {
    owner?: string;
    /** The config's `hostLabel`: sent only when set. */
    hostLabel?: string;
    addressHashes: string[];
    /** The managed MCP policy the host's clients are under (none: the host only reports). */
    enforcement?: ClientEnforcement[];
  },
): EndpointEvent[] {
  const scan = scanInventory(report);
  return report.detections.map(detection => {
    const { detection: fields, evidence } = split(detection);
    return createEvent({
      layer: 'endpoint',
      observedAt: report.scannedAt,
      compositeId: detection.compositeId,
      sensor: {
        id: `agent-${report.host.idHash.slice(0, 16)}`,
        kind: 'mcpeeker-agent',
        version: report.agentVersion,
      },
      host: {
        idHash: report.host.idHash,
        os: report.host.os,
        ...(options.owner ? { owner: options.owner } : {}),
        ...(options.hostLabel ? { label: options.hostLabel } : {}),
        addressHashes: options.addressHashes,
        ...(options.enforcement?.length
          ? { enforcement: options.enforcement }
          : {}),
      },
      detection: fields,
      evidence,
      ...(scan ? { scan } : {}),
    }) as EndpointEvent;
  });
}
