import { createHash } from 'node:crypto';
import { CallFailure, type ValidCall } from '@slm-fleet/calls';

/** The job id of an idempotent call: one per task and key (BullMQ ids may not hold ':'). */
export function jobIdFor(task: string, idempotencyKey: string): string {
  return `idem.${task}.${idempotencyKey}`;
}

/**
 * What makes two calls the same request for an idempotency key: everything the answer
 * depends on (the task is in the job id already). Keys in insertion order: both doors build
 * a ValidCall the same way, so the same request hashes the same.
 */
export function requestFingerprint(call: ValidCall): string {
  const { messages, params, jsonSchema, tools, toolChoice, parallelToolCalls } = call;
  const text = JSON.stringify([messages, params, jsonSchema, tools, toolChoice, parallelToolCalls]);
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/** A key already used for another request is refused, as payment APIs do, never answered with the other's answer. */
export function keyReused(key: string, task: string): CallFailure {
  return new CallFailure(
    'FAILED_PRECONDITION',
    'IDEMPOTENCY_KEY_REUSED',
    `idempotency key "${key}" was used for a different request to task ${task} in the last 10 minutes; use a new key for a new request`,
  );
}

/**
 * Whether a caller's cancel, at `now`, is its deadline passing. A gRPC client cancels when its
 * own deadline passes, and the server learns the deadline as a timeout counted from when it
 * read the call: on a busy machine that read is late, so the cancel comes before the router's
 * deadline by that delay (tens of milliseconds, more under load) and would count as CANCELLED.
 * So a cancel in the call's last stretch (half its time, at most 250 ms) is the deadline's; a
 * caller that really cancels that late is counted as a timeout, which it would soon have been.
 */
export function cancelIsTheDeadline(now: number, startedAt: number, deadline: number): boolean {
  const window = Math.min(250, Math.max(20, (deadline - startedAt) / 2));
  return now >= deadline - window;
}
