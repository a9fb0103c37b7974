// To and from zero: a call at zero replicas scales up at once; zero comes only after an idle
// period, and only with minReplicas 0. Samples are 10 s apart.
import { describe, expect, it } from 'vitest';
import { decideReplicas } from './decide-replicas.js';
import { initialPolicyState } from './policy-state.js';
import { T0, replicasOf, repeat, run, signalsWith, specWith } from './signals.fixture.js';

describe('from zero', () => {
  it.each<[string, number, number]>([
    ['one call at zero gets one replica', 1, 1],
    ['twenty calls at zero get five at once', 20, 5],
  ])('%s', (_name, waiting, replicas) => {
    expect(run(specWith(), [{ waiting }], { currentReplicas: 0 })[0]!.replicas).toBe(replicas);
  });

  it('scales up from zero at once even right after scaling to zero', () => {
    // Idle long enough to reach zero, then a call: the window must not delay the way up.
    const decisions = run(specWith({ scaleDownDelaySeconds: 60 }), [{ waiting: 4 }, ...repeat(6, {}), { waiting: 1 }]);
    expect(replicasOf(decisions).slice(-2)).toEqual([0, 1]);
  });
});

describe('to zero', () => {
  it('stays above zero until idle for scaleToZeroAfterSeconds (default the delay), then goes straight to 0', () => {
    const decisions = run(specWith(), [{ waiting: 12 }, ...repeat(31, {})]);
    // 3 replicas busy at 0 s; held 3 by the window until 290 s; zero at 300 s idle.
    expect(replicasOf(decisions)).toEqual([3, ...Array<number>(29).fill(3), 0, 0]);
    expect(decisions[30]!.reason).toBe('scale to zero after 300 s idle');
  });

  it('goes to zero after a shorter scaleToZeroAfterSeconds, before the scale-down delay', () => {
    const decisions = run(specWith({ scaleToZeroAfterSeconds: 60 }), [{ waiting: 12 }, ...repeat(6, {})]);
    expect(replicasOf(decisions)).toEqual([3, 3, 3, 3, 3, 3, 0]);
  });

  it('keeps one replica after the delay until a longer scaleToZeroAfterSeconds', () => {
    const spec = specWith({ scaleDownDelaySeconds: 30, scaleToZeroAfterSeconds: 60 });
    const decisions = run(spec, [{ waiting: 12 }, ...repeat(6, {})]);
    expect(replicasOf(decisions)).toEqual([3, 3, 3, 1, 1, 1, 0]);
    expect(decisions[4]!.reason).toBe('idle 40 s of 60 s before zero: keeping 1');
  });

  it('counts calls arriving between samples as busy', () => {
    // The queue is empty at each sample but calls keep arriving and finishing: not idle.
    const decisions = run(specWith({ scaleToZeroAfterSeconds: 60 }), [
      { waiting: 4 },
      ...repeat(10, { arrivalRate: 0.1 }),
    ]);
    expect(Math.min(...replicasOf(decisions))).toBe(1);
  });

  it('does not go to zero at the first idle sample of a fresh state', () => {
    // The idle clock starts at the first look: a new or restarted operator has not seen the
    // Specialist idle for long yet.
    const made = decideReplicas(specWith(), signalsWith({ currentReplicas: 2 }), initialPolicyState(), T0);
    expect(made.replicas).toBe(2);
  });

  it('stays at zero when idle at zero', () => {
    const decisions = run(specWith({ scaleToZeroAfterSeconds: 0 }), repeat(3, {}));
    expect(replicasOf(decisions)).toEqual([0, 0, 0]);
  });
});
