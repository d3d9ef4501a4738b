import fs from 'node:fs/promises';
import path from 'node:path';
import type { McpEvent } from '@mcpeeker/plugin-mcpeeker-common';

/**
 * Events waiting to be sent, one file each, named so that sorting them gives
 * the order they were taken in. Written before any send, deleted only after
 * the backend acknowledged: a crash or an unreachable backend loses nothing.
 * Bounded: when full, new events are refused and the caller is told.
 */
export class Spool {
  private sequence = 0;

  constructor(
    private readonly dir: string,
    private readonly maxEvents: number,
  ) {}

  private async files(): Promise<string[]> {
    try {
      return (await fs.readdir(this.dir))
        .filter(f => f.endsWith('.json'))
        .sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  async size(): Promise<number> {
    return (await this.files()).length;
  }

  /** Stores events in order; returns how many did not fit. */
  async add(events: McpEvent[]): Promise<{ stored: number; refused: number }> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    let free = this.maxEvents - (await this.size());
    let stored = 0;
    for (const event of events) {
      if (free <= 0) break;
      const name = `${Date.now().toString().padStart(15, '0')}-${String(
        this.sequence++,
      ).padStart(9, '0')}-${event.eventId.slice(0, 16)}.json`;
      const tmp = path.join(this.dir, `.${name}.tmp`);
      await fs.writeFile(tmp, JSON.stringify(event), { mode: 0o600 });
      await fs.rename(tmp, path.join(this.dir, name));
      stored++;
      free--;
    }
    return { stored, refused: events.length - stored };
  }

  /** The oldest events, up to `limit`, with the handle to remove them once sent. */
  async peek(limit: number): Promise<Array<{ file: string; event: McpEvent }>> {
    const out: Array<{ file: string; event: McpEvent }> = [];
    for (const file of (await this.files()).slice(0, limit)) {
      const full = path.join(this.dir, file);
      try {
        out.push({
          file: full,
          event: JSON.parse(await fs.readFile(full, 'utf8')),
        });
      } catch {
        // A torn or foreign file can never be sent: set it aside, keep going.
        await fs.rename(full, `${full}.unreadable`).catch(() => undefined);
      }
    }
    return out;
  }

  async remove(files: string[]): Promise<void> {
    await Promise.all(files.map(f => fs.rm(f, { force: true })));
  }
}
