// How much load asks for how many replicas. Every case starts at zero replicas with a fresh
// state, so the recommendation takes effect at once and is what comes out.
import { describe, expect, it } from 'vitest';
import { decideReplicas } from './decide-replicas.js';
import { initialPolicyState } from './policy-state.js';
import { T0, signalsWith, specWith } from './signals.fixture.js';
import type { ScalingPolicySpec, SpecialistSignals } from './types.js';

const decide = (spec: Partial<ScalingPolicySpec>, signals: Partial<SpecialistSignals>) =>
  decideReplicas(specWith(spec), signalsWith(signals), initialPolicyState(), T0);

describe('sizing from the load', () => {
  it.each<[string, Partial<ScalingPolicySpec>, Partial<SpecialistSignals>, number]>([
    ['backlog 40 at 4 per replica', {}, { waiting: 30, active: 10 }, 10],
    ['one call still needs a whole replica', {}, { waiting: 1 }, 1],
    ['a backlog just over a multiple rounds up', {}, { waiting: 9 }, 3],
    // 12/s x 0.5 s = 6 in service; 4 slots at 80% carry 3.2 -> 2 replicas.
    ['arrival rate at the default 80% utilisation', {}, { arrivalRate: 12, serviceTimeSeconds: 0.5 }, 2],
    ['arrival rate at 50% utilisation', { targetUtilisation: 0.5 }, { arrivalRate: 12, serviceTimeSeconds: 0.5 }, 3],
    ['utilisation above 1 counts as 1', { targetUtilisation: 4 }, { arrivalRate: 12, serviceTimeSeconds: 0.5 }, 2],
    // 3 x 0.1 / 0.3 is 1.0000000000000002 in floating point: still one replica.
    [
      'float noise does not add a replica',
      { maxConcurrency: 1, targetUtilisation: 0.3 },
      { arrivalRate: 3, serviceTimeSeconds: 0.1 },
      1,
    ],
    ['arrivals outweigh a small backlog', {}, { waiting: 4, arrivalRate: 32, serviceTimeSeconds: 1 }, 10],
    ['a backlog outweighs slow arrivals', {}, { waiting: 40, arrivalRate: 1, serviceTimeSeconds: 1 }, 10],
    ['no arrival sizing without a service time', {}, { waiting: 4, arrivalRate: 1000 }, 1],
    ['no arrival sizing without an arrival rate', {}, { waiting: 4, serviceTimeSeconds: 60 }, 1],
  ])('%s', (_name, spec, signals, replicas) => {
    expect(decide(spec, signals).replicas).toBe(replicas);
  });

  it('explains the backlog sizing in words', () => {
    expect(decide({}, { waiting: 30, active: 10 }).reason).toBe('backlog 40 calls / 4 per replica -> 10');
  });

  it('explains the arrival sizing in words', () => {
    // Changed with the smoothed load: the reason shows the calls in service it sized from.
    expect(decide({}, { arrivalRate: 12, serviceTimeSeconds: 0.5 }).reason).toBe(
      'load 6 calls in service (arrivals x 0.5 s, smoothed) / (4 x 0.8) -> 2',
    );
  });
});

describe('a latency target raises the count', () => {
  // A roomy queue target (40 per replica) so the latency rules are what decides.
  const roomy = { targetQueuePerReplica: 40, maxConcurrency: 4 };

  it.each<[string, Partial<ScalingPolicySpec>, Partial<SpecialistSignals>, number]>([
    ['without a target the roomy queue target rules', roomy, { waiting: 80, serviceTimeSeconds: 0.5 }, 2],
    // 80 calls x 0.5 s over 4 slots per replica within 2 s: 5 replicas.
    [
      'sized so the backlog drains within the target',
      { ...roomy, targetLatencyMs: 2000 },
      { waiting: 80, serviceTimeSeconds: 0.5 },
      5,
    ],
    [
      'a lax target leaves the queue target in charge',
      { ...roomy, targetLatencyMs: 60_000 },
      { waiting: 80, serviceTimeSeconds: 0.5 },
      2,
    ],
    // Calls of 10 s cannot meet 1 s; beyond a slot per call more replicas cannot help.
    ['never beyond a slot per call', { ...roomy, targetLatencyMs: 1000 }, { waiting: 8, serviceTimeSeconds: 10 }, 2],
    [
      'observed latency over target: a slot per waiting call',
      { ...roomy, targetLatencyMs: 2000 },
      { waiting: 40, latencySeconds: 5 },
      10,
    ],
    [
      'oldest call over target: a slot per waiting call',
      { ...roomy, targetLatencyMs: 2000 },
      { waiting: 40, oldestWaitingSeconds: 3 },
      10,
    ],
    [
      'within target and no service time: no raise',
      { ...roomy, targetLatencyMs: 2000 },
      { waiting: 40, latencySeconds: 1, oldestWaitingSeconds: 1 },
      1,
    ],
    // Late calls that are all running already: more replicas would sit idle.
    ['late but nothing waiting: no raise', { ...roomy, targetLatencyMs: 2000 }, { active: 40, latencySeconds: 5 }, 1],
  ])('%s', (_name, spec, signals, replicas) => {
    expect(decide(spec, signals).replicas).toBe(replicas);
  });

  it('says which observation missed the target', () => {
    const made = decide({ ...roomy, targetLatencyMs: 2000 }, { waiting: 40, latencySeconds: 5 });
    expect(made.reason).toBe('latency 5 s over 2 s target: a slot per call, 40 / 4 -> 10');
  });
});
