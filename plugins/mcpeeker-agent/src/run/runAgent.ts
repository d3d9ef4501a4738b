import path from 'node:path';
import {
  hashIdentifier,
  type HostStatus,
} from '@mcpeeker/plugin-mcpeeker-common';
import { currentPlatform, readHostId } from '../host';
import { scanEndpoint } from '../scan/scanEndpoint';
import { loadRegistrySnapshot, RegistryIndex } from '../risk/mcpRegistry';
import type { AgentConfig } from './agentConfig';
import { Publisher, RETRY_MS } from './publisher';
import { readEnforcement } from '../policy/enforcement';
import {
  toEndpointEvents,
  interfaceAddressHashes,
  scanInventory,
} from './toEvents';
import {
  backendAnswer,
  type BackendAnswer,
  EventTransport,
  HttpTransport,
  isRefusal,
  NatsTransport,
} from './transports';
import { plural } from '../plural';

export interface RunIo {
  log: (line: string) => void;
  env: Record<string, string | undefined>;
  /**
   * Where the machine's own folders are (`run --system-root`, a mounted disk,
   * a test): the managed policy files read for `host.enforcement`, and the
   * machine-wide configs the scan reads.
   */
  systemRoot?: string;
  /** Whose home the scan reads (tests); default the running user's. */
  home?: string;
}

export function transportFor(config: AgentConfig): EventTransport {
  const { tls } = config.report;
  if (config.report.nats)
    return new NatsTransport({ ...config.report.nats, tls });
  if (config.report.http)
    return new HttpTransport({
      ...config.report.http,
      tls,
      ...(config.file ? { configFile: path.resolve(config.file) } : {}),
    });
  throw new Error(
    'nothing to report to: set report.http.url (MCPEEKER_HTTP_URL) or report.nats.servers (MCPEEKER_NATS_URL)',
  );
}

/** The agent's work: scan into the spool, then drain the spool to the backend in order. */
export class Agent {
  private readonly publisher: Publisher;
  private readonly hostIdHash: string;
  private readonly registry: RegistryIndex;
  /** What the host's clients enforce, to say on its own after a scan with nothing to send. */
  private hostStatus?: HostStatus;
  private statusRefusal?: string;
  private statusAnswer: BackendAnswer = 'taken';

  constructor(
    private readonly config: AgentConfig,
    private readonly transport: EventTransport,
    private readonly io: RunIo,
  ) {
    this.publisher = new Publisher(config.spool, transport, io.log);
    this.hostIdHash = hashIdentifier(readHostId(), config.salt);
    const snapshot = io.env.MCPEEKER_REGISTRY_SNAPSHOT || undefined;
    try {
      this.registry = new RegistryIndex(loadRegistrySnapshot(snapshot));
    } catch (error) {
      io.log(
        `MCPEEKER_REGISTRY_SNAPSHOT ${snapshot}: ${
          (error as Error).message
        }; using the shipped registry snapshot`,
      );
      this.registry = new RegistryIndex(loadRegistrySnapshot());
    }
  }

  async scan(): Promise<void> {
    const report = await scanEndpoint({
      platform: currentPlatform(),
      hostIdHash: this.hostIdHash,
      salt: this.config.salt,
      env: this.io.env,
      ...(this.io.home ? { home: this.io.home } : {}),
      ...(this.io.systemRoot ? { systemRoot: this.io.systemRoot } : {}),
      roots: this.config.roots,
      processes: this.config.processes,
      ports: this.config.ports,
      registry: this.registry,
    });
    const enforcement = readEnforcement({
      platform: currentPlatform(),
      systemRoot: this.io.systemRoot,
      env: this.io.env,
    });
    const events = toEndpointEvents(report, {
      owner: this.config.owner,
      hostLabel: this.config.hostLabel,
      addressHashes: interfaceAddressHashes(this.config.salt),
      enforcement,
    });
    // Events carry the host's enforcement and the scan's inventory; a host
    // with none to send says them in a status, or the portal could not tell
    // it enforces, nor that its last server left its configs.
    const scan = scanInventory(report);
    this.hostStatus =
      events.length === 0
        ? {
            idHash: this.hostIdHash,
            os: report.host.os,
            ...(this.config.owner ? { owner: this.config.owner } : {}),
            ...(this.config.hostLabel ? { label: this.config.hostLabel } : {}),
            enforcement,
            observedAt: report.scannedAt,
            ...(scan ? { scan } : {}),
          }
        : undefined;
    const { stored } = await this.publisher.add(events);
    // Detections of one server share its id (scan/groupServers.ts).
    const servers = new Set(report.detections.map(d => d.compositeId)).size;
    this.io.log(
      `scan: ${plural(servers, 'MCP server')} in ${plural(
        report.detections.length,
        'detection',
      )}, ${plural(report.errors.length, 'file')} could not be used, ${plural(
        stored,
        'event',
      )} spooled (${report.stats.durationMs} ms)`,
    );
  }

  /**
   * Sends everything spooled, oldest first; stops at the first failure.
   * Then the host's status, if the last scan left one to say: a status that
   * could not be sent is tried again on the next flush, until the next scan
   * replaces it. Returns how many events are left.
   */
  async flush(): Promise<number> {
    this.statusRefusal = undefined;
    this.statusAnswer = 'taken';
    const left = await this.publisher.flush();
    const status = this.hostStatus;
    if (left === 0 && status && this.transport.sendHostStatus) {
      const result = await this.transport.sendHostStatus(status);
      const { error } = result;
      this.statusAnswer = backendAnswer(result);
      if (isRefusal(this.statusAnswer)) this.statusRefusal = error;
      if (error) this.io.log(`host status not sent: ${error}`);
      else if (this.hostStatus === status) this.hostStatus = undefined;
    }
    return left;
  }

  /**
   * Why the portal refused the last flush (its events or the host status):
   * `run --once` exits 1 then, so cron or a login hook can tell.
   */
  get refusal(): string | undefined {
    return this.publisher.refusal ?? this.statusRefusal;
  }

  /**
   * The portal refused the last flush for who sent it (HTTP 401, 403): no
   * later attempt with this credential or token will be taken.
   */
  get unauthorized(): boolean {
    return (
      this.publisher.unauthorized || this.statusAnswer === 'refused-credential'
    );
  }

  /** How long until the backend wants the next attempt; 0 when it did not say. */
  get retryDelayMs(): number {
    return this.publisher.retryDelayMs;
  }

  /** Says that `run` stops on its refused credential, its spool kept. */
  sayNotTryingAgain(left: number) {
    this.publisher.sayNotTryingAgain(left);
  }

  get destination(): string {
    return this.publisher.destination;
  }

  async close() {
    await this.publisher.close();
  }
}

/**
 * `mcpeeker-agent run`: scan now and every interval, send, and keep what
 * could not be sent. SIGHUP scans now; SIGTERM and SIGINT finish the current
 * step and exit 0. A portal that refuses the agent's credential or token
 * (HTTP 401, 403) ends it with exit 1: a revoked credential never works
 * again, and a daemon retrying it every 30 s would only hide that; what
 * waits in the spool stays there for the agent once it is enrolled again.
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
  let exitCode = 0;
  try {
    while (!stopping) {
      if (scanRequested || Date.now() >= nextScanAt) {
        scanRequested = false;
        await agent.scan();
        nextScanAt = Date.now() + config.intervalMs;
      }
      if (stopping) break;
      const left = await agent.flush();
      if (agent.unauthorized) {
        agent.sayNotTryingAgain(left);
        exitCode = 1;
        break;
      }
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
  return exitCode;
}
