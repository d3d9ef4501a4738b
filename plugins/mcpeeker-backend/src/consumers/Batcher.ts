/** How long a batch may wait to fill when events trickle in. */
export const BATCH_WAIT_MS = 100;

/**
 * Groups messages into batches as they arrive: a batch is handed over when
 * it holds `size` messages or `waitMs` after its first message arrived, so
 * a backlog goes in full batches and a trickle waits `waitMs`, not longer.
 */
export class Batcher<T> {
  private queue: T[] = [];
  private firstAt = 0;
  private wake?: () => void;
  /** Set once no more messages will come (`error` when the source failed). */
  ended = false;
  error?: Error;

  constructor(private readonly size: number, private readonly waitMs: number) {}

  push(item: T): void {
    if (this.queue.length === 0) this.firstAt = Date.now();
    this.queue.push(item);
    if (this.queue.length === 1 || this.queue.length >= this.size)
      this.wake?.();
  }

  end(error?: Error): void {
    this.ended = true;
    this.error = error;
    this.wake?.();
  }

  /** The next batch; empty only once the source has ended. */
  async next(): Promise<T[]> {
    for (;;) {
      const left = this.firstAt + this.waitMs - Date.now();
      if (
        this.queue.length >= this.size ||
        this.ended ||
        (this.queue.length > 0 && left <= 0)
      ) {
        const batch = this.queue.splice(0, this.size);
        if (this.queue.length > 0) this.firstAt = Date.now();
        return batch;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>(resolve => {
        this.wake = resolve;
        if (this.queue.length > 0) timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
      this.wake = undefined;
    }
  }
}
