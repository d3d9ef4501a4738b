import type { HttpHeader } from '../signatures/matchExchange';

/** Where tshark reads: a live interface, or a capture file (pcap, pcapng). */
export type CaptureSource = { interface: string } | { read: string };

/**
 * The fields tshark prints for each packet (`-T ek -e …`): HTTP as its
 * dissector reassembled it (TCP segments joined, chunked bodies de-chunked,
 * gzip undone), plus the raw payload of segments carrying server-sent events
 * whose HTTP answer never completes (a legacy SSE stream stays open).
 */
export const TSHARK_FIELDS = [
  'frame.number',
  'frame.time_epoch',
  'ip.src',
  'ip.dst',
  'ipv6.src',
  'ipv6.dst',
  'tcp.srcport',
  'tcp.dstport',
  'tcp.stream',
  'http.request.method',
  'http.request.uri',
  'http.request.line',
  'http.response.code',
  'http.response.line',
  'http.request_in',
  'http.file_data',
  'tcp.payload',
  'tls.handshake.extensions_server_name',
  'udp.srcport',
  'udp.dstport',
  'dns.flags.response',
  'dns.qry.name',
  'dns.a',
  'dns.aaaa',
] as const;

/**
 * Which packets tshark prints: HTTP requests and answers, the segments of
 * an answer still open that carry server-sent events, TLS ClientHellos that
 * name a server (SNI), and DNS answers: over TLS, names are all there is.
 */
export const TSHARK_DISPLAY_FILTER = [
  'http.request',
  'http.response',
  '((tcp.payload contains "event:" || tcp.payload contains "text/event-stream") && !http)',
  'tls.handshake.extensions_server_name',
  '(dns.flags.response == 1 && dns.qry.name)',
].join(' || ');

/** What a live capture takes by default: TCP, and DNS for the names. */
export const DEFAULT_CAPTURE_FILTER = 'tcp or udp port 53';

/** The tshark command line of a source: EK JSON, one document a packet, HTTP reassembly on. */
export function tsharkArgs(
  source: CaptureSource,
  captureFilter = DEFAULT_CAPTURE_FILTER,
): string[] {
  const input =
    'interface' in source
      ? ['-i', source.interface, '-f', captureFilter, '-l']
      : ['-r', source.read];
  return [
    ...input,
    '-n',
    '-o',
    'tcp.desegment_tcp_streams:TRUE',
    '-o',
    'http.desegment_headers:TRUE',
    '-o',
    'http.desegment_body:TRUE',
    '-o',
    'http.dechunk_body:TRUE',
    '-o',
    'http.decompress_body:TRUE',
    '-Y',
    TSHARK_DISPLAY_FILTER,
    '-T',
    'ek',
    ...TSHARK_FIELDS.flatMap(field => ['-e', field]),
  ];
}

interface FrameBase {
  frame: number;
  /** Capture time, epoch ms. */
  time: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  /** tshark's index of the TCP connection. */
  stream: number;
}

/** One packet tshark printed, as the sensor uses it. */
export type TsharkFrame =
  | (FrameBase & {
      kind: 'request';
      method: string;
      uri: string;
      headers: HttpHeader[];
      body: string;
    })
  | (FrameBase & {
      kind: 'response';
      status?: number;
      headers: HttpHeader[];
      body: string;
      /** The frame number of the request it answers. */
      requestIn?: number;
    })
  | (FrameBase & { kind: 'segment'; payload: Buffer })
  /** A TLS ClientHello naming its server. */
  | (FrameBase & { kind: 'tls'; serverName: string })
  /** A DNS answer (from the resolver: `dst` is the client that asked). */
  | (FrameBase & { kind: 'dns'; name: string; answer?: string });

/** Longest body kept of a request or an answer: enough for any handshake. */
export const MAX_BODY = 64 * 1024;

/** `Name: value\r\n` lines as tshark gives `http.request.line`. */
export function parseHeaderLines(lines: string[]): HttpHeader[] {
  const headers: HttpHeader[] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push({
      name: line.slice(0, colon).trim(),
      value: line.slice(colon + 1).trim(),
    });
  }
  return headers;
}

const first = (layers: Record<string, unknown>, field: string) => {
  const value = layers[field.replace(/\./g, '_')];
  return Array.isArray(value) ? (value[0] as string | undefined) : undefined;
};
const all = (layers: Record<string, unknown>, field: string): string[] => {
  const value = layers[field.replace(/\./g, '_')];
  return Array.isArray(value) ? value.map(String) : [];
};

/**
 * One line of tshark's `-T ek` output as a frame; undefined for its index
 * lines and for packets that are none of ours (no TCP, no address).
 */
export function parseTsharkLine(line: string): TsharkFrame | undefined {
  if (!line.startsWith('{"timestamp"')) return undefined;
  let layers: Record<string, unknown>;
  try {
    layers = JSON.parse(line).layers ?? {};
  } catch {
    return undefined;
  }
  const src = first(layers, 'ip.src') ?? first(layers, 'ipv6.src');
  const dst = first(layers, 'ip.dst') ?? first(layers, 'ipv6.dst');
  const srcPort = Number(
    first(layers, 'tcp.srcport') ?? first(layers, 'udp.srcport'),
  );
  const dstPort = Number(
    first(layers, 'tcp.dstport') ?? first(layers, 'udp.dstport'),
  );
  // UDP (DNS) has no TCP stream: -1.
  const stream = Number(first(layers, 'tcp.stream') ?? -1);
  if (!src || !dst || !srcPort || !dstPort || Number.isNaN(stream))
    return undefined;
  const base: FrameBase = {
    frame: Number(first(layers, 'frame.number')),
    time: Math.round(Number(first(layers, 'frame.time_epoch')) * 1000),
    src,
    dst,
    srcPort,
    dstPort,
    stream,
  };
  const body = (first(layers, 'http.file_data') ?? '').slice(0, MAX_BODY);
  const method = first(layers, 'http.request.method');
  if (method)
    return {
      ...base,
      kind: 'request',
      method,
      uri: first(layers, 'http.request.uri') ?? '',
      headers: parseHeaderLines(all(layers, 'http.request.line')),
      body,
    };
  const code = first(layers, 'http.response.code');
  if (code || layers.http_response_line) {
    const requestIn = Number(first(layers, 'http.request_in'));
    return {
      ...base,
      kind: 'response',
      ...(code ? { status: Number(code) } : {}),
      headers: parseHeaderLines(all(layers, 'http.response.line')),
      body,
      ...(requestIn ? { requestIn } : {}),
    };
  }
  const serverName = first(layers, 'tls.handshake.extensions_server_name');
  if (serverName) return { ...base, kind: 'tls', serverName };
  const name = first(layers, 'dns.qry.name');
  if (name && first(layers, 'dns.flags.response') !== undefined) {
    const answer = first(layers, 'dns.a') ?? first(layers, 'dns.aaaa');
    return { ...base, kind: 'dns', name, ...(answer ? { answer } : {}) };
  }
  const payload = first(layers, 'tcp.payload');
  if (payload)
    return {
      ...base,
      kind: 'segment',
      payload: Buffer.from(payload.replace(/:/g, ''), 'hex'),
    };
  return undefined;
}
