// While pods cannot be placed, the ask does not grow; otherwise the decision passes through.
import { describe, expect, it } from 'vitest';
import { capForPlacement, type PlacementCap } from './cap-for-placement.js';

describe('capForPlacement', () => {
  it.each<[string, number, number, number, PlacementCap]>([
    ['nothing pending: up as decided', 8, 3, 0, { replicas: 8, capped: false }],
    [
      'pending pods: no more than now',
      8,
      5,
      2,
      { replicas: 5, capped: true, reason: '2 pods cannot be placed: holding at 5 instead of 8' },
    ],
    [
      'one pending pod',
      2,
      1,
      1,
      { replicas: 1, capped: true, reason: '1 pod cannot be placed: holding at 1 instead of 2' },
    ],
    ['pending pods: scale-down still allowed', 2, 5, 2, { replicas: 2, capped: false }],
    ['pending pods: level stays level', 5, 5, 3, { replicas: 5, capped: false }],
    ['a nonsense pending count is ignored', 8, 3, Number.NaN, { replicas: 8, capped: false }],
  ])('%s', (_name, desired, current, pending, expected) => {
    expect(capForPlacement(desired, current, pending)).toEqual(expected);
  });
});
