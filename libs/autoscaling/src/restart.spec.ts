// The operator keeps PolicyState as JSON on the Specialist. A restart reads it back, and
// must then decide exactly as if it had never stopped (no flapping after a restart).
import { describe, expect, it } from 'vitest';
import { decideReplicas } from './decide-replicas.js';
import { initialPolicyState } from './policy-state.js';
import { T0, repeat, run, signalsWith, specWith } from './signals.fixture.js';
import type { PolicyState, SpecialistSignals } from './types.js';

// Up, a lull, missing data, a latency miss, idle to zero and back: every rule gets a turn.
const samples: Partial<SpecialistSignals>[] = [
  { waiting: 32 },
  { waiting: 4, arrivalRate: 2, serviceTimeSeconds: 1 },
  { waiting: undefined },
  { waiting: 40, latencySeconds: 9 },
  ...repeat(8, { waiting: 2, active: 1 }),
  ...repeat(8, {}),
  { waiting: 3 },
];
const spec = specWith({
  scaleDownDelaySeconds: 40,
  scaleToZeroAfterSeconds: 50,
  targetLatencyMs: 2000,
  targetQueuePerReplica: 8,
});

describe('state across a restart', () => {
  it('decides the same with the state passed through JSON at every step', () => {
    const straight = run(spec, samples);
    expect(run(spec, samples, { roundTrip: true })).toEqual(straight);
    // The run must exercise the window, missing data, the latency raise and zero, or the
    // comparison proves little.
    expect(straight.map((made) => made.replicas)).toEqual([
      ...[4, 4, 4, 10, 10, 10, 10],
      ...[1, 1, 1, 1, 1, 1, 1, 1, 1],
      ...[0, 0, 0, 0, 1],
    ]);
  });

  it('keeps the window across a restart in the middle of a scale-down delay', () => {
    const before = run(spec, [{ waiting: 80 }, { waiting: 8 }]);
    const saved = JSON.parse(JSON.stringify(before.at(-1)!.state)) as PolicyState;
    const now = T0 + 20_000;
    const after = decideReplicas(spec, signalsWith({ at: now, waiting: 8, currentReplicas: 10 }), saved, now);
    expect([after.replicas, after.reason]).toEqual([10, 'scale-down delayed: highest in last 40 s is 10']);
  });

  it('does not change the state it is given', () => {
    const state: PolicyState = { recommendations: [{ at: T0 - 10_000, replicas: 6 }], lastBusyAt: T0 - 10_000 };
    const copy = structuredClone(state);
    decideReplicas(spec, signalsWith({ waiting: 80, currentReplicas: 6 }), state, T0);
    expect(state).toEqual(copy);
  });

  it('forgets recommendations older than the window', () => {
    const state: PolicyState = {
      recommendations: [
        { at: T0 - 60_000, replicas: 6 },
        { at: T0 - 10_000, replicas: 2 },
      ],
    };
    const made = decideReplicas(spec, signalsWith({ waiting: 8, currentReplicas: 2 }), state, T0);
    expect(made.state.recommendations).toEqual([
      { at: T0 - 10_000, replicas: 2 },
      { at: T0, replicas: 1 },
    ]);
  });

  it('starts empty', () => {
    expect(initialPolicyState()).toEqual({ recommendations: [] });
  });
});
