import type { McpEvent } from '@mcpeeker/plugin-mcpeeker-common';
import { Spool } from './spool';
import {
  backendAnswer,
  type BackendAnswer,
  type EventTransport,
  isRefusal,
} from './transports';
import { plural } from '../plural';

const BATCH = 100;
/** How long to wait before trying again when the backend did not say. */
export const RETRY_MS = 30_000;

/**
 * What the agent reports goes through here: into the spool first, then to
 * the backend in order, oldest first. `run` publishes its scans with it,
 * `gateway --send` the events it reads from an LLM gateway's log.
 */
export class Publisher {
  private readonly spool: Spool;
  /** No send before this (epoch ms): the backend's Retry-After. */
  private notBefore = 0;
  /**
   * What the backend made of the last flush (`taken` when there was
   * nothing to send): its last batch's answer, or `refused-items` when a
   * batch taken had events refused one by one.
   */
  answer: BackendAnswer = 'taken';
  /**
   * Why the receiver refused the last flush's batch (a revoked credential, a
   * wrong token): trying again will not help until someone acts.
   */
  refusal?: string;
  /**
   * Since this publisher started: the events the receiver took, and those
   * among them it refused one by one (it keeps them as dead letters; they
   * are not sent again), the first with its reason.
   */
  readonly tally: {
    taken: number;
    rejected: number;
    firstRejection?: { eventId: string; reason: string };
  } = { taken: 0, rejected: 0 };

  constructor(
    private readonly spoolConfig: { dir: string; maxEvents: number },
    private readonly transport: EventTransport,
    private readonly log: (line: string) => void,
    /** The command that sends what waits when it starts again. */
    private readonly command = 'run',
  ) {
    this.spool = new Spool(spoolConfig.dir, spoolConfig.maxEvents);
  }

  /** Keeps events until they are sent; says loudly what did not fit. */
  async add(events: McpEvent[]): Promise<{ stored: number; refused: number }> {
    const result = await this.spool.add(events);
    if (result.refused > 0) {
      this.log(
        `SPOOL FULL: ${plural(result.refused, 'new event')} ${
          result.refused === 1 ? 'was' : 'were'
        } NOT stored: the spool at ${
          this.spoolConfig.dir
        } holds its maximum of ${plural(
          this.spoolConfig.maxEvents,
          'event',
        )} waiting for ${
          this.transport.name
        }. Make the backend reachable or raise spool.maxEvents.`,
      );
    }
    return result;
  }

  /** Sends everything spooled, oldest first; stops at the first failure. Returns what is left. */
  async flush(): Promise<number> {
    if (Date.now() < this.notBefore) return this.spool.size();
    this.refusal = undefined;
    this.answer = 'taken';
    let sent = 0;
    let rejected = 0;
    for (;;) {
      const batch = await this.spool.peek(BATCH);
      if (batch.length === 0) break;
      const result = await this.transport.send(batch.map(b => b.event));
      await this.spool.remove(batch.slice(0, result.accepted).map(b => b.file));
      sent += result.accepted;
      this.tally.taken += result.accepted;
      this.tally.rejected += result.rejected.length;
      rejected += result.rejected.length;
      this.tally.firstRejection ??= result.rejected[0];
      for (const r of result.rejected)
        this.log(`the backend rejected event ${r.eventId}: ${r.reason}`);
      const answer = backendAnswer(result);
      if (answer !== 'taken') this.answer = answer;
      if (result.error) {
        const left = await this.spool.size();
        if (result.retryAfterMs !== undefined)
          this.notBefore = Date.now() + result.retryAfterMs;
        if (isRefusal(answer)) this.refusal = result.error;
        this.log(
          `${
            result.refused || result.answered
              ? result.error
              : `cannot reach ${this.transport.name}: ${result.error}`
          }; ${plural(left, 'event')} ${
            left === 1 ? 'waits' : 'wait'
          } in the spool (${this.spoolConfig.dir})${
            result.retryAfterMs !== undefined
              ? `; the portal asked to wait ${Math.ceil(
                  result.retryAfterMs / 1000,
                )} s`
              : ''
          }`,
        );
        return left;
      }
    }
    if (sent > 0)
      this.log(
        `sent ${plural(sent, 'event')} to ${this.transport.name}${
          rejected > 0 ? `, ${rejected} of them refused (above)` : ''
        }`,
      );
    return 0;
  }

  /**
   * The backend refused the last flush for who sent it (HTTP 401, 403): no
   * later attempt with this credential or token will be taken.
   */
  get unauthorized(): boolean {
    return this.answer === 'refused-credential';
  }

  /**
   * Says that a long-running command stops on a refused credential (the
   * backend's reason and what to do were said as it answered), and that
   * what waits in the spool is kept for when it starts again.
   */
  sayNotTryingAgain(left: number) {
    this.log(
      `not trying again: ${this.transport.refusedUntil} (above); ${plural(
        left,
        'event',
      )} in the spool (${this.spoolConfig.dir}) ${
        left === 1 ? 'is' : 'are'
      } kept and sent first when ${this.command} starts again`,
    );
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
