import { APIError } from '@anthropic-ai/sdk';

/** Why a call to the model gave no answer: what the health route and the log say. */
export class JudgeUnavailableError extends Error {
  constructor(
    message: string,
    readonly kind: 'circuit-open' | 'deadline' | 'rate-limited' | 'failed',
  ) {
    super(message);
    this.name = 'JudgeUnavailableError';
  }
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Seconds or milliseconds the API asked us to wait, if it did. */
function retryAfterMs(error: APIError): number | undefined {
  const headers = error.headers;
  const ms = Number(headers?.get('retry-after-ms') ?? NaN);
  if (ms >= 0) return ms;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Worth another try: timeouts, connection errors, 408, 409, 429 and 5xx. */
function retryable(error: unknown): boolean {
  if (!(error instanceof APIError)) return false;
  const status = error.status;
  return (
    status === undefined ||
    status === 408 ||
    status === 409 ||
    status === 429 ||
    status >= 500
  );
}

/**
 * Calls `attempt` until it answers or the deadline passes: a timeout, a
 * connection error or a 5xx is tried again after a growing, jittered pause; a
 * 429 after the pause its `retry-after` asks for. A pause that would end past
 * the deadline is not taken: the call fails at once, so the caller's event is
 * scored without the Judge rather than late.
 */
export async function withinDeadline<T>(
  attempt: (timeoutMs: number) => Promise<T>,
  deadlineMs: number,
): Promise<T> {
  const started = Date.now();
  const left = () => deadlineMs - (Date.now() - started);
  for (let tries = 0; ; tries++) {
    if (left() <= 0)
      throw new JudgeUnavailableError(
        `no answer within ${deadlineMs} ms`,
        'deadline',
      );
    try {
      return await attempt(left());
    } catch (error) {
      if (!retryable(error)) throw error;
      const asked =
        error instanceof APIError && error.status === 429
          ? retryAfterMs(error)
          : undefined;
      const pause =
        asked ?? Math.min(2000, 100 * 2 ** tries) * (0.5 + Math.random() / 2);
      if (pause >= left()) {
        const status = (error as APIError).status;
        throw new JudgeUnavailableError(
          status === 429
            ? `rate limited; the API asked to wait ${Math.round(
                pause,
              )} ms, past the ${deadlineMs} ms deadline`
            : `${status ? `HTTP ${status}` : (error as Error).message} after ${
                tries + 1
              } tries within ${deadlineMs} ms`,
          status === 429 ? 'rate-limited' : 'deadline',
        );
      }
      await sleep(pause);
    }
  }
}

/**
 * Closed: calls go through. After `failures` failures in a row it opens: no
 * call for `cooldownMs`, findings are scored without the Judge. Then one trial
 * call (half-open): its success closes the circuit, its failure opens it again.
 */
export class CircuitBreaker {
  private consecutive = 0;
  private openedAt?: number;
  private trialRunning = false;
  lastError?: string;

  constructor(
    private readonly options: { failures: number; cooldownMs: number },
  ) {}

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.openedAt === undefined) return 'closed';
    return Date.now() - this.openedAt >= this.options.cooldownMs
      ? 'half-open'
      : 'open';
  }

  /** When an open circuit lets a trial call through. */
  get retryAt(): Date | undefined {
    return this.openedAt === undefined
      ? undefined
      : new Date(this.openedAt + this.options.cooldownMs);
  }

  async call<T>(fn: () => Promise<T>): Promise<T> {
    const state = this.state;
    if (state === 'open' || (state === 'half-open' && this.trialRunning))
      throw new JudgeUnavailableError(
        `circuit open after ${this.options.failures} failures in a row (last: ${
          this.lastError
        }); next try at ${this.retryAt?.toISOString()}`,
        'circuit-open',
      );
    const trial = state === 'half-open';
    if (trial) this.trialRunning = true;
    try {
      const result = await fn();
      this.consecutive = 0;
      this.openedAt = undefined;
      this.lastError = undefined;
      return result;
    } catch (error) {
      this.consecutive += 1;
      this.lastError = (error as Error).message;
      if (trial || this.consecutive >= this.options.failures)
        this.openedAt = Date.now();
      throw error;
    } finally {
      if (trial) this.trialRunning = false;
    }
  }
}
