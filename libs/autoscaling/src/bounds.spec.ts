// minReplicas and maxReplicas bound every decision, whatever the load or the window says.
import { describe, expect, it } from 'vitest';
import { decideReplicas } from './decide-replicas.js';
import { initialPolicyState } from './policy-state.js';
import { T0, replicasOf, repeat, run, signalsWith, specWith } from './signals.fixture.js';

describe('bounds', () => {
  it.each<[string, number, number, number, number, number]>([
    // name, min, max, waiting, current -> replicas
    ['a backlog beyond max stops at max', 0, 20, 400, 0, 20],
    ['idle at zero with min 2 goes up to min', 2, 20, 0, 0, 2],
    ['a backlog below min still gets min', 3, 20, 1, 0, 3],
    ['a raised min applies at once', 5, 20, 0, 2, 5],
    // A lowered max applies at once: the window holds counts within bounds only.
    ['a lowered max applies at once', 0, 4, 40, 6, 4],
  ])('%s', (_name, minReplicas, maxReplicas, waiting, currentReplicas, replicas) => {
    const spec = specWith({ minReplicas, maxReplicas });
    const made = decideReplicas(spec, signalsWith({ waiting, currentReplicas }), initialPolicyState(), T0);
    expect(made.replicas).toBe(replicas);
  });

  it('says when max cut the count', () => {
    const made = decideReplicas(specWith({ maxReplicas: 8 }), signalsWith({ waiting: 40 }), initialPolicyState(), T0);
    expect(made.reason).toBe('backlog 40 calls / 4 per replica -> 10, max 8');
  });

  it('lowers to a new max even inside the scale-down window', () => {
    const made = run(specWith({ maxReplicas: 10 }), [{ waiting: 40 }]);
    const lowered = decideReplicas(
      specWith({ maxReplicas: 3 }),
      signalsWith({ at: T0 + 10_000, waiting: 40, currentReplicas: 10 }),
      made[0]!.state,
      T0 + 10_000,
    );
    expect([lowered.replicas, lowered.reason]).toEqual([3, 'lowering to max 3']);
  });

  it('never scales to zero when min is above 0, however long idle', () => {
    const decisions = run(specWith({ minReplicas: 1 }), [{ waiting: 12 }, ...repeat(100, {})]);
    expect(Math.min(...replicasOf(decisions))).toBe(1);
    expect(decisions.at(-1)!.replicas).toBe(1);
  });
});
