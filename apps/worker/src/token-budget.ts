// The tokens-per-minute budget of one queue (one endpoint), counted in fixed one-minute
// windows in Redis by every worker of the queue. Pure parts here; the Redis calls are in
// endpoint-limits.ts.

/** Providers budget tokens per minute. */
export const TOKEN_WINDOW_MS = 60_000;

/** The window `now` falls in, as its number since the epoch (UTC minutes). */
export function tokenWindow(now: number): number {
  return Math.floor(now / TOKEN_WINDOW_MS);
}

/**
 * The counter of a window: beside the queue's own keys and with its hash tag (queue names are
 * `{namespace.name}`), so on a Redis Cluster it lives with the queue.
 */
export function tokenWindowKey(queuePrefix: string, queue: string, window: number): string {
  return `${queuePrefix}:${queue}:tokens-per-minute:${window}`;
}

/** A window's counter outlives the window by a minute: long enough to read, then Redis drops it. */
export const TOKEN_WINDOW_TTL_SECONDS = (2 * TOKEN_WINDOW_MS) / 1000;

/**
 * How long before a call may start, given the tokens `used` in the current window: 0 while
 * under `budget`, else until the window ends. Calls in flight at the edge of a window can
 * overshoot the budget by their own tokens: usage is only known once an answer is complete.
 */
export function tokenBudgetWaitMs(used: number, budget: number | undefined, now: number): number {
  if (budget === undefined || used < budget) return 0;
  return (tokenWindow(now) + 1) * TOKEN_WINDOW_MS - now;
}
