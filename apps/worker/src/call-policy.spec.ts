import { describe, expect, it } from 'vitest';
import { EngineError } from '@slm-fleet/engines';
import { ABORT, ENGINE_RETRY_BACKOFF, abortCause, backoffMs, isPastDeadline, nextStep } from './call-policy.js';

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
});
