import { httpMcpEvidence, mayBeMcpRequest } from '../httpEvidence';
import { canonicalAddress } from '../networkEvent';
import type { RemoteHostList } from '../remoteHosts';
import {
  addressOf,
  FieldError,
  jsonFailure,
  LineOutcome,
  surelyBinary,
  NO_EVIDENCE,
  portOf,
  timeOf,
} from './logRecord';
import { dnsSighting } from './zeekRecords';

/**
 * MCPeeker's block of Suricata's local-use sid range: the rules in
 * `signatures/mcp.rules` use it, and an alert in it is ours. Other alerts
 * are someone else's rules and no MCP evidence of ours.
 */
export const MCPEEKER_SIDS = { first: 1910001, last: 1910999 };

/** EVE event types we read; any other (`stats`, `ssh`, `fileinfo`, …) is counted as an unknown type. */
const EVE_TYPES = new Set(['alert', 'http', 'tls', 'dns', 'flow']);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** Suricata's numeric severity: 1 is the most severe. */
const SEVERITY_OF_PRIORITY: Record<number, 'high' | 'medium' | 'low'> = {
  1: 'high',
  2: 'medium',
  3: 'low',
};

function firstMeta(alert: Json, key: string): string | undefined {
  const metadata = alert.metadata;
  if (!isObject(metadata)) return undefined;
  const value = metadata[key];
  return str(Array.isArray(value) ? value[0] : value);
}

/** The HTTP request an EVE `http` object tells of (request headers when `custom` or `dump-all-headers` logs them). */
function httpRequestOf(http: Json) {
  const headers = Array.isArray(http.request_headers)
    ? http.request_headers.filter(isObject).map(h => ({
        name: String(h.name ?? ''),
        value: String(h.value ?? ''),
      }))
    : [];
  const header = (name: string) =>
    headers.find(h => h.name.toLowerCase() === name)?.value;
  const responseType = Array.isArray(http.response_headers)
    ? http.response_headers
        .filter(isObject)
        .find(h => String(h.name ?? '').toLowerCase() === 'content-type')?.value
    : undefined;
  return {
    method: str(http.http_method),
    host: str(http.hostname),
    uri: str(http.url),
    userAgent: str(http.http_user_agent),
    requestHeaders: headers,
    requestContentType: header('content-type'),
    // Suricata's http_content_type is the answer's.
    responseContentType: str(responseType) ?? str(http.http_content_type),
  };
}

/**
 * One EVE record as MCP evidence, by its `event_type`:
 * - `alert`: ours (sid in MCPeeker's block) with `signature: {id, name, severity}`;
 * - `http`: a request with MCP's hints together, or to a known remote MCP server;
 * - `tls`: an SNI that is a known remote MCP server;
 * - `dns`: a query or answer for one, in each format Suricata has written
 *   (v1 one record per answer, v2 `answers`/`grouped`, 8.0's v3 `queries`);
 * - `flow`: never on its own (ports and counters only).
 */
function eveSightings(
  record: Json,
  hosts: RemoteHostList,
  location: string,
): LineOutcome {
  const type = record.event_type;
  if (typeof type !== 'string' || !EVE_TYPES.has(type))
    return {
      skipped: 'unknown event type',
      // Said once per type: a type is cut, as a hostile log may invent a long one a line.
      detail:
        typeof type === 'string' && type !== ''
          ? type.slice(0, 64)
          : 'no event_type',
    };
  if (type === 'flow') return NO_EVIDENCE;
  const observedAt = () => timeOf(record.timestamp, 'timestamp');
  const src = () => addressOf(record.src_ip, 'src_ip');
  const flow = () => ({
    observedAt: observedAt(),
    src: src(),
    dst: addressOf(record.dest_ip, 'dest_ip'),
    dstPort: portOf(record.dest_port, 'dest_port'),
  });

  if (type === 'alert') {
    const alert = record.alert;
    if (!isObject(alert)) throw new FieldError('alert', 'missing');
    const sid = alert.signature_id;
    if (
      typeof sid !== 'number' ||
      sid < MCPEEKER_SIDS.first ||
      sid > MCPEEKER_SIDS.last
    )
      return NO_EVIDENCE;
    const message = str(alert.signature) ?? '';
    const fromMessage = /^MCPeeker (MCP-\d+) (.*)$/.exec(message);
    const id =
      firstMeta(alert, 'mcpeeker_id') ?? fromMessage?.[1] ?? `sid:${sid}`;
    const name = fromMessage?.[2] || message || id;
    const severity =
      (['low', 'medium', 'high'] as const).find(
        s => s === firstMeta(alert, 'severity'),
      ) ??
      (typeof alert.severity === 'number'
        ? SEVERITY_OF_PRIORITY[alert.severity]
        : undefined);
    const http = isObject(record.http) ? httpRequestOf(record.http) : undefined;
    const tls = isObject(record.tls);
    // The rule's target says which side is the server (MCP-002, MCP-008 fire on the answer).
    const answer =
      isObject(alert.target) || isObject(alert.source)
        ? isObject(alert.target) && alert.target.ip === record.src_ip
        : ['MCP-002', 'MCP-008'].includes(id);
    const base = flow();
    const endpoints = answer
      ? {
          observedAt: base.observedAt,
          src: base.dst,
          dst: base.src,
          dstPort: portOf(record.src_port, 'src_port'),
        }
      : base;
    return {
      sightings: [
        {
          ...endpoints,
          transport:
            id === 'MCP-008' ||
            /event-stream/i.test(http?.responseContentType ?? '')
              ? 'sse'
              : 'http',
          ...(tls ? { tls: true } : {}),
          ...(http?.userAgent ? { userAgent: http.userAgent } : {}),
          signature: { id, name, ...(severity ? { severity } : {}) },
          evidence: [
            {
              kind: 'rule',
              snippet: `${id} ${name} (sid ${sid})${
                http
                  ? `: ${http.method ?? '?'} ${http.host ?? ''}${
                      http.uri ?? ''
                    }`
                  : ''
              }`,
              location,
            },
          ],
        },
      ],
    };
  }

  if (type === 'http') {
    if (!isObject(record.http)) throw new FieldError('http', 'missing');
    const h = record.http;
    if (
      !Array.isArray(h.request_headers) &&
      !mayBeMcpRequest(
        str(h.http_method),
        str(h.url),
        undefined,
        str(h.http_user_agent),
        str(h.hostname),
        hosts,
      )
    )
      return NO_EVIDENCE;
    const request = httpRequestOf(record.http);
    const evidence = httpMcpEvidence(request, hosts);
    if (!evidence) return NO_EVIDENCE;
    const connect = request.method?.toUpperCase() === 'CONNECT';
    return {
      sightings: [
        {
          ...flow(),
          transport: evidence.transport,
          tls: connect,
          ...(evidence.sessionId ? { sessionId: evidence.sessionId } : {}),
          ...(request.userAgent ? { userAgent: request.userAgent } : {}),
          ...(evidence.remote ? { remote: evidence.remote } : {}),
          evidence: [
            {
              kind: 'http-request',
              snippet: `${request.method ?? '?'} ${request.host ?? ''}${
                connect ? '' : request.uri ?? ''
              }: ${evidence.hints.join('; ')}`,
              location,
            },
          ],
        },
      ],
    };
  }

  if (type === 'tls') {
    if (!isObject(record.tls)) throw new FieldError('tls', 'missing');
    const sni = str(record.tls.sni);
    const remote = sni ? hosts.match(sni) : undefined;
    if (!remote) return NO_EVIDENCE;
    return {
      sightings: [
        {
          ...flow(),
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

  // dns
  const dns = record.dns;
  if (!isObject(dns)) throw new FieldError('dns', 'missing');
  const kind = str(dns.type);
  // v3 (Suricata 8) names the question in `queries`; v1 and v2 in `rrname`.
  const queries = Array.isArray(dns.queries)
    ? dns.queries.filter(isObject).map(q => str(q.rrname))
    : [str(dns.rrname)];
  const name = queries.find(q => q && hosts.match(q));
  if (!name) return NO_EVIDENCE;
  const remote = hosts.match(name)!;
  const isAnswer = kind === 'answer' || kind === 'response';
  let answer: string | undefined;
  if (isAnswer) {
    const answers: unknown[] = Array.isArray(dns.answers)
      ? dns.answers.filter(isObject).map(a => a.rdata) // v2, v3
      : [dns.rdata]; // v1: one record per answer
    if (isObject(dns.grouped))
      for (const rrtype of ['A', 'AAAA'])
        if (Array.isArray(dns.grouped[rrtype]))
          answers.push(...dns.grouped[rrtype]);
    answer = answers
      .map(a => (typeof a === 'string' ? a : undefined))
      .find(a => a !== undefined && canonicalAddress(a) !== undefined);
  }
  // An answer goes from the resolver to the client: the client is its dest_ip.
  const client = isAnswer ? addressOf(record.dest_ip, 'dest_ip') : src();
  return {
    sightings: [dnsSighting(observedAt(), client, answer, remote, location)],
  };
}

/**
 * Reads Suricata's EVE JSON, one record a line: what is ours of `alert`,
 * `http`, `tls`, `dns` and `flow` becomes a sighting; every other line is
 * counted with the reason it was skipped.
 */
export class EveLogReader {
  constructor(
    private readonly hosts: RemoteHostList,
    private readonly location: string,
  ) {}

  read(line: string): LineOutcome {
    // A control character in a line JSON.parse takes is an escape: binary garbage fails to parse.
    if (line.startsWith('#'))
      return {
        skipped: 'log of another type',
        detail: 'a Zeek header, not EVE',
      };
    if (!line.startsWith('{') && line.includes('\t'))
      return {
        skipped: 'log of another type',
        detail: 'tab-separated, not EVE',
      };
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      return jsonFailure(line);
    }
    if (!isObject(record))
      return { skipped: 'not JSON', detail: 'not a JSON object' };
    if (surelyBinary(line)) return { skipped: 'binary garbage' };
    if (!('event_type' in record) && ('uid' in record || '_path' in record))
      return { skipped: 'log of another type', detail: 'Zeek JSON, not EVE' };
    try {
      return eveSightings(record, this.hosts, this.location);
    } catch (error) {
      if (error instanceof FieldError)
        return { skipped: 'bad field', detail: error.message };
      throw error;
    }
  }
}
