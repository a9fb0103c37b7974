import { describe, expect, it } from 'vitest';
import { overflowOnArrival, predictQueueWaitMs, shouldOverflow, type QueueState } from './overflow.js';

// 2 replicas x 4 slots, 2 s a call: the slots finish a call every 250 ms between them.
const base: QueueState = { waiting: 0, readyReplicas: 2, concurrency: 4, meanServiceMs: 2000 };

describe('predictQueueWaitMs', () => {
  it.each<[string, Partial<QueueState>, number]>([
    ['no ready replica: nothing will take the call', { readyReplicas: 0 }, Infinity],
    ['no slot per replica', { concurrency: 0 }, Infinity],
    ['negative replicas count as none', { readyReplicas: -1 }, Infinity],
    ['empty queue, in-flight unknown: all slots taken as busy, one completion', {}, 250],
    ['empty queue, a free slot', { inFlight: 7 }, 0],
    ['free slots for the queue and the call', { waiting: 3, inFlight: 4 }, 0],
    ['exactly one slot short', { waiting: 4, inFlight: 4 }, 250],
    ['all busy: the queue ahead plus the call', { waiting: 7, inFlight: 8 }, 2000],
    ['in-flight unknown: the same as all busy', { waiting: 7 }, 2000],
    ['more calls in flight than slots (draining elsewhere) count as no free slot', { waiting: 7, inFlight: 12 }, 2000],
    ['twice the replicas halve the wait', { waiting: 7, readyReplicas: 4 }, 1000],
    ['negative waiting counts as none', { waiting: -5, inFlight: 8 }, 250],
    ['no service time measured yet (0): no wait', { waiting: 40, meanServiceMs: 0 }, 0],
  ])('%s', (_name, change, want) => {
    expect(predictQueueWaitMs({ ...base, ...change })).toBe(want);
  });
});

describe('shouldOverflow', () => {
  it.each<[string, number, number, number, number | undefined, boolean]>([
    // name, predicted wait, mean service, target, tail service, overflow?
    ['well within', 1000, 2000, 10_000, undefined, false],
    ['exactly on the target stays', 8000, 2000, 10_000, undefined, false],
    ['1 ms over goes', 8001, 2000, 10_000, undefined, true],
    ['no ready replica goes', Infinity, 2000, 10_000, undefined, true],
    ['service alone over the target goes', 0, 12_000, 10_000, undefined, true],
    ['a waiting call is judged on the tail service', 6000, 2000, 10_000, 5000, true],
    ['the tail leaves room', 4000, 2000, 10_000, 5000, false],
    ['a tail below the mean counts as the mean', 8001, 2000, 10_000, 500, true],
    ['a call starting at once is judged on the mean, not the tail', 0, 2000, 10_000, 11_000, false],
    ['tighter deadline than the target: the caller passes the sooner', 3000, 2000, 4000, undefined, true],
  ])('%s', (_name, predictedWaitMs, meanServiceMs, targetLatencyMs, serviceTailMs, want) => {
    expect(shouldOverflow({ predictedWaitMs, meanServiceMs, targetLatencyMs, serviceTailMs })).toBe(want);
  });
});

describe('overflowOnArrival', () => {
  it('keeps calls while the ready slots can answer them in time, and sends the excess', () => {
    // 8 slots busy, 2 s each: the n-th queued call starts after (n + 1) x 250 ms.
    const state = (waiting: number): QueueState => ({ ...base, waiting, inFlight: 8 });
    // wait + 2 s mean <= 10 s: up to 31 ahead (32 x 250 = 8000 ms).
    expect(overflowOnArrival(state(31), 10_000)).toBe(false);
    expect(overflowOnArrival(state(32), 10_000)).toBe(true);
    // With a 5 s tail: up to 19 ahead (20 x 250 = 5000 ms).
    expect(overflowOnArrival(state(19), 10_000, 5000)).toBe(false);
    expect(overflowOnArrival(state(20), 10_000, 5000)).toBe(true);
  });

  it('sends everything with no ready replica, and takes calls back once one is ready', () => {
    expect(overflowOnArrival({ ...base, readyReplicas: 0 }, 10_000, 5000)).toBe(true);
    expect(overflowOnArrival({ ...base, readyReplicas: 1, inFlight: 0 }, 10_000, 5000)).toBe(false);
  });
});
