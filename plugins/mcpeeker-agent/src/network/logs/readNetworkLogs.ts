import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { NetworkEvent } from '@mcpeeker/plugin-mcpeeker-common';
import type { Publisher } from '../../run/publisher';
import {
  EventOutlet,
  isReadError,
  NAMED_SKIPS,
  StopSignals,
} from '../../run/logReading';
import { plural } from '../../plural';
import {
  FileCursor,
  followFile,
  LineSplitter,
  readStream,
} from '../../run/logLines';
import { NetworkEventContext, toNetworkEvent } from '../networkEvent';
import type { RemoteHostList } from '../remoteHosts';
import { EveLogReader } from './eveLog';
import { LineOutcome, NO_EVIDENCE, SkipReason } from './logRecord';
import { isZeekLog, ZEEK_LOGS } from './zeekRecords';
import { ZeekLogReader, zeekLogOfFileName } from './zeekLog';

/** One log to read: a Zeek log or Suricata's EVE, from a file or stdin (`-`). */
export interface NetworkLogSource {
  kind: 'zeek' | 'eve';
  file: string;
}

export interface NetworkLogOptions {
  sources: NetworkLogSource[];
  /** Keep reading what is appended, through rotation and truncation, until SIGINT or SIGTERM. */
  follow: boolean;
  hosts: RemoteHostList;
  /** The events' sensor and salt, per kind of log. */
  contexts: Record<'zeek' | 'eve', NetworkEventContext>;
  /** Where following keeps a checkpoint per file, so a restart neither loses nor repeats lines. */
  checkpointDir?: string;
  /** Sends the events (through the spool); without it they are printed. */
  publisher?: Publisher;
  /** `jsonl`: one event a line as read; `json`: one document `{"events":[…]}` at the end. */
  format: 'jsonl' | 'json';
  stdout: (text: string) => void;
  log: (line: string) => void;
  stdin?: Readable;
  pollMs?: number;
  summaryEveryMs?: number;
  /** Stops as SIGINT and SIGTERM do (for a caller that runs it in process). */
  stop?: AbortSignal;
}

/** What reading one file came to, for its summary line. */
class Tally {
  records = 0;
  events = 0;
  named = 0;
  readonly said = new Set<string>();
  readonly skipped = new Map<SkipReason, number>();

  skip(reason: SkipReason) {
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1);
  }

  get key() {
    return `${this.records}/${this.events}/${this.skippedCount}`;
  }

  get skippedCount() {
    return [...this.skipped.values()].reduce((a, b) => a + b, 0);
  }

  summary(name: string): string {
    const reasons = [...this.skipped.entries()]
      .map(([reason, n]) => `${reason} ×${n}`)
      .join(', ');
    return `${name}: ${plural(this.records, 'record')} read, ${plural(
      this.events,
      'event',
    )}, ${plural(this.skippedCount, 'line')} skipped${
      reasons ? ` (${reasons})` : ''
    }`;
  }
}

/** A checkpoint: where in which file following stopped, and the TSV header that file began with. */
interface Checkpoint {
  file: string;
  dev?: number;
  ino?: number;
  position: number;
  header?: string[];
}

/**
 * The files a `--zeek` folder holds of the logs we read. Read once: every
 * such file, rotated ones (`conn.16:00:00-17:00:00.log.gz`) included;
 * followed: the live ones (`conn.log` …), waiting for those not there yet.
 */
export function zeekFilesIn(dir: string, follow: boolean): string[] {
  if (follow) {
    return ZEEK_LOGS.map(log => {
      const json = path.join(dir, `${log}.json`);
      return fs.existsSync(json) ? json : path.join(dir, `${log}.log`);
    });
  }
  return fs
    .readdirSync(dir)
    .filter(
      name =>
        isZeekLog(zeekLogOfFileName(name)) &&
        /\.(log|json)(\.gz)?$/.test(name) &&
        fs.statSync(path.join(dir, name)).isFile(),
    )
    .sort()
    .map(name => path.join(dir, name));
}

/**
 * `mcpeeker-agent network`: reads Zeek logs and Suricata EVE JSON into
 * network events, printed or sent; says per file which lines it skipped and
 * why, without stopping. Returns the exit code: 0 read, 1 a log could not be
 * read on, 3 the backend refused all or part of what was sent.
 */
export async function readNetworkLogs(
  options: NetworkLogOptions,
): Promise<number> {
  const { publisher, log } = options;
  const collected: NetworkEvent[] = [];
  const tallies = new Map<string, Tally>();

  const stop = new StopSignals(log, options.stop);
  const outlet = new EventOutlet(
    publisher,
    event => {
      if (options.format === 'json') collected.push(event as NetworkEvent);
      else options.stdout(`${JSON.stringify(event)}\n`);
    },
    { log, stop: stop.stop },
  );

  const readOne = async (source: NetworkLogSource) => {
    const name = source.file === '-' ? `stdin (${source.kind})` : source.file;
    const tally = new Tally();
    tallies.set(name, tally);
    const location =
      source.file === '-'
        ? `${source.kind} on stdin`
        : path.basename(source.file);
    const zeek =
      source.kind === 'zeek'
        ? new ZeekLogReader(
            options.hosts,
            source.file === '-'
              ? undefined
              : zeekLogOfFileName(path.basename(source.file)),
            location,
          )
        : undefined;
    const eve =
      source.kind === 'eve'
        ? new EveLogReader(options.hosts, location)
        : undefined;
    const context = options.contexts[source.kind];

    const onLine = (text: string | undefined, line: number) => {
      if (text === '') return;
      if (text !== undefined && text.charCodeAt(0) <= 32 && text.trim() === '')
        return;
      let outcome: LineOutcome;
      if (text === undefined) outcome = { skipped: 'line too long' };
      else outcome = zeek ? zeek.read(text) : eve!.read(text);
      // Most of a log: read, and no MCP in it.
      if (outcome === NO_EVIDENCE) {
        tally.records++;
        return;
      }
      if ('header' in outcome) return;
      if ('sightings' in outcome) {
        let events: NetworkEvent[];
        try {
          events = outcome.sightings.map(s => toNetworkEvent(s, context));
        } catch (error) {
          outcome = {
            skipped: 'bad field',
            detail: (error as Error).message.slice(0, 300),
          };
          events = [];
        }
        if (!('skipped' in outcome)) {
          tally.records++;
          tally.events += events.length;
          outlet.add(events);
          return;
        }
      }
      if ('record' in outcome) {
        tally.records++;
        return;
      }
      const { skipped, detail } = outcome as {
        skipped: SkipReason;
        detail?: string;
      };
      tally.skip(skipped);
      // A log of another type, an event type we don't read: said once each, not line by line.
      if (
        skipped === 'log of another type' ||
        skipped === 'unknown event type'
      ) {
        const said = `${skipped}: ${detail ?? ''}`;
        if (!tally.said.has(said)) {
          tally.said.add(said);
          log(
            `${name}:${line}: ${said} (skipped, and every such line after it)`,
          );
        }
        return;
      }
      if (tally.named < NAMED_SKIPS) {
        tally.named++;
        log(
          `${name}:${line}: ${skipped}${detail ? `: ${detail}` : ''} (skipped)`,
        );
        if (tally.named === NAMED_SKIPS)
          log(`${name}: further skipped lines are only counted`);
      }
    };

    const splitter = new LineSplitter(onLine);
    const control = {
      stopped: stop.stopped,
      afterChunk: () => outlet.afterChunk(),
    };
    if (!options.follow || source.file === '-') {
      let stream: Readable;
      if (source.file === '-') stream = options.stdin ?? process.stdin;
      else if (source.file.endsWith('.gz'))
        stream = fs.createReadStream(source.file).pipe(zlib.createGunzip());
      else stream = fs.createReadStream(source.file);
      await stop.reading(stream, () => readStream(stream, splitter, control));
      return;
    }

    const checkpointFile = options.checkpointDir
      ? path.join(
          options.checkpointDir,
          `${createHash('sha256')
            .update(path.resolve(source.file))
            .digest('hex')
            .slice(0, 32)}.checkpoint`,
        )
      : undefined;
    const cursor: FileCursor = { position: 0 };
    if (checkpointFile) {
      try {
        const saved = JSON.parse(
          fs.readFileSync(checkpointFile, 'utf8'),
        ) as Checkpoint;
        if (
          saved.file === path.resolve(source.file) &&
          Number.isInteger(saved.position) &&
          saved.position >= 0
        ) {
          Object.assign(cursor, {
            dev: saved.dev,
            ino: saved.ino,
            position: saved.position,
          });
          zeek?.restore(saved.header ?? []);
        }
      } catch {
        // none yet, or unreadable: from the start
      }
    }
    let saved = '';
    const checkpoint = async () => {
      if (!checkpointFile || cursor.dev === undefined) return;
      const state: Checkpoint = {
        file: path.resolve(source.file),
        dev: cursor.dev,
        ino: cursor.ino,
        // Up to the last whole line handed on; a half-written line is read again.
        position: cursor.position - splitter.pendingByteCount,
        ...(zeek ? { header: zeek.state } : {}),
      };
      const text = JSON.stringify(state);
      if (text === saved) return;
      // Only once what was read is spooled or printed: a restart repeats nothing.
      await outlet.spool();
      await fs.promises.mkdir(path.dirname(checkpointFile), {
        recursive: true,
      });
      await fs.promises.writeFile(`${checkpointFile}.tmp`, text);
      await fs.promises.rename(`${checkpointFile}.tmp`, checkpointFile);
      saved = text;
    };
    let summarised = tally.key;
    let summarisedAt = Date.now();
    try {
      await followFile(source.file, splitter, {
        ...control,
        cursor,
        pollMs: options.pollMs ?? 500,
        sleep: stop.sleep,
        notice: log,
        onNewFile: () => zeek?.reset(),
        onIdle: async () => {
          await outlet.idle();
          await checkpoint();
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
    } finally {
      await checkpoint();
    }
  };

  let exitCode = 0;
  try {
    // Read once, the files go one after the other (the output in their
    // order); followed, all at once.
    const results: PromiseSettledResult<void>[] = [];
    if (options.follow)
      results.push(...(await Promise.allSettled(options.sources.map(readOne))));
    else
      for (const source of options.sources)
        results.push(...(await Promise.allSettled([readOne(source)])));
    for (const [i, result] of results.entries()) {
      if (result.status === 'fulfilled') continue;
      const error: unknown = result.reason;
      if (!isReadError(error)) throw error;
      log(`${options.sources[i].file}: cannot be read (${error.code})`);
      exitCode = 1;
    }
    await outlet.finish();
  } finally {
    stop.dispose();
    await outlet.close();
  }
  if (!publisher && options.format === 'json')
    options.stdout(`${JSON.stringify({ events: collected }, null, 2)}\n`);
  for (const [name, tally] of tallies) log(tally.summary(name));
  // A script sending logs can tell that the backend did not take it all.
  return outlet.exitCode(exitCode);
}
