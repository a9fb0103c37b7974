import { describe, expect, it } from 'vitest';
import { erlangC, replicasForTarget, waitBeyond } from './queueing.js';

describe('erlangC', () => {
  it('matches known values', () => {
    // One server at load 0.5 (M/M/1): an arrival waits with probability 0.5.
    expect(erlangC(1, 0.5)).toBeCloseTo(0.5, 10);
    // Two servers at load 1: C = 1/3.
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 10);
  });

  it('is 0 without load and 1 at or over capacity', () => {
    expect(erlangC(4, 0)).toBe(0);
    expect(erlangC(4, 4)).toBe(1);
    expect(erlangC(4, 9)).toBe(1);
  });
});

describe('waitBeyond', () => {
  it('falls with the wait budget and the slots', () => {
    const short = waitBeyond(8, 6, 1, 0.5);
    expect(waitBeyond(8, 6, 1, 2)).toBeLessThan(short);
    expect(waitBeyond(16, 6, 1, 0.5)).toBeLessThan(short);
    expect(waitBeyond(8, 6, 1, 0)).toBeCloseTo(erlangC(8, 6), 10);
  });
});

describe('replicasForTarget', () => {
  it('runs many slots fuller than few at the same target', () => {
    // 48 calls in service, 8 slots a replica, 2 s calls, 10 s target: 7 replicas (86% busy).
    expect(replicasForTarget(48, 8, 2, 10, 0.005)).toBe(7);
    // 2 calls in service: one replica, 25% busy.
    expect(replicasForTarget(2, 8, 2, 10, 0.005)).toBe(1);
  });

  it('needs more replicas for a tighter target', () => {
    expect(replicasForTarget(48, 8, 2, 2.5, 0.005)).toBeGreaterThan(replicasForTarget(48, 8, 2, 10, 0.005));
  });

  it('is 0 without load, and stops at the limit', () => {
    expect(replicasForTarget(0, 8, 2, 10, 0.005)).toBe(0);
    expect(replicasForTarget(1e6, 1, 2, 10, 0.005, 50)).toBe(50);
  });
});
