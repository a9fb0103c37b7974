// The queue's signals from BullMQ job counts and the oldest waiting job's timestamp.
import { describe, expect, it } from 'vitest';
import { oldestTimestamp, queueSignalsFrom, type QueueJobCounts, type QueueSignals } from './queue-signals.js';

const NOW = 1_700_000_000_000;

describe('queueSignalsFrom', () => {
  it.each<[string, QueueJobCounts | undefined, number | undefined, QueueSignals]>([
    [
      'an empty queue',
      { wait: 0, prioritized: 0, active: 0 },
      undefined,
      { waiting: 0, active: 0, oldestWaitingSeconds: 0 },
    ],
    [
      'waiting is the wait list plus the prioritized set',
      { wait: 2, prioritized: 5, active: 3 },
      NOW - 12_500,
      { waiting: 7, active: 3, oldestWaitingSeconds: 12.5 },
    ],
    [
      'only running calls: nothing waits, age 0 whatever the timestamp',
      { wait: 0, prioritized: 0, active: 4 },
      NOW - 60_000,
      { waiting: 0, active: 4, oldestWaitingSeconds: 0 },
    ],
    [
      'counted waiting but taken before its timestamp was read: none waits now',
      { wait: 0, prioritized: 1, active: 0 },
      undefined,
      { waiting: 1, active: 0, oldestWaitingSeconds: 0 },
    ],
    [
      'a timestamp ahead of the clock gives age 0',
      { wait: 1, prioritized: 0, active: 0 },
      NOW + 2_000,
      { waiting: 1, active: 0, oldestWaitingSeconds: 0 },
    ],
    [
      'Redis unreadable: every signal missing',
      undefined,
      undefined,
      { waiting: undefined, active: undefined, oldestWaitingSeconds: undefined },
    ],
    [
      'a missing prioritized count: waiting and its age missing, active known',
      { wait: 3, active: 2 },
      NOW - 1_000,
      { waiting: undefined, active: 2, oldestWaitingSeconds: undefined },
    ],
    [
      'a missing active count: only active missing',
      { wait: 0, prioritized: 2 },
      NOW - 3_000,
      { waiting: 2, active: undefined, oldestWaitingSeconds: 3 },
    ],
    [
      'a negative or non-finite count is missing',
      { wait: -1, prioritized: 0, active: NaN },
      undefined,
      { waiting: undefined, active: undefined, oldestWaitingSeconds: undefined },
    ],
  ])('%s', (_name, counts, oldest, expected) => {
    expect(queueSignalsFrom(counts, oldest, NOW)).toEqual(expected);
  });

  it("takes BullMQ's getJobCounts result as it comes", () => {
    const counts: Record<string, number> = { wait: 1, prioritized: 1, active: 0 };
    expect(queueSignalsFrom(counts, NOW - 500, NOW).oldestWaitingSeconds).toBe(0.5);
  });
});

describe('oldestTimestamp', () => {
  it.each<[string, { timestamp: number }[], number | undefined]>([
    ['no jobs', [], undefined],
    ['one job', [{ timestamp: NOW }], NOW],
    [
      'the smallest, wherever it is',
      [{ timestamp: NOW - 5 }, { timestamp: NOW - 90 }, { timestamp: NOW - 30 }],
      NOW - 90,
    ],
    ['skipping timestamps that are not valid', [{ timestamp: 0 }, { timestamp: NaN }, { timestamp: NOW - 7 }], NOW - 7],
  ])('%s', (_name, jobs, expected) => {
    expect(oldestTimestamp(jobs)).toBe(expected);
  });
});
