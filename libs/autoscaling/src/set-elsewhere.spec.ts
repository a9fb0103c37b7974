// A count set by hand in managed mode holds for one scale-down delay, then the load decides.
import { describe, expect, it } from 'vitest';
import { decideReplicas } from './decide-replicas.js';
import { initialPolicyState, noteReplicasSetElsewhere } from './policy-state.js';
import { INTERVAL_MS, T0, signalsWith, specWith } from './signals.fixture.js';

describe('noteReplicasSetElsewhere', () => {
  it('leaves the state alone when the count is what the autoscaler asked for, or it has not seen one', () => {
    const state = { recommendations: [{ at: T0, replicas: 2 }] };
    expect(noteReplicasSetElsewhere(state, 2, 2, T0 + 1)).toBe(state);
    expect(noteReplicasSetElsewhere(state, 5, undefined, T0 + 1)).toBe(state);
  });

  it('holds a count set by hand for the scale-down delay, then follows the load', () => {
    const spec = specWith({ minReplicas: 1, scaleDownDelaySeconds: 60 });
    const idle = (current: number, at: number) => signalsWith({ at, currentReplicas: current, readyReplicas: current });
    // The autoscaler keeps 1 for an idle Specialist; then someone scales it to 3.
    let state = decideReplicas(spec, idle(1, T0), initialPolicyState(), T0).state;
    const at = T0 + INTERVAL_MS;
    state = noteReplicasSetElsewhere(state, 3, 1, at) ?? state;
    let decision = decideReplicas(spec, idle(3, at), state, at);
    const replicas = [decision.replicas];
    // One decision every interval, as the operator runs them, for 90 s.
    for (let t = at + INTERVAL_MS; t <= at + 90_000; t += INTERVAL_MS) {
      decision = decideReplicas(spec, idle(decision.replicas, t), decision.state, t);
      replicas.push(decision.replicas);
    }
    // Held while the hand-set 3 is within the last 60 s, then the idle load's 1.
    expect(replicas.slice(0, 6)).toEqual([3, 3, 3, 3, 3, 3]);
    expect(replicas.at(-1)).toBe(1);
  });
});
