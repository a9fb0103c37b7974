// The steady-state anchor: the arrival stream sized from a smoothed load with a tolerance, and,
// with a latency target, a queue sized by how fast it must drain instead of by calls per
// replica. Poisson arrivals make every single sample noisy; these rules keep that noise from
// holding replicas the load does not need. Samples are 10 s apart; 3.2 calls in service fill
// one replica (4 slots at 80%).
import { describe, expect, it } from 'vitest';
import { decideReplicas } from './decide-replicas.js';
import { initialPolicyState } from './policy-state.js';
import { T0, replicasOf, repeat, run, signalsWith, specWith } from './signals.fixture.js';
import type { PolicyState, ScalingPolicySpec, SpecialistSignals } from './types.js';

const decide = (spec: Partial<ScalingPolicySpec>, signals: Partial<SpecialistSignals>, state?: PolicyState) =>
  decideReplicas(specWith(spec), signalsWith(signals), state ?? initialPolicyState(), T0);

describe('tolerance on the arrival sizing', () => {
  it.each<[string, number, number]>([
    // 3.4 / 3.2 = 1.06 replicas: 6% over one replica's target is within the tolerance.
    ['6% over one replica keeps one', 3.4, 1],
    // 3.6 / 3.2 = 1.125: beyond 10%, a second replica.
    ['12.5% over one replica adds one', 3.6, 2],
    ['exactly three replicas stays three', 9.6, 3],
  ])('%s', (_name, arrivalRate, replicas) => {
    expect(decide({}, { arrivalRate, serviceTimeSeconds: 1 }).replicas).toBe(replicas);
  });

  it('says when the tolerance kept the count', () => {
    expect(decide({}, { arrivalRate: 3.4, serviceTimeSeconds: 1 }).reason).toBe(
      'load 3.4 calls in service (arrivals x 1 s, smoothed) / (4 x 0.8) -> 1, within 10% of 1',
    );
  });
});

describe('smoothed load', () => {
  const steady = { arrivalRate: 9.6, serviceTimeSeconds: 1 };

  it('one noisy sample does not add a replica', () => {
    // Unsmoothed, 12.8/s would ask for 4; smoothed over 60 s it moves the load to 10.1 calls.
    const decisions = run(specWith(), [...repeat(10, steady), { arrivalRate: 12.8, serviceTimeSeconds: 1 }]);
    expect(replicasOf(decisions)).toEqual(Array<number>(11).fill(3));
    expect(decide({}, { arrivalRate: 12.8, serviceTimeSeconds: 1 }).replicas).toBe(4);
  });

  it('follows a sustained rise within a few time constants', () => {
    const decisions = run(specWith(), [
      ...repeat(5, steady),
      ...repeat(30, { arrivalRate: 19.2, serviceTimeSeconds: 1 }),
    ]);
    expect(decisions.at(-1)!.replicas).toBe(6);
    // Never above what the new load needs on the way: no overshoot from smoothing.
    expect(Math.max(...replicasOf(decisions))).toBe(6);
  });

  it('averages with the kept load, weighted by the time since it', () => {
    // 32 calls 10 s ago, 3.2 now: 32 + (1 - e^(-10/60)) x (3.2 - 32) = 27.58 -> 8.6 replicas -> 8 within tolerance.
    const made = decide(
      {},
      { arrivalRate: 3.2, serviceTimeSeconds: 1 },
      {
        recommendations: [],
        load: { at: T0 - 10_000, calls: 32 },
      },
    );
    expect(made.replicas).toBe(8);
    expect(made.state.load!.calls).toBeCloseTo(27.58, 2);
  });

  it('starts afresh after a gap of more than ten time constants', () => {
    const made = decide(
      {},
      { arrivalRate: 3.2, serviceTimeSeconds: 1 },
      {
        recommendations: [],
        load: { at: T0 - 700_000, calls: 100 },
      },
    );
    expect([made.replicas, made.state.load]).toEqual([1, { at: T0, calls: 3.2 }]);
  });

  it('keeps the last average through a sample without arrivals or service time', () => {
    const state: PolicyState = { recommendations: [], load: { at: T0 - 10_000, calls: 5 } };
    expect(decide({}, { waiting: 4 }, state).state.load).toEqual({ at: T0 - 10_000, calls: 5 });
    expect(decide({}, { waiting: undefined, currentReplicas: 2 }, state).state.load).toEqual(state.load);
  });

  it('survives the JSON round trip', () => {
    const samples = [...repeat(5, steady), ...repeat(5, { arrivalRate: 19.2, serviceTimeSeconds: 1, waiting: 3 })];
    expect(run(specWith(), samples, { roundTrip: true })).toEqual(run(specWith(), samples));
  });
});

describe('with a latency target the queue drains within it', () => {
  const target = { targetLatencyMs: 10_000 };

  it.each<[string, Partial<ScalingPolicySpec>, Partial<SpecialistSignals>, number]>([
    // 40 running calls ask 10 by the queue target; they are the arrival stream's: 16 in service -> 5.
    ['running calls set no floor of their own', target, { active: 40, arrivalRate: 8, serviceTimeSeconds: 2 }, 5],
    [
      'without a target the queue target still sizes them',
      {},
      { active: 40, arrivalRate: 8, serviceTimeSeconds: 2 },
      10,
    ],
    // 8/s x 2 s = 16 slots, plus 200 x 2 s / 10 s = 40 slots to start the waiting calls in time: 56 / 4 -> 14.
    [
      'waiting calls get the slots to start within the target',
      target,
      { waiting: 200, active: 16, arrivalRate: 8, serviceTimeSeconds: 2 },
      14,
    ],
    // 8 calls of 10 s cannot start within 1 s on fewer than 8 slots; more would not help: (1 + 8) / 4 -> 3.
    [
      'at most a slot per waiting call',
      { targetLatencyMs: 1000 },
      { waiting: 8, arrivalRate: 0.1, serviceTimeSeconds: 10 },
      3,
    ],
    // The same queue with the target already missed: a slot per call, 160 / 4 = 40, max 20.
    [
      'a missed target still asks a slot per call',
      target,
      { waiting: 100, active: 60, arrivalRate: 8, serviceTimeSeconds: 2, oldestWaitingSeconds: 30 },
      20,
    ],
  ])('%s', (_name, spec, signals, replicas) => {
    expect(decide(spec, signals).replicas).toBe(replicas);
  });

  it('jumps from 0 to the needed count in one decision on a real backlog', () => {
    // 24/s of 2 s calls, 120 waiting: 48 + 24 slots / 8 per replica -> 9, not max.
    const spec = specWith({ ...target, maxConcurrency: 8, targetUtilisation: 0.75, targetQueuePerReplica: 6 });
    const made = run(spec, [{ waiting: 120, arrivalRate: 24, serviceTimeSeconds: 2 }]);
    expect(replicasOf(made)).toEqual([9]);
    expect(made[0]!.reason).toBe('120 waiting to start within 10 s beside arrivals 24/s x 2 s, 8 per replica -> 9');
  });

  it('holds one count under noisy steady arrivals', () => {
    // Poisson-like samples around 25.6 calls in service (25.6/s x 1 s); in-flight varies too.
    // Against the 10 s target, queueing (M/M/c) finds 7 replicas (28 slots) enough.
    const rates = [25.6, 28, 23, 27.5, 24, 26.5, 22.5, 29, 25, 26];
    const samples = Array.from({ length: 60 }, (_, index) => ({
      arrivalRate: rates[index % rates.length]!,
      serviceTimeSeconds: 1,
      active: 20 + (index % 7),
      waiting: index % 9 === 0 ? 3 : 0,
    }));
    const replicas = replicasOf(run(specWith(target), samples));
    expect(new Set(replicas)).toEqual(new Set([7]));
  });

  it('sizes a young queue from the smoothed load and a pressing one from the latest rate', () => {
    // A minute at 8/s of 1 s calls, then one sample at 24/s with 4 calls waiting.
    const spec = specWith({ ...target, maxConcurrency: 4, maxReplicas: 40 });
    const steady = repeat(6, { arrivalRate: 8, serviceTimeSeconds: 1, active: 8 });
    const surge = { arrivalRate: 24, serviceTimeSeconds: 1, active: 8, waiting: 4 };
    const young = run(spec, [...steady, { ...surge, oldestWaitingSeconds: 1 }]).at(-1)!;
    // Older than a quarter of the 10 s target: the burst is real, (24 x 1 + 4 x 1 / 10) / 4 -> 7.
    const pressing = run(spec, [...steady, { ...surge, oldestWaitingSeconds: 3 }]).at(-1)!;
    expect(young.replicas).toBeLessThan(pressing.replicas);
    expect(pressing.replicas).toBe(7);
  });
});
