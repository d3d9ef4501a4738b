import type { HttpExchange } from '../signatures/matchExchange';
import { MAX_BODY, parseHeaderLines, TsharkFrame } from './tsharkFrames';

/** What is known of one HTTP exchange at a moment: the request, and its answer so far. */
export interface ExchangeObservation {
  /** The same for every observation of one exchange: its connection and request frame. */
  key: string;
  /** Capture time of the latest packet it includes, epoch ms. */
  time: number;
  client: string;
  server: string;
  serverPort: number;
  exchange: HttpExchange;
}

interface OpenExchange extends ExchangeObservation {
  stream: number;
  /** The answer's raw bytes, while tshark has not reassembled it (an SSE stream still open). */
  raw?: Buffer;
  /** tshark's reassembled answer came: raw bytes no longer matter. */
  answered: boolean;
}

/** How long a request waits for its answer before it is looked at alone (capture time). */
export const ANSWER_WAIT_MS = 2000;
/** Connections remembered at once; the oldest is forgotten beyond. */
const MAX_OPEN = 10_000;

/**
 * The start of an HTTP answer from its raw bytes: status, headers, and the
 * body de-chunked as far as it has arrived. Undefined before the headers end.
 */
export function parseRawResponse(
  raw: Buffer,
): HttpExchange['response'] | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (!raw.subarray(0, 5).equals(Buffer.from('HTTP/')) || end < 0)
    return undefined;
  const [statusLine, ...lines] = raw
    .subarray(0, end)
    .toString('latin1')
    .split('\r\n');
  const headers = parseHeaderLines(lines);
  const status = Number(statusLine.split(' ')[1]) || undefined;
  let body = raw.subarray(end + 4);
  const chunked = headers.some(
    h =>
      h.name.toLowerCase() === 'transfer-encoding' && /chunked/i.test(h.value),
  );
  if (chunked) body = dechunk(body);
  return {
    ...(status ? { status } : {}),
    headers,
    body: body.toString('utf8'),
  };
}

/** A chunked body's data as far as it has arrived (a last chunk may be cut). */
export function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size <= 0) break;
    const start = lineEnd + 2;
    parts.push(body.subarray(start, Math.min(start + size, body.length)));
    at = start + size + 2;
  }
  return Buffer.concat(parts);
}

/**
 * Turns tshark's packets into HTTP exchanges. A request is looked at with
 * its answer when tshark has reassembled it, with the start of its answer
 * when the answer is an event stream still open, and alone when no answer
 * came within {@link ANSWER_WAIT_MS} of capture time (or the capture ended).
 * An exchange may be observed again as more of its answer arrives; its
 * `key` says it is the same one.
 */
export class ExchangeAssembler {
  /** Requests waiting for an answer, by frame number. */
  private readonly waiting = new Map<number, OpenExchange>();
  /** The latest exchange of each connection, by tshark's stream index. */
  private readonly latest = new Map<number, OpenExchange>();

  constructor(private readonly observe: (o: ExchangeObservation) => void) {}

  push(frame: TsharkFrame): void {
    this.flush(frame.time - ANSWER_WAIT_MS);
    if (frame.kind === 'request') {
      const open: OpenExchange = {
        key: `${frame.stream}:${frame.frame}`,
        time: frame.time,
        client: frame.src,
        server: frame.dst,
        serverPort: frame.dstPort,
        stream: frame.stream,
        answered: false,
        exchange: {
          method: frame.method,
          uri: frame.uri,
          requestHeaders: frame.headers,
          requestBody: frame.body,
        },
      };
      this.remember(this.waiting, frame.frame, open);
      this.latest.delete(frame.stream);
      this.remember(this.latest, frame.stream, open);
      return;
    }
    if (frame.kind === 'response') {
      const open =
        (frame.requestIn !== undefined && this.waiting.get(frame.requestIn)) ||
        this.latest.get(frame.stream);
      if (!open || open.serverPort !== frame.srcPort) return;
      if (frame.requestIn !== undefined) this.waiting.delete(frame.requestIn);
      open.answered = true;
      open.raw = undefined;
      open.time = frame.time;
      open.exchange.response = {
        ...(frame.status !== undefined ? { status: frame.status } : {}),
        headers: frame.headers,
        body: frame.body,
      };
      this.emit(open);
      return;
    }
    if (frame.kind !== 'segment') return;
    const open = this.latest.get(frame.stream);
    if (!open || open.answered || open.serverPort !== frame.srcPort) return;
    const raw = open.raw
      ? Buffer.concat([open.raw, frame.payload])
      : frame.payload;
    open.raw = raw.subarray(0, MAX_BODY);
    const response = parseRawResponse(open.raw);
    if (!response) return;
    open.exchange.response = response;
    open.time = frame.time;
    this.waiting.delete(Number(open.key.split(':')[1]));
    this.emit(open);
  }

  /** Looks at requests that waited since `before` (epoch ms) alone; all of them without an argument. */
  flush(before = Infinity): void {
    for (const [frame, open] of this.waiting) {
      if (open.time > before) continue;
      this.waiting.delete(frame);
      this.emit(open);
    }
  }

  private emit(open: OpenExchange): void {
    const { key, time, client, server, serverPort, exchange } = open;
    this.observe({ key, time, client, server, serverPort, exchange });
  }

  private remember<K>(map: Map<K, OpenExchange>, key: K, open: OpenExchange) {
    map.set(key, open);
    if (map.size > MAX_OPEN) map.delete(map.keys().next().value as K);
  }
}
