import { describe, expect, it } from 'vitest';
import { planConvergence, startBackoffMs, type ReplicaState } from './convergence.js';

/** Replicas named r0, r1 ... (oldest first) in the given states. */
const pool = (...states: ReplicaState[]) => states.map((state, i) => ({ name: `r${i}`, state }));

describe('planConvergence', () => {
  it.each([
    // [what, replicas, target, plan]
    ['nothing to do', pool('ready', 'ready'), 2, { start: 0, stop: [], forget: [] }],
    ['scales from zero', pool(), 3, { start: 3, stop: [], forget: [] }],
    ['an ask while a replica starts is served', pool('starting'), 4, { start: 3, stop: [], forget: [] }],
    ['starting and unready replicas count as live', pool('starting', 'unready'), 2, { start: 0, stop: [], forget: [] }],
    ['replaces an exited replica', pool('ready', 'exited'), 2, { start: 1, stop: [], forget: ['r1'] }],
    ['replaces a drained replica', pool('draining', 'ready'), 2, { start: 1, stop: ['r0'], forget: [] }],
    ['a replica being stopped counts for nothing', pool('stopping', 'ready'), 2, { start: 1, stop: [], forget: [] }],
    [
      'scale-down: drops the dead, keeps the live',
      pool('ready', 'exited', 'ready'),
      2,
      { start: 0, stop: [], forget: ['r1'] },
    ],
    [
      'scale-down: stops the unready before the ready',
      pool('ready', 'unready', 'ready'),
      2,
      { start: 0, stop: ['r1'], forget: [] },
    ],
    [
      'scale-down: stops the youngest ready first',
      pool('ready', 'ready', 'ready'),
      1,
      { start: 0, stop: ['r2', 'r1'], forget: [] },
    ],
    [
      'scale-down: a ready replica stays while a surplus one is still starting',
      pool('ready', 'starting'),
      1,
      { start: 0, stop: [], forget: [] },
    ],
    [
      'scale-down to zero: everything that can stop, stops',
      pool('ready', 'starting', 'unready', 'draining', 'exited'),
      0,
      { start: 0, stop: ['r3', 'r2', 'r0'], forget: ['r4'] },
    ],
    [
      'replaces dead and drained at once',
      pool('exited', 'draining', 'ready', 'exited'),
      3,
      { start: 2, stop: ['r1'], forget: ['r0', 'r3'] },
    ],
  ] as const)('%s', (_what, replicas, target, plan) => {
    expect(planConvergence({ replicas, target, startsAllowed: true })).toEqual(plan);
  });

  it('starts nothing while a failed start waits for its backoff, but still drops and stops', () => {
    expect(planConvergence({ replicas: pool('exited', 'draining'), target: 2, startsAllowed: false })).toEqual({
      start: 0,
      stop: ['r1'],
      forget: ['r0'],
    });
  });

  it('treats a negative target as zero', () => {
    expect(planConvergence({ replicas: pool('ready'), target: -1, startsAllowed: true })).toEqual({
      start: 0,
      stop: ['r0'],
      forget: [],
    });
  });
});

describe('startBackoffMs', () => {
  it.each([
    [0, 0],
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [6, 30_000],
    [50, 30_000],
  ])('after %i failed starts: %i ms', (failures, ms) => {
    expect(startBackoffMs(failures)).toBe(ms);
  });
});
