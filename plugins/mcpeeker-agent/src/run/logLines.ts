import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

/** Longer lines are skipped, not held: a request with large images can be megabytes, not this. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/**
 * Cuts bytes into lines, numbered from 1 in each file. A line longer than
 * the limit is not kept in memory: it is reported as too long (text
 * undefined) once its end arrives.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private overlong = false;
  private lineNumber = 0;
  private tail = 0;

  constructor(
    private readonly onLine: (text: string | undefined, line: number) => void,
    private readonly maxBytes = MAX_LINE_BYTES,
  ) {}

  push(chunk: Buffer) {
    let start = 0;
    if (this.pendingBytes > 0 || this.overlong) {
      const newline = chunk.indexOf(10);
      if (newline < 0) {
        this.keep(chunk);
        this.tail += chunk.length;
        return;
      }
      this.keep(chunk.subarray(0, newline));
      this.emit();
      this.tail = 0;
      start = newline + 1;
    }
    // The whole lines of this chunk, decoded at once (a newline byte is
    // never inside a UTF-8 character) and cut without copying bytes.
    const last = chunk.lastIndexOf(10);
    if (last >= start) {
      for (const line of chunk.toString('utf8', start, last).split('\n'))
        this.emitText(this.fits(line) ? line : undefined);
      this.tail = 0;
      start = last + 1;
    }
    if (start < chunk.length) {
      this.keep(chunk.subarray(start));
      this.tail += chunk.length - start;
    }
  }

  private fits(line: string): boolean {
    // Characters are 1 to 3 bytes (4 for two UTF-16 units): count only when it could matter.
    if (line.length > this.maxBytes) return false;
    return (
      line.length * 3 <= this.maxBytes ||
      Buffer.byteLength(line) <= this.maxBytes
    );
  }

  /** The input ended: a last line without its newline is a line too. */
  end() {
    if (this.pendingBytes > 0 || this.overlong) this.emit();
    this.tail = 0;
  }

  /** Bytes pushed since the last newline: a line begun and not yet handed on. */
  get pendingByteCount(): number {
    return this.tail;
  }

  /** A new file starts (rotation, truncation): what is pending ends, numbers restart. */
  restart() {
    this.end();
    this.lineNumber = 0;
  }

  private keep(part: Buffer) {
    if (this.overlong || part.length === 0) return;
    if (this.pendingBytes + part.length > this.maxBytes) {
      this.overlong = true;
      this.pending = [];
      this.pendingBytes = 0;
      return;
    }
    // A copy: the reader may reuse its buffer.
    this.pending.push(Buffer.from(part));
    this.pendingBytes += part.length;
  }

  private emit() {
    if (this.overlong) {
      this.overlong = false;
      this.emitText(undefined);
      return;
    }
    const text = Buffer.concat(this.pending, this.pendingBytes).toString(
      'utf8',
    );
    this.pending = [];
    this.pendingBytes = 0;
    this.emitText(text);
  }

  private emitText(text: string | undefined) {
    this.lineNumber++;
    this.onLine(
      text?.endsWith('\r') ? text.slice(0, -1) : text,
      this.lineNumber,
    );
  }
}

export interface ReadControl {
  /** Set when SIGINT or SIGTERM asked to stop. */
  stopped: () => boolean;
  /** After each chunk: room to hand what was read on (spool it). */
  afterChunk: () => Promise<void>;
}

/** Reads a stream (a file read once, stdin) to its end, or until asked to stop. */
export async function readStream(
  stream: Readable,
  splitter: LineSplitter,
  control: ReadControl,
): Promise<void> {
  try {
    for await (const chunk of stream) {
      splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      await control.afterChunk();
      if (control.stopped()) break;
    }
  } catch (error) {
    // Destroyed because a signal asked to stop: not a failure.
    if (!control.stopped()) throw error;
  }
  if (control.stopped()) {
    stream.destroy();
    // A last line cut short by the stop is not read.
    return;
  }
  splitter.end();
  await control.afterChunk();
}

export interface FollowControl extends ReadControl {
  pollMs: number;
  /** Waits, but returns at once when asked to stop. */
  sleep: (ms: number) => Promise<void>;
  /** Everything there is was read: publish, summarise. */
  onIdle: () => Promise<void>;
  /** Something a person following along wants to know: waiting, rotated, truncated. */
  notice: (message: string) => void;
  /** A new file begins (rotated, truncated): what was known of the old one's header goes. */
  onNewFile?: () => void;
  /**
   * Where reading is, kept up to date: the file (device and inode) and the
   * bytes of it handed to the splitter. Given with a file's identity, reading
   * resumes there — in a rotated-away file of the same folder too, when
   * that is where it stopped.
   */
  cursor?: FileCursor;
}

/** Which file, and how far into it. */
export interface FileCursor {
  dev?: number;
  ino?: number;
  position: number;
}

const CHUNK = 64 * 1024;

function isMissing(error: unknown) {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** The file of this identity among the ones beside `file` (rotated away: `conn.log` → `conn.log.1`). */
async function findRotated(
  file: string,
  identity: { dev: number; ino: number },
): Promise<string | undefined> {
  const dir = path.dirname(file);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return undefined;
  }
  for (const name of names) {
    try {
      const stat = await fs.stat(path.join(dir, name));
      if (stat.dev === identity.dev && stat.ino === identity.ino)
        return path.join(dir, name);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/**
 * Follows a file as `tail -F` does: reads what is there, then what is
 * appended; when the name points at a new file (rotated: renamed or removed
 * and created again) it reads the old one to its end, then the new one from
 * its start; when the file got shorter than what was read (truncated), it
 * reads again from the start; when there is no file of that name yet, it
 * waits for one. Returns when asked to stop.
 */
export async function followFile(
  file: string,
  splitter: LineSplitter,
  control: FollowControl,
): Promise<void> {
  let handle: fs.FileHandle | undefined;
  let identity: { dev: number; ino: number } | undefined;
  let position = 0;
  let waiting = false;
  const buffer = Buffer.alloc(CHUNK);
  const cursor = control.cursor;
  let resume =
    cursor?.dev !== undefined && cursor.ino !== undefined
      ? { dev: cursor.dev, ino: cursor.ino, position: cursor.position }
      : undefined;
  const newFile = () => {
    splitter.restart();
    control.onNewFile?.();
  };
  try {
    while (!control.stopped()) {
      if (!handle && resume) {
        const from = resume;
        resume = undefined;
        let current;
        try {
          current = await fs.stat(file);
        } catch (error) {
          if (!isMissing(error)) throw error;
        }
        const same =
          current && current.dev === from.dev && current.ino === from.ino;
        const where = same ? file : await findRotated(file, from);
        if (where) {
          handle = await fs.open(where, 'r');
          const stat = await handle.stat();
          identity = { dev: stat.dev, ino: stat.ino };
          if (stat.dev !== from.dev || stat.ino !== from.ino) {
            // Replaced between the look and the open: read it from its start.
            position = 0;
            newFile();
          } else if (stat.size < from.position) {
            position = 0;
            newFile();
            control.notice(
              `${file}: truncated while stopped, reading from its start`,
            );
          } else {
            position = from.position;
            if (where !== file)
              control.notice(
                `${file}: rotated while stopped, reading the rest of ${path.basename(
                  where,
                )} first`,
              );
          }
          if (cursor) Object.assign(cursor, identity, { position });
        } else {
          control.notice(
            `${file}: the file read before is gone; reading the one there now from its start`,
          );
        }
        continue;
      }
      if (!handle) {
        try {
          handle = await fs.open(file, 'r');
        } catch (error) {
          if (!isMissing(error)) throw error;
          if (!waiting) control.notice(`${file}: no such file yet, waiting`);
          waiting = true;
          await control.onIdle();
          await control.sleep(control.pollMs);
          continue;
        }
        if (waiting) control.notice(`${file}: appeared, reading`);
        waiting = false;
        const stat = await handle.stat();
        identity = { dev: stat.dev, ino: stat.ino };
        position = 0;
        newFile();
        if (cursor) Object.assign(cursor, identity, { position });
      }
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, CHUNK, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        splitter.push(buffer.subarray(0, bytesRead));
        if (cursor) cursor.position = position;
        await control.afterChunk();
        if (control.stopped()) return;
      }
      let current;
      try {
        current = await fs.stat(file);
      } catch (error) {
        if (!isMissing(error)) throw error;
        // Renamed away and not created again yet: the writer may still be
        // writing to the old one, so it is still read.
      }
      if (
        current &&
        (current.dev !== identity!.dev || current.ino !== identity!.ino)
      ) {
        splitter.end();
        await control.afterChunk();
        await handle.close();
        handle = undefined;
        control.notice(`${file}: rotated, reading the new file`);
        continue;
      }
      if ((await handle.stat()).size < position) {
        newFile();
        await control.afterChunk();
        position = 0;
        if (cursor) cursor.position = 0;
        control.notice(`${file}: truncated, reading from its start`);
        continue;
      }
      await control.onIdle();
      await control.sleep(control.pollMs);
    }
  } finally {
    await handle?.close();
  }
}
