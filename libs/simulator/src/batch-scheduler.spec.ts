import { describe, expect, it } from 'vitest';
import { BatchScheduler } from './batch-scheduler.js';

describe('BatchScheduler', () => {
  const recording = (maxBatch: number): { scheduler: BatchScheduler<string>; started: string[] } => {
    const started: string[] = [];
    return { scheduler: new BatchScheduler<string>(maxBatch, (item) => started.push(item)), started };
  };

  it('starts up to maxBatch at once and queues the rest', () => {
    const { scheduler, started } = recording(2);
    for (const item of ['a', 'b', 'c', 'd']) scheduler.submit(item);
    expect(started).toEqual(['a', 'b']);
    expect(scheduler.activeCount).toBe(2);
    expect(scheduler.waitingCount).toBe(2);
    expect(scheduler.isActive('c')).toBe(false);
  });

  it('lets waiting requests in first-in first-out as slots free up', () => {
    const { scheduler, started } = recording(1);
    for (const item of ['a', 'b', 'c']) scheduler.submit(item);
    scheduler.release('a');
    expect(started).toEqual(['a', 'b']);
    scheduler.release('b');
    expect(started).toEqual(['a', 'b', 'c']);
    scheduler.release('c');
    expect(scheduler.activeCount).toBe(0);
  });

  it('drops a waiting request that gives up without starting it', () => {
    const { scheduler, started } = recording(1);
    for (const item of ['a', 'b', 'c']) scheduler.submit(item);
    scheduler.release('b');
    expect(scheduler.waitingCount).toBe(1);
    scheduler.release('a');
    expect(started).toEqual(['a', 'c']);
  });

  it('ignores releasing something it does not hold', () => {
    const { scheduler, started } = recording(1);
    scheduler.submit('a');
    scheduler.release('zzz');
    scheduler.release('zzz');
    expect(scheduler.activeCount).toBe(1);
    expect(started).toEqual(['a']);
  });

  it('copes with items that finish inside start, without one stack frame per waiting item', () => {
    const blocker = -1;
    const finished: number[] = [];
    const scheduler: BatchScheduler<number> = new BatchScheduler<number>(1, (item) => {
      if (item === blocker) return; // holds the only slot until released below
      finished.push(item);
      scheduler.release(item);
    });
    scheduler.submit(blocker);
    for (let i = 0; i < 50_000; i++) scheduler.submit(i);
    expect(scheduler.waitingCount).toBe(50_000);
    // Every waiting item now starts and finishes during this one release.
    scheduler.release(blocker);
    expect(finished).toHaveLength(50_000);
    expect(finished.at(-1)).toBe(49_999);
    expect(scheduler.activeCount).toBe(0);
  });

  it('rejects a batch size below one', () => {
    expect(() => new BatchScheduler(0, () => undefined)).toThrow('maxBatch');
  });
});
