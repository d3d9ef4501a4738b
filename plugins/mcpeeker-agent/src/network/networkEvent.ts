import net from 'node:net';
import {
  compositeId,
  createEvent,
  hashIdentifier,
  MAX_SNIPPET_LENGTH,
  NetworkEvent,
  redactSecrets,
} from '@mcpeeker/plugin-mcpeeker-common';
import type { RemoteHostMatch } from './remoteHosts';

/** Who turns sightings into events: the fleet's salt, the sensor the events name. */
export interface NetworkEventContext {
  salt: string;
  sensor: {
    id: string;
    kind: NetworkEvent['sensor']['kind'];
    version: string;
  };
}

/** One MCP sighting on the wire, addresses in clear (they are hashed here). */
export interface NetworkSighting {
  /** When the sensor saw it, ISO 8601. */
  observedAt: string;
  /** The client's address. */
  src: string;
  /** The server's address; absent when the log has none (a DNS query: the name stands in). */
  dst?: string;
  dstPort: number;
  transport: NetworkEvent['flow']['transport'];
  tls?: boolean;
  /** JSON-RPC method, when the sensor saw it. */
  method?: string;
  /** The Mcp-Session-Id value (hashed here, never sent). */
  sessionId?: string;
  serverName?: string;
  userAgent?: string;
  signature?: NetworkEvent['signature'];
  /** The known remote MCP server it went to: its URL is the server's identity. */
  remote?: RemoteHostMatch;
  evidence: Array<{ kind: string; snippet: string; location?: string }>;
}

/**
 * An address as the endpoint agent reports its own (Node's
 * `os.networkInterfaces()`, hashed by `interfaceAddressHashes`): IPv4 dotted
 * without leading zeros, IPv6 compressed in lower case without a zone — so
 * Suricata's `fe80:0000:…:0001` and Zeek's `fe80::1` hash as the agent's
 * `fe80::1` does. Undefined for anything that is not an IP address.
 */
export function canonicalAddress(text: string): string | undefined {
  const address = text.trim().replace(/%.*$/, '');
  const kind = net.isIP(address);
  if (kind === 4) return address.split('.').map(Number).join('.');
  if (kind === 6) {
    try {
      const host = new URL(`http://[${address}]/`).hostname;
      return host.slice(1, -1);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const EVIDENCE_SNIPPET = MAX_SNIPPET_LENGTH;
const cut = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

/**
 * The network event of one sighting, in the common schema: addresses and
 * the session id hashed with the fleet's salt (as the agent hashes its
 * interface addresses, so the backend puts the event on that host's port),
 * everything copied from the log redacted and cut to size. The server's
 * identity is the known remote URL when it went to one, else its (hashed)
 * address and port — the backend moves it onto the agent's finding for that
 * host and port once it knows the address.
 */
export function toNetworkEvent(
  sighting: NetworkSighting,
  context: NetworkEventContext,
): NetworkEvent {
  const { salt } = context;
  const src = canonicalAddress(sighting.src) ?? sighting.src;
  const dst =
    sighting.dst !== undefined
      ? canonicalAddress(sighting.dst) ?? sighting.dst
      : `name:${sighting.remote?.host ?? 'unknown'}`;
  const dstAddressHash = hashIdentifier(dst, salt);
  const redact = (text: string) => redactSecrets(text, { salt }).value;
  const serverName = sighting.serverName ?? sighting.remote?.host;
  return createEvent({
    layer: 'network',
    observedAt: sighting.observedAt,
    compositeId: compositeId({
      processSignature: sighting.remote
        ? sighting.remote.url
        : `network:${dstAddressHash}:${sighting.dstPort}`,
    }),
    sensor: context.sensor,
    flow: {
      srcAddressHash: hashIdentifier(src, salt),
      dstAddressHash,
      dstPort: sighting.dstPort,
      transport: sighting.transport,
      ...(sighting.tls !== undefined ? { tls: sighting.tls } : {}),
    },
    mcp: {
      ...(sighting.method ? { method: cut(redact(sighting.method), 128) } : {}),
      ...(sighting.sessionId
        ? { sessionIdHash: hashIdentifier(sighting.sessionId, salt) }
        : {}),
      ...(serverName
        ? { serverInfo: { name: cut(redact(serverName), 256) } }
        : {}),
      ...(sighting.userAgent
        ? { userAgent: cut(redact(sighting.userAgent), 256) }
        : {}),
    },
    ...(sighting.signature
      ? {
          signature: {
            id: cut(redact(sighting.signature.id), 128),
            name: cut(redact(sighting.signature.name), 256),
            ...(sighting.signature.severity
              ? { severity: sighting.signature.severity }
              : {}),
          },
        }
      : {}),
    evidence: sighting.evidence.slice(0, 50).map(e => ({
      kind: cut(redact(e.kind), 64),
      // Redacted whole, then cut: a cut must never leave part of a secret.
      snippet: cut(redact(e.snippet), EVIDENCE_SNIPPET),
      ...(e.location ? { location: cut(redact(e.location), 1024) } : {}),
    })),
  }) as NetworkEvent;
}
