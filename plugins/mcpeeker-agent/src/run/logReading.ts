import type { Readable } from 'node:stream';
import type { McpEvent } from '@mcpeeker/plugin-mcpeeker-common';
import { Publisher, RETRY_MS } from './publisher';
import { isRefusal } from './transports';
import { plural } from '../plural';

/** Events spooled at once while reading. */
const SPOOL_BATCH = 500;

/** The exit code of `gateway --send` and `network --send` when the backend refused all or part of what was sent. */
export const EXIT_REFUSED = 3;

/**
 * Where the events read from another sensor's log go (`gateway`,
 * `network`): printed as they come, or spooled and sent through the
 * publisher — in batches while reading, all of it when the read is idle or
 * done, one send at a time however many files are followed, and again after
 * the backend's Retry-After (or 30 s) while anything waits. A refused
 * credential (HTTP 401, 403) is not tried again: it says so as `run` does,
 * and stops a read that would go on until SIGINT (`stop`); what was read
 * stays in the spool.
 */
export class EventOutlet {
  private spoolable: McpEvent[] = [];
  private flushing = false;
  private left = 0;
  private retryAt = 0;
  /** The backend refused the credential: nothing more is sent. */
  private sendingStopped = false;

  constructor(
    private readonly publisher: Publisher | undefined,
    private readonly print: (event: McpEvent) => void,
    /**
     * `log`: a line for a person, on stderr; `stop`: ends a read that goes
     * on until SIGINT or SIGTERM (following, a live capture).
     */
    private readonly options: {
      log: (line: string) => void;
      stop?: () => void;
    },
  ) {}

  add(events: McpEvent[]) {
    if (this.publisher) this.spoolable.push(...events);
    else for (const event of events) this.print(event);
  }

  /** After each chunk read: a full batch goes to the spool. */
  async afterChunk() {
    if (this.spoolable.length >= SPOOL_BATCH) await this.spool();
  }

  /** What was read is in the spool (or printed): safe to say it was read. */
  async spool(): Promise<boolean> {
    if (!this.publisher || this.spoolable.length === 0) return false;
    const events = this.spoolable;
    this.spoolable = [];
    await this.publisher.add(events);
    return true;
  }

  /** Everything there is was read: spool, and send when there is something new or it is time to retry. */
  async idle() {
    const added = await this.spool();
    const publisher = this.publisher;
    if (!publisher || this.flushing || this.sendingStopped) return;
    if (!added && !(this.left > 0 && Date.now() >= this.retryAt)) return;
    this.flushing = true;
    try {
      this.left = await publisher.flush();
      this.retryAt =
        this.left > 0 ? Date.now() + (publisher.retryDelayMs || RETRY_MS) : 0;
    } finally {
      this.flushing = false;
    }
    if (publisher.unauthorized) {
      // No send with this credential will be taken: trying every 30 s until
      // someone looks would only hide that.
      this.sendingStopped = true;
      publisher.sayNotTryingAgain(this.left);
      this.options.stop?.();
    }
  }

  /** The read is over: spool and send what is left (not again to a backend that refused the credential). */
  async finish() {
    await this.spool();
    if (this.publisher && !this.sendingStopped) await this.publisher.flush();
  }

  /**
   * Whether the backend refused anything it was sent: events one by one
   * (kept there as dead letters, not sent again), or the last send whole
   * (a refused token: the events wait in the spool, and the publisher said
   * why as it happened). Not when it could not be reached or was busy:
   * what waits goes next time.
   */
  get refused(): boolean {
    return Boolean(
      this.publisher &&
        (isRefusal(this.publisher.answer) || this.publisher.tally.rejected > 0),
    );
  }

  /** The sentence for the events the backend refused one by one, or undefined. */
  get rejections(): string | undefined {
    const tally = this.publisher?.tally;
    if (!tally?.firstRejection) return undefined;
    const { eventId, reason } = tally.firstRejection;
    const { rejected, taken } = tally;
    let which = `${rejected} of the ${plural(taken, 'event')}`;
    if (rejected === taken)
      which = taken === 1 ? 'the event' : `all ${plural(taken, 'event')}`;
    return `the backend refused ${which} it was sent, and keeps ${
      rejected === 1
        ? 'it as a dead letter: it is'
        : 'them as dead letters: they are'
    } not sent again (first: event ${eventId}: ${reason})`;
  }

  /**
   * The read is over, with `readCode` (0, or 1 when a log or capture could
   * not be read on): says how many events the backend refused one by one,
   * and returns the command's exit code — the read's 1 first, else 3 when
   * the backend refused anything, so a script can tell; 0 when it took it
   * all, or could not be reached or was busy (what waits goes next time).
   */
  exitCode(readCode: number): number {
    const { rejections } = this;
    if (rejections) this.options.log(rejections);
    return readCode === 0 && this.refused ? EXIT_REFUSED : readCode;
  }

  async close() {
    await this.publisher?.close();
  }
}

/**
 * SIGINT and SIGTERM (and an abort signal, for a caller in the same
 * process) end a read cleanly: waits return at once, streams being read are
 * destroyed (a quiet pipe would never end), and `stopped` says so.
 */
export class StopSignals {
  private stopping = false;
  private readonly wakers = new Set<() => void>();
  private readonly streams = new Set<Readable>();
  private readonly onTerm = this.on('SIGTERM');
  private readonly onInt = this.on('SIGINT');
  private readonly onAbort = this.on('stopped');

  constructor(
    private readonly log: (line: string) => void,
    private readonly abort?: AbortSignal,
  ) {
    process.on('SIGTERM', this.onTerm);
    process.on('SIGINT', this.onInt);
    abort?.addEventListener('abort', this.onAbort);
  }

  private on(signal: string) {
    return () => {
      this.log(`${signal}: stopping after the lines read so far`);
      this.stop();
    };
  }

  /** Ends the read as a signal does, the reason said by the caller. */
  readonly stop = () => {
    this.stopping = true;
    for (const wake of [...this.wakers]) wake();
    for (const stream of this.streams) stream.destroy();
  };

  readonly stopped = () => this.stopping;

  /** Waits, but returns at once when asked to stop. */
  readonly sleep = (ms: number) =>
    new Promise<void>(resolve => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });

  /** Reads the stream, destroyed when asked to stop. */
  async reading<T>(stream: Readable, read: () => Promise<T>): Promise<T> {
    this.streams.add(stream);
    try {
      return await read();
    } finally {
      this.streams.delete(stream);
    }
  }

  dispose() {
    process.off('SIGTERM', this.onTerm);
    process.off('SIGINT', this.onInt);
    this.abort?.removeEventListener('abort', this.onAbort);
  }
}

/** An error that says a log could not be read on (file system, or a .gz that is not gzip), not a fault of ours. */
export function isReadError(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException)?.code;
  return typeof code === 'string' && /^(E[A-Z]+|Z_[A-Z_]+)$/.test(code);
}

/** Bad lines a log reader names one by one (per file); after that, only counted. */
export const NAMED_SKIPS = 5;
