// When to send a call again, and how long to wait first. Pure: the client passes the clock
// and the random source, so the decisions are tested without timers.
import type { StatusName } from './errors.js';

export interface RetryPolicy {
  /** Sends per call, the first included; 1 turns retries off, Infinity retries until the deadline. */
  maxAttempts: number;
  /** The cap of the first wait; each retry doubles it, up to `maxBackoffMs`. */
  initialBackoffMs: number;
  maxBackoffMs: number;
}

/**
 * Retries until the deadline, not a fixed count: an outage (a router or Redis restarting)
 * outlasted five attempts (3.75 s of backoff at most) and failed calls with most of their
 * deadline left. Waits capped at 1 s, so a recovery is noticed within a second.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: Number.POSITIVE_INFINITY,
  initialBackoffMs: 100,
  maxBackoffMs: 1_000,
};

/**
 * Whether a failure is worth sending again. Every call carries an idempotency key, so a
 * retry never runs a call twice that the router already ran or is running.
 *
 * - UNAVAILABLE: the router could not be reached or lost the call (connection refused or
 *   dropped, Redis away, routing table not listed yet, the Specialist failed after its
 *   retries): another router or a later try may succeed.
 * - RESOURCE_EXHAUSTED with reason QUEUE_FULL: a sheddable call refused while its queue is
 *   full. The refusal costs the router no Redis round trip, and the backoff gives the queue
 *   time to drain within the caller's deadline. REQUEST_TOO_LARGE never changes on a retry.
 * - Never: INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION (the same request gets the same
 *   answer), DEADLINE_EXCEEDED (each attempt has the call's whole deadline, so it is spent),
 *   CANCELLED (the caller gave up), INTERNAL and UNKNOWN (a bug is not transient).
 */
export function isRetryable(code: StatusName, reason: string): boolean {
  if (code === 'UNAVAILABLE') return true;
  return code === 'RESOURCE_EXHAUSTED' && reason === 'QUEUE_FULL';
}

/**
 * The wait before retry number `retry` (1 for the first retry): "full jitter", uniformly
 * random up to an exponentially growing cap, as gRPC's own retry policy does, so clients
 * that failed together do not come back together.
 */
export function backoffMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const cap = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * cap);
}

export interface RetryDecisionInput {
  code: StatusName;
  reason: string;
  /** Sends so far, the failed one included. */
  attempts: number;
  /** Whether the call already delivered part of its answer (a stream's chunk). */
  answerStarted: boolean;
  deadline: number;
  now: number;
}

/** How long to wait before sending the call again, or undefined to give up with this failure. */
export function retryDelayMs(input: RetryDecisionInput, policy: RetryPolicy, random: () => number): number | undefined {
  if (!isRetryable(input.code, input.reason) || input.answerStarted) return undefined;
  if (input.attempts >= policy.maxAttempts) return undefined;
  const delay = backoffMs(input.attempts, policy, random);
  // A retry that could only start at or after the deadline would fail with DEADLINE_EXCEEDED
  // and hide the real failure.
  return input.now + delay < input.deadline ? delay : undefined;
}
