import { httpMcpEvidence, mayBeMcpRequest } from '../httpEvidence';
import { canonicalAddress, NetworkSighting } from '../networkEvent';
import type { RemoteHostList } from '../remoteHosts';
import {
  addressOf,
  LineOutcome,
  NO_EVIDENCE,
  portOf,
  timeOf,
} from './logRecord';

/** The Zeek logs we read; any other (`files`, `notice`, `x509`, …) is skipped as a log of another type. */
export const ZEEK_LOGS = ['conn', 'http', 'ssl', 'dns', 'mcp'] as const;
export type ZeekLog = (typeof ZEEK_LOGS)[number];

export function isZeekLog(path: string | undefined): path is ZeekLog {
  return (ZEEK_LOGS as readonly string[]).includes(path ?? '');
}

/**
 * One Zeek record, however it was written: a TSV row read through its
 * `#fields` header, or a JSON object. Unset fields (`-`, or absent in JSON)
 * are undefined; containers are lists.
 */
export interface ZeekRecord {
  text(field: string): string | undefined;
  list(field: string): string[];
  /** `ts` as it was written: epoch seconds (number or text) or ISO 8601. */
  raw(field: string): unknown;
}

/** What a Zeek record's `id.*` fields say, checked. */
function endpointsOf(record: ZeekRecord) {
  return {
    observedAt: timeOf(record.raw('ts'), 'ts'),
    src: addressOf(record.text('id.orig_h'), 'id.orig_h'),
    dst: addressOf(record.text('id.resp_h'), 'id.resp_h'),
    dstPort: portOf(record.text('id.resp_p'), 'id.resp_p'),
  };
}

const SEVERITIES = ['low', 'medium', 'high'] as const;

/**
 * Which log a JSON record without `_path` comes from, by the fields only
 * that log has: for plain Zeek JSON read from stdin, or from a file whose
 * name does not say.
 */
export function zeekLogOfFields(
  record: Record<string, unknown>,
): string | undefined {
  if ('sig_id' in record && 'sig_name' in record) return 'mcp';
  if ('query' in record && ('qtype' in record || 'trans_id' in record))
    return 'dns';
  if ('server_name' in record || 'cipher' in record) return 'ssl';
  if ('method' in record && 'uri' in record) return 'http';
  if ('conn_state' in record || 'history' in record) return 'conn';
  if ('fuid' in record || 'note' in record) return 'other';
  return undefined;
}

/**
 * A Zeek record as MCP evidence, by its log:
 * - `http`: a request with MCP's hints together (`httpMcpEvidence`), or to a
 *   known remote MCP server (a proxy's CONNECT target, a Host and path);
 * - `ssl`: an SNI that is a known remote MCP server;
 * - `dns`: a query for one (its answer's address, when there is one, as the
 *   server's);
 * - `mcp`: every line (our Zeek script writes one per signature that fired);
 * - `conn`: never on its own — it has no names and no payload, only ports.
 */
export function zeekSightings(
  log: ZeekLog,
  record: ZeekRecord,
  hosts: RemoteHostList,
  location: string,
): LineOutcome {
  switch (log) {
    case 'conn':
      return NO_EVIDENCE;
    case 'http': {
      const method = record.text('method');
      const host = record.text('host');
      const uri = record.text('uri');
      const userAgent = record.text('user_agent');
      if (
        !mayBeMcpRequest(
          method,
          uri,
          record.text('client_header_names'),
          userAgent,
          host,
          hosts,
        )
      )
        return NO_EVIDENCE;
      const evidence = httpMcpEvidence(
        {
          method,
          host,
          uri,
          userAgent,
          requestHeaderNames: record.list('client_header_names'),
          requestContentType: record.list('orig_mime_types')[0],
          responseContentType: record.list('resp_mime_types')[0],
        },
        hosts,
      );
      if (!evidence) return NO_EVIDENCE;
      const connect = method?.toUpperCase() === 'CONNECT';
      return {
        sightings: [
          {
            ...endpointsOf(record),
            transport: evidence.transport,
            tls: connect,
            ...(userAgent ? { userAgent } : {}),
            ...(evidence.remote ? { remote: evidence.remote } : {}),
            evidence: [
              {
                kind: 'http-request',
                snippet: `${method ?? '?'} ${host ?? ''}${
                  connect ? '' : uri ?? ''
                }: ${evidence.hints.join('; ')}`,
                location,
              },
            ],
          },
        ],
      };
    }
    case 'ssl': {
      const sni = record.text('server_name');
      const remote = sni ? hosts.match(sni) : undefined;
      if (!remote) return NO_EVIDENCE;
      return {
        sightings: [
          {
            ...endpointsOf(record),
            transport: 'http',
            tls: true,
            remote,
            evidence: [
              {
                kind: 'tls-sni',
                snippet: `TLS to ${remote.host}: ${remote.name}, a known remote MCP server (${remote.url})`,
                location,
              },
            ],
          },
        ],
      };
    }
    case 'dns': {
      const query = record.text('query');
      const remote = query ? hosts.match(query) : undefined;
      if (!remote) return NO_EVIDENCE;
      const { observedAt, src } = endpointsOf(record);
      const answer = record.list('answers').find(a => canonicalAddress(a));
      return {
        sightings: [dnsSighting(observedAt, src, answer, remote, location)],
      };
    }
    case 'mcp': {
      const sigId = record.text('sig_id');
      if (!sigId) return { skipped: 'bad field', detail: 'sig_id: missing' };
      const severity = record.text('severity')?.toLowerCase();
      const method = record.text('method');
      const serverName = record.text('server_name');
      const userAgent = record.text('user_agent');
      const sessionId = record.text('session_id');
      const name = record.text('sig_name')?.trim() || sigId;
      return {
        sightings: [
          {
            ...endpointsOf(record),
            transport: sigId === 'MCP-008' ? 'sse' : 'http',
            ...(method ? { method } : {}),
            ...(sessionId ? { sessionId } : {}),
            ...(serverName ? { serverName } : {}),
            ...(userAgent ? { userAgent } : {}),
            signature: {
              id: sigId,
              name,
              ...(SEVERITIES.includes(severity as any)
                ? { severity: severity as (typeof SEVERITIES)[number] }
                : {}),
            },
            evidence: [
              {
                kind: 'rule',
                snippet: `${sigId} ${name}${method ? ` (${method})` : ''}${
                  serverName ? `; server ${serverName}` : ''
                }`,
                location,
              },
            ],
          },
        ],
      };
    }
    default:
      return NO_EVIDENCE;
  }
}

/** A DNS lookup of a known remote MCP server: the client is about to talk to it. */
export function dnsSighting(
  observedAt: string,
  client: string,
  answer: string | undefined,
  remote: NonNullable<NetworkSighting['remote']>,
  location: string,
): NetworkSighting {
  let port = 443;
  let https = true;
  try {
    const url = new URL(remote.url);
    https = url.protocol === 'https:';
    port = Number(url.port) || (https ? 443 : 80);
  } catch {
    // the listed URL stays the identity; the port is HTTPS's
  }
  return {
    observedAt,
    src: client,
    ...(answer ? { dst: answer } : {}),
    dstPort: port,
    transport: 'http',
    tls: https,
    remote,
    evidence: [
      {
        kind: 'dns-query',
        snippet: `DNS lookup of ${remote.host}${
          answer ? ` (${answer})` : ''
        }: ${remote.name}, a known remote MCP server (${remote.url})`,
        location,
      },
    ],
  };
}
