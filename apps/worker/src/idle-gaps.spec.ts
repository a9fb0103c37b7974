import { describe, expect, it } from 'vitest';
import { IdleGaps } from './idle-gaps.js';

describe('IdleGaps', () => {
  it('is the time from a freed slot to the next start, for a call queued before the slot freed', () => {
    const gaps = new IdleGaps(1);
    expect(gaps.callStarted(1_000, 0)).toBeUndefined(); // first use of the slot
    expect(gaps.callEnded(50, 2_000)).toBeUndefined();
    expect(gaps.callStarted(1_500, 53)).toBe(3);
  });

  it('counts nothing when the next call arrived after the slot freed (the queue was empty)', () => {
    const gaps = new IdleGaps(1);
    gaps.callStarted(0, 0);
    gaps.callEnded(50, 2_000);
    expect(gaps.callStarted(2_001, 400)).toBeUndefined();
  });

  it('a call taken ahead while every slot is busy takes the next freed slot with no gap', () => {
    const gaps = new IdleGaps(1);
    gaps.callStarted(0, 0);
    expect(gaps.callStarted(10, 40)).toBeUndefined(); // ahead: queued in the engine
    expect(gaps.callEnded(45, 1_045)).toBe(0);
    expect(gaps.callEnded(90, 1_090)).toBeUndefined();
    expect(gaps.callStarted(1_050, 95)).toBe(5);
  });

  it('pairs starts with the oldest freed slot', () => {
    const gaps = new IdleGaps(2);
    gaps.callStarted(0, 0);
    gaps.callStarted(0, 1);
    gaps.callEnded(10, 1_010);
    gaps.callEnded(20, 1_020);
    expect(gaps.callStarted(1_000, 31)).toBe(21);
    expect(gaps.callStarted(1_000, 32)).toBe(12);
  });
});
