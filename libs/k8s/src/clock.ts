/**
 * Time and timers, passed in rather than global so backoff, delayed requeues and lease expiry
 * can be unit-tested with a manual clock: no real sleeps, no timing assertions.
 */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Opaque to callers: a Node timer for the system clock, a number for the manual one. */
export type TimerHandle = unknown;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
