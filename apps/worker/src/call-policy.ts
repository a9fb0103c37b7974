import { DEFAULT_RETRY_AFTER_MS, EngineError } from '@slm-fleet/engines';
import type { CallError } from '@slm-fleet/queue';

// The worker's decisions about one call, as pure functions: when not to start it, when to
// retry the engine, and what a failure becomes in the reply to the router.

/** Why a call's abort signal fired; passed as the abort reason. */
export const ABORT = { deadline: 'deadline', cancelled: 'cancelled', draining: 'draining' } as const;
export type AbortCause = (typeof ABORT)[keyof typeof ABORT];

/** A call is never started at or after its deadline: the caller has given up on it. */
export function isPastDeadline(deadline: number, now: number): boolean {
  return now >= deadline;
}

/** Which abort fired. An abort without one of our reasons is a cancel (BullMQ's own). */
export function abortCause(reason: unknown): AbortCause {
  return reason === ABORT.deadline || reason === ABORT.draining ? reason : ABORT.cancelled;
}

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

/** Engine retries: short, because a call's deadline is seconds away, not minutes. */
export const ENGINE_RETRY_BACKOFF: BackoffPolicy = { baseMs: 100, capMs: 2_000 };
/** Polling a loading engine: a model takes seconds to minutes to load. */
export const ENGINE_PROBE_BACKOFF: BackoffPolicy = { baseMs: 250, capMs: 5_000 };

/**
 * The delay before retry number `retry` (1 for the first): base·2^(retry-1), capped, with up
 * to 20% taken off so replicas that failed together do not retry in lockstep.
 */
export function backoffMs(retry: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling * (1 - 0.2 * random()));
}

/** How a call ends without an answer. */
export type FinalStep =
  | { action: 'fail'; error: CallError }
  /** Put the job back on the queue for another worker (this one is shutting down). */
  | { action: 'hand-back' }
  /**
   * The endpoint's budget is spent (a 429, or the tokens-per-minute budget): no worker of the
   * queue starts a call for `delayMs`, and the job goes back to wait without counting a try.
   */
  | { action: 'rate-limit'; delayMs: number };

/** What to do after one engine attempt failed. */
export type NextStep = { action: 'retry'; delayMs: number } | FinalStep;

export interface AttemptContext {
  /** Engine attempts made so far, including the one that failed (1 after the first). */
  attempts: number;
  /** Retries the call allows (CallJobData.retries). */
  retries: number;
  deadline: number;
  now: number;
  random?: () => number;
}

export function nextStep(error: unknown, context: AttemptContext): NextStep {
  if (error instanceof EngineError && error.kind === 'aborted') return afterAbort(error.reason);
  // Never retried here: asking again before Retry-After is what the endpoint told us not to do.
  if (error instanceof EngineError && error.kind === 'rate-limited') {
    return afterRateLimit(error.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS, context, 'the endpoint answered HTTP 429');
  }
  if (error instanceof EngineError && error.kind === 'invalid') {
    // A refused key is the Specialist's configuration, not the caller's request: an engine
    // failure (which a fallback may take), though no retry could help it either.
    const refused = error.status === 401 || error.status === 403;
    return { action: 'fail', error: { kind: refused ? 'engine' : 'invalid', message: error.message } };
  }
  const message = error instanceof Error ? error.message : String(error);
  const delayMs = backoffMs(context.attempts, ENGINE_RETRY_BACKOFF, context.random);
  // Retry only if the retry could still answer in time; otherwise report the engine failure now.
  if (context.attempts <= context.retries && context.now + delayMs < context.deadline) {
    return { action: 'retry', delayMs };
  }
  const tries = context.attempts === 1 ? '1 attempt' : `${context.attempts} attempts`;
  return { action: 'fail', error: { kind: 'engine', message: `${message} (after ${tries})` } };
}

/** The step for a call whose signal fired with `reason`. */
export function afterAbort(reason: unknown): FinalStep {
  switch (abortCause(reason)) {
    case 'draining':
      return { action: 'hand-back' };
    case 'deadline':
      return {
        action: 'fail',
        error: { kind: 'deadline', message: 'the deadline passed while the engine ran the call' },
      };
    case 'cancelled':
      return { action: 'fail', error: { kind: 'cancelled', message: 'the caller cancelled the call' } };
  }
}

/**
 * The step when the endpoint may not be asked for `waitMs` (`why`: a 429, or the token budget).
 * The job waits that long on the queue, unless the wait reaches its deadline: then it fails as
 * a deadline now, rather than sit on the queue until the deadline passes with the same result.
 */
export function afterRateLimit(waitMs: number, context: { deadline: number; now: number }, why: string): FinalStep {
  if (context.now + waitMs >= context.deadline) {
    const message = `${why}; the wait it asks for (${waitMs} ms) reaches past the call's deadline`;
    return { action: 'fail', error: { kind: 'deadline', message } };
  }
  return { action: 'rate-limit', delayMs: waitMs };
}
