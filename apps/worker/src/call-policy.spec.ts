import { describe, expect, it } from 'vitest';
import { EngineError } from '@slm-fleet/engines';
import {
  ABORT,
  ENGINE_RETRY_BACKOFF,
  abortCause,
  afterRateLimit,
  backoffMs,
  isPastDeadline,
  nextStep,
} from './call-policy.js';

const transient = new EngineError('transient', 'engine answered HTTP 500: boom', 500);
const context = { attempts: 1, retries: 2, deadline: 10_000, now: 0, random: () => 0 };

describe('call policy', () => {
  it('does not start a call at or after its deadline', () => {
    expect(isPastDeadline(1000, 999)).toBe(false);
    expect(isPastDeadline(1000, 1000)).toBe(true);
    expect(isPastDeadline(1000, 1001)).toBe(true);
  });

  it('backs off exponentially, capped, with jitter only shortening the delay', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, ENGINE_RETRY_BACKOFF, () => 0))).toEqual([
      100, 200, 400, 800, 1600, 2000,
    ]);
    expect(backoffMs(1, ENGINE_RETRY_BACKOFF, () => 1)).toBe(80);
    expect(backoffMs(100, ENGINE_RETRY_BACKOFF, () => 0)).toBe(2000);
  });

  it('retries transient errors while retries and the deadline allow', () => {
    expect(nextStep(transient, context)).toEqual({ action: 'retry', delayMs: 100 });
    expect(nextStep(transient, { ...context, attempts: 2 })).toEqual({ action: 'retry', delayMs: 200 });
    expect(nextStep(transient, { ...context, attempts: 3 })).toEqual({
      action: 'fail',
      error: { kind: 'engine', message: 'engine answered HTTP 500: boom (after 3 attempts)' },
    });
    // The retry would start after the deadline: fail now instead.
    expect(nextStep(transient, { ...context, now: 9_950 })).toMatchObject({
      action: 'fail',
      error: { kind: 'engine' },
    });
    expect(nextStep(transient, { ...context, retries: 0 })).toMatchObject({
      action: 'fail',
      error: { kind: 'engine' },
    });
  });

  it('never retries an invalid request', () => {
    const invalid = new EngineError('invalid', 'engine answered HTTP 400: bad schema', 400);
    expect(nextStep(invalid, context)).toEqual({
      action: 'fail',
      error: { kind: 'invalid', message: 'engine answered HTTP 400: bad schema' },
    });
  });

  it.each([401, 403])(
    "fails at once on HTTP %i as an engine failure: the key is the Specialist's, not the caller's",
    (status) => {
      const refused = new EngineError(
        'invalid',
        `engine answered HTTP ${status} (the API key is missing or refused): no`,
        status,
      );
      expect(nextStep(refused, context)).toEqual({
        action: 'fail',
        error: { kind: 'engine', message: refused.message },
      });
    },
  );

  it('treats errors of unknown shape as engine failures', () => {
    expect(nextStep(new Error('socket hang up'), { ...context, retries: 0 })).toMatchObject({
      action: 'fail',
      error: { kind: 'engine', message: 'socket hang up (after 1 attempt)' },
    });
  });

  it('maps abort reasons: draining hands the job back, deadline and cancel fail it', () => {
    const aborted = (reason: unknown): EngineError => new EngineError('aborted', 'aborted', undefined, reason);
    expect(nextStep(aborted(ABORT.draining), context)).toEqual({ action: 'hand-back' });
    expect(nextStep(aborted(ABORT.deadline), context)).toMatchObject({ action: 'fail', error: { kind: 'deadline' } });
    expect(nextStep(aborted(ABORT.cancelled), context)).toMatchObject({ action: 'fail', error: { kind: 'cancelled' } });
    expect(abortCause(new DOMException('aborted', 'AbortError'))).toBe('cancelled');
  });

  const limited = (retryAfterMs?: number) =>
    new EngineError('rate-limited', 'engine answered HTTP 429', 429, undefined, retryAfterMs);

  it.each([
    [
      'Retry-After well within the deadline: pause the queue',
      limited(2_000),
      0,
      { action: 'rate-limit', delayMs: 2_000 },
    ],
    ['no wait given: the default second', limited(undefined), 0, { action: 'rate-limit', delayMs: 1_000 }],
    ['even with every retry used: a 429 is not a try', limited(500), 0, { action: 'rate-limit', delayMs: 500 }],
    [
      'Retry-After reaching the deadline: fail as a deadline now',
      limited(2_000),
      8_000,
      { action: 'fail', error: { kind: 'deadline', message: expect.stringMatching(/HTTP 429.*2000 ms.*deadline/) } },
    ],
    [
      'already at the deadline',
      limited(100),
      10_000,
      { action: 'fail', error: { kind: 'deadline', message: expect.any(String) } },
    ],
  ])('a rate-limited engine: %s', (_case, error, now, expected) => {
    expect(nextStep(error, { ...context, attempts: 3, retries: 2, now })).toEqual(expected);
  });

  it('treats a spent token budget like a 429: wait, or fail as a deadline', () => {
    const why = "the queue's tokens per minute are spent";
    expect(afterRateLimit(30_000, { deadline: 60_000, now: 0 }, why)).toEqual({
      action: 'rate-limit',
      delayMs: 30_000,
    });
    expect(afterRateLimit(30_000, { deadline: 20_000, now: 0 }, why)).toMatchObject({
      action: 'fail',
      error: { kind: 'deadline', message: expect.stringContaining(why) },
    });
  });
});
