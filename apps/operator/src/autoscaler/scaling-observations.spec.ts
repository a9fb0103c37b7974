import { describe, expect, it } from 'vitest';
import { ScalingObservations } from './scaling-observations.js';

describe('ScalingObservations', () => {
  it('asks for a status write on a scale or a GPU shortfall at once', () => {
    const observations = new ScalingObservations();
    expect(observations.record('a/x', { queue: { waiting: 0, active: 0 } }, 0)).toBe(true);
    expect(observations.record('a/x', { queue: { waiting: 0, active: 0 } }, 1000)).toBe(false);
    expect(observations.record('a/x', { queue: { waiting: 0, active: 0 }, lastScaleTime: 't1' }, 2000)).toBe(true);
    expect(
      observations.record('a/x', { queue: { waiting: 0, active: 0 }, lastScaleTime: 't1', gpuShortfall: 'g' }, 3000),
    ).toBe(true);
  });

  it('shows a queue going busy or idle at once, and a busy queue changing at most every 15 s', () => {
    const observations = new ScalingObservations();
    observations.record('a/x', { queue: { waiting: 0, active: 0 } }, 0);
    expect(observations.record('a/x', { queue: { waiting: 5, active: 2 } }, 1000)).toBe(true);
    expect(observations.record('a/x', { queue: { waiting: 7, active: 2 } }, 6000)).toBe(false);
    expect(observations.record('a/x', { queue: { waiting: 9, active: 2 } }, 16_000)).toBe(true);
    expect(observations.record('a/x', { queue: { waiting: 0, active: 0 } }, 17_000)).toBe(true);
    expect(observations.get('a/x')).toEqual({ queue: { waiting: 0, active: 0 } });
  });

  it('forgets Specialists no longer scaled', () => {
    const observations = new ScalingObservations();
    observations.record('a/x', { queue: { waiting: 1 } }, 0);
    observations.forgetAllBut(new Set());
    expect(observations.get('a/x')).toBeUndefined();
  });
});
