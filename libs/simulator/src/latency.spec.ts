import { describe, expect, it } from 'vitest';
import { TokenSchedule, tokenDelay } from './latency.js';

describe('tokenDelay', () => {
  it('is tpot alone, and grows by the slowdown fraction per other request in the batch', () => {
    const settings = { ttft: 50, tpot: 10, batchSlowdown: 0.5 };
    expect(tokenDelay(settings, 1)).toBe(10);
    expect(tokenDelay(settings, 3)).toBe(20);
    expect(tokenDelay({ ...settings, batchSlowdown: 0 }, 64)).toBe(10);
  });

  it('treats an empty batch like a batch of one', () => {
    expect(tokenDelay({ ttft: 0, tpot: 10, batchSlowdown: 1 }, 0)).toBe(10);
  });
});

describe('TokenSchedule', () => {
  it('makes the first token due after ttft, then one token per delay', () => {
    const schedule = new TokenSchedule(3, 1000, 100);
    expect(schedule.take(1099, 10)).toBe(0);
    expect(schedule.nextDueAt).toBe(1100);
    expect(schedule.take(1100, 10)).toBe(1);
    expect(schedule.nextDueAt).toBe(1110);
    expect(schedule.take(1115, 10)).toBe(1);
    expect(schedule.done).toBe(false);
    expect(schedule.take(1120, 10)).toBe(1);
    expect(schedule.done).toBe(true);
    expect(schedule.emittedCount).toBe(3);
  });

  it('hands out every overdue token at once, so a late timer writes them together', () => {
    const schedule = new TokenSchedule(10, 0, 0);
    expect(schedule.take(0, 2)).toBe(1);
    expect(schedule.take(7, 2)).toBe(3);
  });

  it('makes every token due immediately when ttft and tpot are zero', () => {
    const schedule = new TokenSchedule(5, 42, 0);
    expect(schedule.take(42, 0)).toBe(5);
    expect(schedule.done).toBe(true);
    expect(schedule.take(43, 0)).toBe(0);
  });

  it('spaces later tokens by the delay given at the time, as the batch changes', () => {
    const schedule = new TokenSchedule(4, 0, 0);
    schedule.take(0, 10); // batch of one: next token at 10
    schedule.take(10, 30); // batch grew: next token at 40
    expect(schedule.take(39, 30)).toBe(0);
    expect(schedule.take(40, 30)).toBe(1);
  });

  it('tells when the last token is due at the current delay', () => {
    const schedule = new TokenSchedule(4, 0, 100);
    expect(schedule.lastDueAt(10)).toBe(130); // tokens at 100, 110, 120, 130
    expect(schedule.take(130, 10)).toBe(4);
    const single = new TokenSchedule(1, 0, 100);
    expect(single.lastDueAt(10)).toBe(100);
  });

  it('hands out fewer tokens than planned when the delay grew meanwhile', () => {
    const schedule = new TokenSchedule(4, 0, 0);
    const wakeAt = schedule.lastDueAt(10); // 30, if the delay stays 10
    expect(schedule.take(wakeAt, 20)).toBe(2); // the batch grew: tokens at 0 and 20 only
    expect(schedule.done).toBe(false);
  });
});
