import { spawn } from 'node:child_process';
import os from 'node:os';
import readline from 'node:readline';
import type { NetworkEvent } from '@mcpeeker/plugin-mcpeeker-common';
import { EventOutlet } from '../../run/logReading';
import type { Publisher } from '../../run/publisher';
import { dnsSighting } from '../logs/zeekRecords';
import type { RemoteHostList } from '../remoteHosts';
import {
  canonicalAddress,
  NetworkEventContext,
  NetworkSighting,
  toNetworkEvent,
} from '../networkEvent';
import {
  ExchangeMatch,
  matchExchange,
  strongestSignature,
} from '../signatures/matchExchange';
import {
  ANSWER_WAIT_MS,
  ExchangeAssembler,
  ExchangeObservation,
} from './exchangeAssembler';
import {
  CaptureSource,
  parseTsharkLine,
  TsharkFrame,
  tsharkArgs,
} from './tsharkFrames';
import { plural } from '../../plural';

export interface CaptureOptions {
  source: CaptureSource;
  /** BPF filter of a live capture (default `tcp or udp port 53`). */
  captureFilter?: string;
  /**
   * This host's address, standing for loopback addresses in what is
   * captured here (see {@link TrafficSensor}); absent for a capture file.
   */
  hostAddress?: string;
  /** Known remote MCP servers, whose names a TLS ClientHello or a DNS answer may carry. */
  hosts?: RemoteHostList;
  /** The tshark to run (default `tshark` on the PATH). */
  tshark?: string;
  context: NetworkEventContext;
  /** Send through it instead of printing. */
  publisher?: Publisher;
  /** `jsonl`: one event a line as it comes; `json`: one `{"events":[…]}` at the end. */
  format: 'jsonl' | 'json';
  stdout: (text: string) => void;
  log: (line: string) => void;
  /** Stops a live capture (SIGINT and SIGTERM stop it too). */
  signal?: AbortSignal;
}

/** How long a name sighting (TLS SNI, DNS) is not reported again for the same client, server and port. */
export const NAME_REPEAT_MS = 5 * 60_000;

/** Remembered at once: exchanges reported, endpoints legacy streams announced. */
const MAX_REMEMBERED = 10_000;

const remember = (set: Set<string>, value: string) => {
  set.add(value);
  if (set.size > MAX_REMEMBERED) set.delete(set.values().next().value!);
};

/** A request target without its query's values (a legacy session id is one). */
const withoutQueryValues = (uri: string) =>
  uri.replace(/([?&][^=&#]*)=[^&#]*/g, '$1=…');

const isLoopback = (address: string) => {
  const canonical = canonicalAddress(address);
  return canonical === '::1' || Boolean(canonical?.startsWith('127.'));
};

/**
 * The address of this host that stands for its loopback: the first external
 * IPv4 address the agent reports (`interfaceAddressHashes`), else IPv6.
 */
export function hostAddressForLoopback(): string | undefined {
  const external = Object.values(os.networkInterfaces())
    .flat()
    .filter(a => a && !a.internal);
  return (
    external.find(a => a!.family === 'IPv4')?.address ?? external[0]?.address
  );
}

const pathOf = (uri: string) => {
  try {
    return new URL(uri, 'http://server/').pathname;
  } catch {
    return undefined;
  }
};

/** Where an announced endpoint (`/message?sessionId=…` or a URL) points, on its server. */
function endpointKey(server: string, port: number, target: string) {
  try {
    const url = new URL(target, 'http://server/');
    return `${server} ${port} ${url.pathname}${url.search}`;
  } catch {
    return undefined;
  }
}

function sightingOf(
  observation: ExchangeObservation,
  match: ExchangeMatch,
  fresh: ExchangeMatch['signatures'],
): NetworkSighting {
  const { exchange } = observation;
  const response = exchange.response;
  const contentType = response?.headers.find(
    h => h.name.toLowerCase() === 'content-type',
  )?.value;
  const answer = response
    ? `${response.status ?? 'answer'}${contentType ? ` ${contentType}` : ''}`
    : 'no answer seen';
  const signature = strongestSignature(fresh);
  return {
    observedAt: new Date(observation.time).toISOString(),
    src: observation.client,
    dst: observation.server,
    dstPort: observation.serverPort,
    transport: match.transport,
    method: match.method,
    sessionId: match.sessionId,
    serverName: match.serverInfo?.name,
    userAgent: match.userAgent,
    signature: {
      id: signature.id,
      name: signature.name,
      severity: signature.severity,
    },
    evidence: [
      {
        kind: 'http-request',
        snippet: [
          `${exchange.method} ${withoutQueryValues(exchange.uri)} → ${answer}`,
          match.method && `JSON-RPC ${match.method}`,
          match.clientInfo &&
            `client ${match.clientInfo.name} ${
              match.clientInfo.version ?? ''
            }`.trim(),
          match.serverInfo &&
            `server ${match.serverInfo.name} ${
              match.serverInfo.version ?? ''
            }`.trim(),
        ]
          .filter(Boolean)
          .join('; '),
        location: withoutQueryValues(exchange.uri),
      },
      ...fresh.map(s => ({
        kind: 'rule',
        snippet: `${s.id} (sid ${s.sid}, ${s.severity}): ${s.name}`,
      })),
    ],
  };
}

/**
 * Turns HTTP exchanges into network events with MCPeeker's signatures: an
 * event when an exchange shows a signature it had not shown yet (so the
 * request, then the initialize result naming the server, then nothing more
 * for the same exchange), naming the strongest of the new ones.
 */
export class TrafficSensor {
  private readonly reported = new Map<string, Set<string>>();
  private readonly announced = new Set<string>();
  exchanges = 0;

  /**
   * @param hostAddress - when the capture is this host's own: loopback
   * traffic is this host's, so its address stands for 127.0.0.1 and ::1 —
   * hashed, it is one of the agent's `addressHashes`, and the backend puts
   * the event on the agent's finding for that port (127.0.0.1 itself is
   * every machine's, and would merge every laptop's port 3001 into one).
   */
  private readonly hostAddress?: string;
  private readonly hosts?: RemoteHostList;
  /** When each name sighting (client, server, port) was last reported, capture time. */
  private readonly named = new Map<string, number>();

  constructor(
    private readonly context: NetworkEventContext,
    options: { hostAddress?: string; hosts?: RemoteHostList } = {},
  ) {
    this.hostAddress = options.hostAddress;
    this.hosts = options.hosts;
  }

  private address(address: string): string {
    return this.hostAddress && isLoopback(address) ? this.hostAddress : address;
  }

  private event(sighting: NetworkSighting): NetworkEvent {
    return toNetworkEvent(
      {
        ...sighting,
        src: this.address(sighting.src),
        ...(sighting.dst !== undefined
          ? { dst: this.address(sighting.dst) }
          : {}),
      },
      this.context,
    );
  }

  /**
   * A TLS ClientHello or a DNS answer naming a known remote MCP server (over
   * TLS, names are all there is): an event, once per client, server and
   * port every {@link NAME_REPEAT_MS} of capture time.
   */
  observeName(
    frame: Extract<TsharkFrame, { kind: 'tls' | 'dns' }>,
    location: string,
  ): NetworkEvent | undefined {
    const name = frame.kind === 'tls' ? frame.serverName : frame.name;
    const remote = this.hosts?.match(name);
    if (!remote) return undefined;
    const observedAt = new Date(frame.time).toISOString();
    const sighting: NetworkSighting =
      frame.kind === 'tls'
        ? {
            observedAt,
            src: frame.src,
            dst: frame.dst,
            dstPort: frame.dstPort,
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
          }
        : // The resolver answers the client: its dst asked.
          dnsSighting(observedAt, frame.dst, frame.answer, remote, location);
    const key = `${sighting.src} ${remote.url} ${sighting.dstPort}`;
    const last = this.named.get(key);
    if (last !== undefined && frame.time - last < NAME_REPEAT_MS)
      return undefined;
    this.named.delete(key);
    this.named.set(key, frame.time);
    if (this.named.size > MAX_REMEMBERED)
      this.named.delete(this.named.keys().next().value!);
    return this.event(sighting);
  }

  observe(observation: ExchangeObservation): NetworkEvent | undefined {
    const { server, serverPort, exchange } = observation;
    const target = endpointKey(server, serverPort, exchange.uri);
    const match = matchExchange(exchange, {
      toAnnouncedEndpoint: target !== undefined && this.announced.has(target),
    });
    if (!match) return undefined;
    if (match.announcedEndpoint) {
      const key = endpointKey(server, serverPort, match.announcedEndpoint);
      if (key) remember(this.announced, key);
    }
    let seen = this.reported.get(observation.key);
    if (!seen) {
      this.exchanges++;
      seen = new Set();
      this.reported.set(observation.key, seen);
      if (this.reported.size > MAX_REMEMBERED)
        this.reported.delete(this.reported.keys().next().value!);
    }
    const fresh = match.signatures.filter(s => !seen!.has(s.id));
    if (fresh.length === 0) return undefined;
    for (const s of fresh) seen.add(s.id);
    const sighting = sightingOf(observation, match, fresh);
    // Through a proxy or in clear, the Host names a known remote server: its URL is the identity.
    const host = exchange.requestHeaders.find(
      h => h.name.toLowerCase() === 'host',
    )?.value;
    const remote = host
      ? this.hosts?.match(host.replace(/:\d+$/, ''), pathOf(exchange.uri))
      : undefined;
    return this.event(remote ? { ...sighting, remote } : sighting);
  }
}

/** Exit code 1 and why, when tshark cannot be run or stops with an error. */
function tsharkProblem(error: NodeJS.ErrnoException, tshark: string): string {
  return error.code === 'ENOENT'
    ? `${tshark} is not installed: install Wireshark's tshark (Debian and Ubuntu: apt-get install tshark) or name it with MCPEEKER_TSHARK`
    : `${tshark} could not be started: ${error.message}`;
}

/** tshark's own chatter on stderr that says nothing to the user. */
const TSHARK_NOISE =
  /^(Running as user|Capturing on|\d+ packets? captured|\s*$|\s*\*\* \(tshark:\d+\) [\d:.]+ \[Main MESSAGE\])/;

/**
 * `network --interface IFACE` and `network --read FILE`: tshark reads HTTP
 * off the wire or from a capture file, MCPeeker's signatures decide which
 * exchanges are MCP, and each becomes a network event (sensor kind
 * `tshark`), printed or sent. Returns the exit code: 0 when the capture was
 * read (or a live one stopped), 1 when tshark could not be run or failed, 3
 * when the backend refused all or part of what was sent.
 */
export async function captureTraffic(options: CaptureOptions): Promise<number> {
  const { source, publisher, log } = options;
  const tshark = options.tshark ?? 'tshark';
  const live = 'interface' in source;
  const sensor = new TrafficSensor(options.context, {
    hostAddress: options.hostAddress,
    hosts: options.hosts,
  });
  const location =
    'interface' in source ? `interface ${source.interface}` : source.read;
  const collected: NetworkEvent[] = [];
  let events = 0;
  // Ends a live capture (SIGINT, SIGTERM, a refused credential); a capture
  // file is read to its end.
  let stopCapture = () => {};
  const outlet = new EventOutlet(
    publisher,
    event => {
      if (options.format === 'json') collected.push(event as NetworkEvent);
      else options.stdout(`${JSON.stringify(event)}\n`);
    },
    { log, stop: () => (live ? stopCapture() : undefined) },
  );
  const found = (event: NetworkEvent | undefined) => {
    if (!event) return;
    events++;
    outlet.add([event]);
  };
  // The outlet's spooling and sending, one step at a time.
  let outletWork = Promise.resolve();
  const toOutlet = (step: () => Promise<unknown>) => {
    outletWork = outletWork
      .then(step)
      .then(() => undefined)
      .catch(error => log(`sending failed: ${(error as Error).message}`));
    return outletWork;
  };
  const assembler = new ExchangeAssembler(observation =>
    found(sensor.observe(observation)),
  );

  const child = spawn(tshark, tsharkArgs(source, options.captureFilter), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let problem: string | undefined;
  const started = new Promise<void>(resolve => {
    child.once('spawn', resolve);
    child.once('error', error => {
      problem = tsharkProblem(error, tshark);
      resolve();
    });
  });
  const stderr: string[] = [];
  readline.createInterface({ input: child.stderr }).on('line', line => {
    if (/^Capturing on/.test(line))
      log(
        `capturing on ${
          'interface' in source ? source.interface : ''
        } with tshark`,
      );
    if (!TSHARK_NOISE.test(line)) stderr.push(line);
  });
  const exited = new Promise<number | null>(resolve =>
    child.once('close', code => resolve(code)),
  );
  await started;
  if (problem) {
    log(problem);
    return 1;
  }

  const stop = () => child.kill('SIGINT');
  stopCapture = stop;
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  options.signal?.addEventListener('abort', stop);
  // Once a second: a live request with no answer is looked at alone, and
  // what was found is spooled and sent (again after a refusal's Retry-After).
  const timer = setInterval(() => {
    if (live) assembler.flush(Date.now() - ANSWER_WAIT_MS);
    toOutlet(() => outlet.idle());
  }, 1000);
  let packets = 0;
  try {
    const lines = readline.createInterface({ input: child.stdout });
    for await (const line of lines) {
      const frame = parseTsharkLine(line);
      if (!frame) continue;
      packets++;
      if (frame.kind === 'tls' || frame.kind === 'dns')
        found(sensor.observeName(frame, location));
      else assembler.push(frame);
      await toOutlet(() => outlet.afterChunk());
    }
    assembler.flush();
    await toOutlet(() => outlet.finish());
  } finally {
    clearInterval(timer);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    options.signal?.removeEventListener('abort', stop);
  }
  const code = await exited;
  // tshark ends a live capture stopped by SIGINT with 0, and a file cut
  // short (a capture killed mid-write) with 2 after reading all it could.
  const cutShort = stderr.some(line => /cut short in the middle/.test(line));
  const failed = code !== 0 && !(live && code === null) && !cutShort;
  for (const line of stderr.slice(0, 5))
    log(`tshark: ${line.replace(/^tshark: /, '')}`);
  if (failed) log(`tshark stopped with exit code ${code}`);
  if (options.format === 'json' && !publisher && (!failed || events > 0))
    options.stdout(`${JSON.stringify({ events: collected }, null, 2)}\n`);
  await outlet.close();
  if (failed && events === 0) return outlet.exitCode(1);
  log(
    `${plural(packets, 'packet')} of HTTP, TLS and DNS read, ${plural(
      sensor.exchanges,
      'MCP exchange',
    )}, ${plural(events, 'event')}`,
  );
  return outlet.exitCode(failed ? 1 : 0);
}
