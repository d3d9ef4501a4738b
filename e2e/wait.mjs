// Waiting in an end-to-end test: each wait asks again until what it waits
// for holds, and ends then; its deadline only matters on a machine so busy
// that the portal (its backend, its dev server, Chromium, NATS, ClickHouse
// on the same cores) takes that long. 60 s unless a wait says more.

/** The deadline of a wait that does not name its own. */
export const WAIT_LIMIT = 60_000;

export const sleep = ms => new Promise(r => setTimeout(r, ms));

/**
 * Calls `get` every `intervalMs` until `until` holds for what it returned
 * (a truthy value by default), and returns that value; when `timeoutMs` has
 * passed, the last value instead, for the test's own assertion to judge.
 */
export async function poll(
  get,
  { until = Boolean, timeoutMs = WAIT_LIMIT, intervalMs = 500 } = {},
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await get();
    if (until(value) || Date.now() >= deadline) return value;
    await sleep(intervalMs);
  }
}

/**
 * Waits until `check` returns a truthy value, and returns it; an error it
 * throws counts as not yet. Fails after `ms` naming `what` and the last
 * error.
 */
export async function within(ms, what, check) {
  let last;
  const value = await poll(
    async () => {
      try {
        const result = await check();
        last = undefined;
        return result;
      } catch (error) {
        last = error.message;
        return undefined;
      }
    },
    { timeoutMs: ms },
  );
  if (value) return value;
  throw new Error(
    `${what}: not within ${ms / 1000} s${last ? ` (${last})` : ''}`,
  );
}
