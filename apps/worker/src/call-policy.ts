import { EngineError } from '@slm-fleet/engines';
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
  | { action: 'hand-back' };

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
  if (error instanceof EngineError && error.kind === 'invalid') {
    return { action: 'fail', error: { kind: 'invalid', message: error.message } };
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
