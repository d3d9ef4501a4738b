import fs from 'node:fs';
import type { Readable } from 'node:stream';
import type { McpEvent } from '@mcpeeker/plugin-mcpeeker-common';
import type { Publisher } from '../run/publisher';
import {
  EventOutlet,
  isReadError,
  NAMED_SKIPS,
  StopSignals,
} from '../run/logReading';
import { plural } from '../plural';
import { followFile, LineSplitter, readStream } from '../run/logLines';
import { LineOutcome, LogFormat, readLogLine, SkipReason } from './readLogLine';
import { GatewayEventContext, toGatewayEvents } from './toGatewayEvents';

export interface GatewayLogOptions {
  /** A file, or `-` for stdin. */
  file: string;
  format: LogFormat;
  /** Keep reading what is appended (tail -F) until SIGINT or SIGTERM. */
  follow: boolean;
  context: GatewayEventContext;
  /** Sends the events to the backend (through the spool); without it they are printed. */
  publisher?: Publisher;
  stdout: (text: string) => void;
  /** A line for a person, on stderr. */
  log: (line: string) => void;
  stdin?: Readable;
  pollMs?: number;
  /** While following, a summary at most this often (and one at the end). */
  summaryEveryMs?: number;
}

/** What a read came to, for the summary line. */
class Tally {
  lines = 0;
  events = 0;
  readonly skipped = new Map<SkipReason, number>();

  skip(reason: SkipReason) {
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1);
  }

  get key() {
    return `${this.lines}/${this.events}`;
  }

  summary(name: string): string {
    const skipped = [...this.skipped.values()].reduce((a, b) => a + b, 0);
    const reasons = [...this.skipped.entries()]
      .map(([reason, n]) => `${reason} ×${n}`)
      .join(', ');
    return `${name}: ${plural(this.lines, 'line')}, ${plural(
      this.events,
      'event',
    )}, ${skipped} skipped${reasons ? ` (${reasons})` : ''}`;
  }
}

/**
 * `mcpeeker-agent gateway`: reads an LLM gateway's request log, line by line,
 * into gateway events, printed as JSON lines or sent to the backend; says
 * which lines it skipped and why. Returns the exit code: 0, 1 the log could
 * not be read on, 3 the backend refused all or part of what was sent.
 */
export async function readGatewayLog(
  options: GatewayLogOptions,
): Promise<number> {
  const { publisher, log } = options;
  const name = options.file === '-' ? 'stdin' : options.file;
  const tally = new Tally();
  let named = 0;
  const stop = new StopSignals(log);
  const outlet = new EventOutlet(
    publisher,
    event => options.stdout(`${JSON.stringify(event)}\n`),
    { log, stop: stop.stop },
  );

  const onLine = (text: string | undefined, line: number) => {
    if (text !== undefined && text.trim() === '') return;
    tally.lines++;
    let outcome: LineOutcome =
      text === undefined
        ? { skipped: 'line too long' }
        : readLogLine(text, options.format);
    let events: McpEvent[] = [];
    if ('request' in outcome) {
      try {
        events = toGatewayEvents(outcome.request, options.context);
      } catch (error) {
        outcome = { skipped: 'not an event', detail: (error as Error).message };
      }
    }
    if ('skipped' in outcome) {
      const { skipped, detail } = outcome;
      tally.skip(skipped);
      // Requests without tools are most of a gateway's traffic, not faults.
      if (skipped !== 'no tools' && named < NAMED_SKIPS) {
        named++;
        const why =
          skipped === 'bad field' && detail
            ? detail
            : `${skipped}${detail ? `: ${detail}` : ''}`;
        log(`${name}:${line}: ${why} (skipped)`);
        if (named === NAMED_SKIPS)
          log(`${name}: further skipped lines are only counted`);
      }
      return;
    }
    tally.events += events.length;
    outlet.add(events);
  };

  const splitter = new LineSplitter(onLine);
  const control = {
    stopped: stop.stopped,
    afterChunk: () => outlet.afterChunk(),
  };
  let exitCode = 0;
  try {
    if (!options.follow || options.file === '-') {
      const stream =
        options.file === '-'
          ? options.stdin ?? process.stdin
          : fs.createReadStream(options.file);
      await stop.reading(stream, () => readStream(stream, splitter, control));
    } else {
      let summarised = tally.key;
      let summarisedAt = Date.now();
      await followFile(options.file, splitter, {
        ...control,
        pollMs: options.pollMs ?? 500,
        sleep: stop.sleep,
        notice: log,
        onIdle: async () => {
          await outlet.idle();
          if (
            tally.key !== summarised &&
            Date.now() - summarisedAt >= (options.summaryEveryMs ?? 10_000)
          ) {
            log(tally.summary(name));
            summarised = tally.key;
            summarisedAt = Date.now();
          }
        },
      });
    }
    await outlet.finish();
  } catch (error) {
    if (!isReadError(error)) throw error;
    // What was read is counted; the log could not be read on.
    log(`${name}: cannot be read (${error.code})`);
    exitCode = 1;
  } finally {
    stop.dispose();
    await outlet.close();
  }
  log(tally.summary(name));
  // A script sending a log can tell that the backend did not take it all.
  return outlet.exitCode(exitCode);
}
