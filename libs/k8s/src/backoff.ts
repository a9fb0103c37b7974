/** Exponential backoff with jitter: base·2^(failures-1), capped, then scaled down by up to `jitter`. */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  /** Fraction in [0, 1]: the delay is drawn from [d·(1-jitter), d], d the capped exponential. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 100, capMs: 60_000, jitter: 0.2 };

/**
 * The delay before retry number `failures` (1 for the first retry). Jitter only ever shortens
 * the delay, so the cap holds; it spreads out retries of many keys that failed together (an
 * API server restart) instead of firing them in lockstep.
 */
export function backoffDelay(failures: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.max(0, failures - 1);
  // 2^exponent overflows to Infinity for large counts; min() with the cap keeps it finite.
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** exponent);
  const jitter = Math.min(1, Math.max(0, options.jitter));
  return ceiling * (1 - jitter * random());
}
