// Missing queue signals (Redis unreachable, a router not reporting) hold the current count:
// deciding on no data could empty a busy Specialist, and must never reach zero.
import { describe, expect, it } from 'vitest';
import { decideReplicas } from './decide-replicas.js';
import { initialPolicyState } from './policy-state.js';
import { T0, replicasOf, repeat, run, signalsWith, specWith } from './signals.fixture.js';
import type { SpecialistSignals } from './types.js';

describe('missing signals', () => {
  it.each<[string, Partial<SpecialistSignals>]>([
    ['waiting missing', { waiting: undefined }],
    ['active missing', { active: undefined }],
    ['both missing', { waiting: undefined, active: undefined }],
    ['waiting not a number', { waiting: Number.NaN }],
    ['active negative', { active: -1 }],
    // The other fields would ask for many replicas; with the queue unknown they are ignored.
    ['missing even with a high arrival rate', { waiting: undefined, arrivalRate: 100, serviceTimeSeconds: 1 }],
  ])('%s: holds the current 3', (_name, sample) => {
    const made = decideReplicas(specWith(), signalsWith({ currentReplicas: 3, ...sample }), initialPolicyState(), T0);
    expect([made.replicas, made.reason]).toEqual([3, 'holding 3: queue signals missing']);
  });

  it.each<[string, number, number, number, number]>([
    ['below min', 2, 20, 0, 2],
    ['above max', 0, 4, 6, 4],
  ])('holding still respects the bounds: %s', (_name, minReplicas, maxReplicas, currentReplicas, replicas) => {
    const spec = specWith({ minReplicas, maxReplicas });
    const signals = signalsWith({ waiting: undefined, currentReplicas });
    expect(decideReplicas(spec, signals, initialPolicyState(), T0).replicas).toBe(replicas);
  });

  it('never scales to zero on missing data, however long it is missing', () => {
    const decisions = run(specWith({ scaleToZeroAfterSeconds: 60 }), [
      { waiting: 4 },
      ...repeat(100, { waiting: undefined }),
    ]);
    expect(Math.min(...replicasOf(decisions))).toBe(1);
  });

  it('restarts the idle clock: zero comes a full idle period after the data returns', () => {
    const spec = specWith({ scaleDownDelaySeconds: 30, scaleToZeroAfterSeconds: 60 });
    const decisions = run(spec, [{ waiting: 4 }, ...repeat(10, { waiting: undefined }), ...repeat(7, {})]);
    // Last missing sample at 100 s; idle data from 110 s; zero at 160 s (60 s after 100 s).
    expect(replicasOf(decisions).slice(11)).toEqual([1, 1, 1, 1, 1, 0, 0]);
  });

  it('does not scale down a busy Specialist while data is missing', () => {
    const decisions = run(specWith({ scaleDownDelaySeconds: 0 }), [
      { waiting: 32 },
      ...repeat(5, { active: undefined }),
    ]);
    expect(replicasOf(decisions)).toEqual([8, 8, 8, 8, 8, 8]);
  });
});
