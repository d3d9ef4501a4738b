import { hashIdentifier } from '@mcpeeker/plugin-mcpeeker-common';
import { currentPlatform, readHostId } from '../host';
import { scanEndpoint } from '../scan/scanEndpoint';
import type { AgentConfig } from './agentConfig';
import { Spool } from './spool';
import { toEndpointEvents, interfaceAddressHashes } from './toEvents';
import { EventTransport, HttpTransport, NatsTransport } from './transports';

const BATCH = 100;
const RETRY_MS = 30_000;

export interface RunIo {
  log: (line: string) => void;
  env: Record<string, string | undefined>;
}

export function transportFor(config: AgentConfig): EventTransport {
  if (config.report.nats) return new NatsTransport(config.report.nats);
  if (config.report.http) return new HttpTransport(config.report.http);
  throw new Error(
    'nothing to report to: set report.http.url (MCPEEKER_HTTP_URL) or report.nats.servers (MCPEEKER_NATS_URL)',
  );
}

/** The agent's work: scan into the spool, then drain the spool to the backend in order. */
export class Agent {
  private readonly spool: Spool;
  private readonly hostIdHash: string;
  /** No send before this (epoch ms): the backend's Retry-After. */
  private notBefore = 0;

  constructor(
    private readonly config: AgentConfig,
    private readonly transport: EventTransport,
    private readonly io: RunIo,
  ) {
    this.spool = new Spool(config.spool.dir, config.spool.maxEvents);
    this.hostIdHash = hashIdentifier(readHostId(), config.salt);
  }

  async scan(): Promise<void> {
    const report = await scanEndpoint({
      platform: currentPlatform(),
      hostIdHash: this.hostIdHash,
      salt: this.config.salt,
      env: this.io.env,
      roots: this.config.roots,
      processes: this.config.processes,
      ports: this.config.ports,
    });
    const events = toEndpointEvents(report, {
      owner: this.config.owner,
      addressHashes: interfaceAddressHashes(this.config.salt),
    });
    const { stored, refused } = await this.spool.add(events);
    // Detections of one server share its id (scan/groupServers.ts).
    const servers = new Set(report.detections.map(d => d.compositeId)).size;
    this.io.log(
      `scan: ${servers} MCP server${servers === 1 ? '' : 's'} in ${
        report.detections.length
      } detection${report.detections.length === 1 ? '' : 's'}, ${
        report.errors.length
      } files could not be used, ${stored} events spooled (${
        report.stats.durationMs
      } ms)`,
    );
    if (refused > 0) {
      this.io.log(
        `SPOOL FULL: ${refused} new events were NOT stored: the spool at ${this.config.spool.dir} holds its maximum of ${this.config.spool.maxEvents} events waiting for ${this.transport.name}. Make the backend reachable or raise spool.maxEvents.`,
      );
    }
  }

  /** Sends everything spooled, oldest first; stops at the first failure. Returns what is left. */
  async flush(): Promise<number> {
    if (Date.now() < this.notBefore) return this.spool.size();
    let sent = 0;
    for (;;) {
      const batch = await this.spool.peek(BATCH);
      if (batch.length === 0) break;
      const result = await this.transport.send(batch.map(b => b.event));
      await this.spool.remove(batch.slice(0, result.accepted).map(b => b.file));
      sent += result.accepted;
      for (const r of result.rejected)
        this.io.log(`the backend rejected event ${r.eventId}: ${r.reason}`);
      if (result.error) {
        const left = await this.spool.size();
        if (result.retryAfterMs !== undefined)
          this.notBefore = Date.now() + result.retryAfterMs;
        this.io.log(
          `cannot reach ${this.transport.name}: ${
            result.error
          }; ${left} events wait in the spool (${this.config.spool.dir})${
            result.retryAfterMs !== undefined
              ? `; the backend asked to wait ${Math.ceil(
                  result.retryAfterMs / 1000,
                )} s`
              : ''
          }`,
        );
        return left;
      }
    }
    if (sent > 0) this.io.log(`sent ${sent} events to ${this.transport.name}`);
    return 0;
  }

  /** How long until the backend wants the next attempt; 0 when it did not say. */
  get retryDelayMs(): number {
    return Math.max(0, this.notBefore - Date.now());
  }

  get destination(): string {
    return this.transport.name;
  }

  async close() {
    await this.transport.close();
  }
}

/**
 * `mcpeeker-agent run`: scan now and every interval, send, and keep what
 * could not be sent. SIGHUP scans now; SIGTERM and SIGINT finish the current
 * step and exit.
 */
export async function runDaemon(
  agent: Agent,
  config: AgentConfig,
  io: RunIo,
): Promise<number> {
  let stopping = false;
  let wake: (() => void) | undefined;
  let scanRequested = true;
  const sleep = (ms: number) =>
    new Promise<void>(resolve => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const onHup = () => {
    io.log('SIGHUP: scanning now');
    scanRequested = true;
    wake?.();
  };
  const onStop = (signal: string) => () => {
    io.log(`${signal}: finishing the current step, then stopping`);
    stopping = true;
    wake?.();
  };
  const onTerm = onStop('SIGTERM');
  const onInt = onStop('SIGINT');
  process.on('SIGHUP', onHup);
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  io.log(
    `running: every ${Math.round(
      config.intervalMs / 60000,
    )} min, reporting to ${agent.destination}`,
  );
  let nextScanAt = 0;
  try {
    while (!stopping) {
      if (scanRequested || Date.now() >= nextScanAt) {
        scanRequested = false;
        await agent.scan();
        nextScanAt = Date.now() + config.intervalMs;
      }
      if (stopping) break;
      const left = await agent.flush();
      if (stopping) break;
      await sleep(
        Math.max(
          0,
          Math.min(
            left > 0 ? agent.retryDelayMs || RETRY_MS : Infinity,
            nextScanAt - Date.now(),
          ),
        ),
      );
    }
  } finally {
    process.off('SIGHUP', onHup);
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    await agent.close();
  }
  io.log('stopped');
  return 0;
}
