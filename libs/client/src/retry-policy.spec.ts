import { describe, expect, it } from 'vitest';
import { backoffMs, isRetryable, retryDelayMs, type RetryDecisionInput, type RetryPolicy } from './retry-policy.js';

const policy: RetryPolicy = { maxAttempts: 4, initialBackoffMs: 100, maxBackoffMs: 1_000 };
const highest = () => 0.999_999;

describe('isRetryable', () => {
  it('retries UNAVAILABLE whatever the reason, and RESOURCE_EXHAUSTED only for a full queue', () => {
    for (const reason of ['', 'QUEUE_UNAVAILABLE', 'SPECIALIST_FAILED', 'CALL_LOST', 'ROUTING_TABLE_NOT_READY']) {
      expect(isRetryable('UNAVAILABLE', reason)).toBe(true);
    }
    expect(isRetryable('RESOURCE_EXHAUSTED', 'QUEUE_FULL')).toBe(true);
    expect(isRetryable('RESOURCE_EXHAUSTED', 'REQUEST_TOO_LARGE')).toBe(false);
    expect(isRetryable('RESOURCE_EXHAUSTED', '')).toBe(false);
  });

  it('never retries what a retry cannot change, or what the caller or its deadline ended', () => {
    const final = ['INVALID_ARGUMENT', 'NOT_FOUND', 'FAILED_PRECONDITION', 'DEADLINE_EXCEEDED', 'CANCELLED'] as const;
    for (const code of [...final, 'INTERNAL', 'UNKNOWN'] as const) expect(isRetryable(code, code)).toBe(false);
  });
});

describe('backoffMs', () => {
  it('doubles its cap from the initial backoff up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 10].map((retry) => backoffMs(retry, policy, highest))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
  });

  it('is uniformly random below the cap (full jitter)', () => {
    expect(backoffMs(3, policy, () => 0)).toBe(0);
    expect(backoffMs(3, policy, () => 0.5)).toBe(200);
  });
});

describe('retryDelayMs', () => {
  const failure: RetryDecisionInput = {
    code: 'UNAVAILABLE',
    reason: '',
    attempts: 1,
    answerStarted: false,
    deadline: 10_000,
    now: 0,
  };
  const decide = (change: Partial<RetryDecisionInput>) => retryDelayMs({ ...failure, ...change }, policy, () => 0.5);

  it('waits the backoff of the retry to come', () => {
    expect(decide({})).toBe(50);
    expect(decide({ attempts: 2 })).toBe(100);
  });

  it('gives up after maxAttempts sends', () => {
    expect(decide({ attempts: 3 })).toBe(200);
    expect(decide({ attempts: 4 })).toBeUndefined();
  });

  it('with no attempt limit, retries for as long as the deadline allows', () => {
    const untilDeadline = { ...policy, maxAttempts: Number.POSITIVE_INFINITY };
    expect(retryDelayMs({ ...failure, attempts: 1_000 }, untilDeadline, () => 0.5)).toBe(500);
    expect(retryDelayMs({ ...failure, attempts: 1_000, now: 9_500 }, untilDeadline, () => 0.5)).toBeUndefined();
  });

  it('gives up when the retry could not start before the deadline', () => {
    expect(decide({ now: 9_949 })).toBe(50);
    expect(decide({ now: 9_950 })).toBeUndefined();
  });

  it('never retries a stream that already delivered part of its answer', () => {
    expect(decide({ answerStarted: true })).toBeUndefined();
  });

  it('never retries a failure that is not retryable', () => {
    expect(decide({ code: 'NOT_FOUND', reason: 'TASK_NOT_FOUND' })).toBeUndefined();
  });

  it('never retries when retries are off', () => {
    expect(retryDelayMs(failure, { ...policy, maxAttempts: 1 }, () => 0.5)).toBeUndefined();
  });
});
