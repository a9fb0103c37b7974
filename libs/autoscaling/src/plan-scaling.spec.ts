import { describe, expect, it } from 'vitest';
import { parsePolicyState, planScaling, type SpecialistScalingInput } from './plan-scaling.js';
import { T0, signalsWith, specWith } from './signals.fixture.js';

const input = (specialist: string, overrides: Partial<SpecialistScalingInput> = {}): SpecialistScalingInput => ({
  specialist,
  spec: specWith({ maxReplicas: 10 }),
  signals: signalsWith({ at: T0, waiting: 40, active: 0, currentReplicas: 0 }),
  state: undefined,
  pendingUnschedulable: 0,
  gpusPerReplica: 1,
  priority: 0,
  ...overrides,
});

describe('planScaling', () => {
  it('passes the decision through when GPUs are plentiful or unknown', () => {
    const [plan] = planScaling([input('ns/a')], undefined, T0);
    expect(plan).toMatchObject({ specialist: 'ns/a', replicas: 10, changed: true });
    expect(plan?.limitedBy).toBeUndefined();
    expect(planScaling([input('ns/a')], 100, T0)[0]?.replicas).toBe(10);
  });

  it('holds a Specialist whose pods cannot be placed, and says so', () => {
    const stuck = input('ns/a', {
      signals: signalsWith({ at: T0, waiting: 40, active: 4, currentReplicas: 2, readyReplicas: 1 }),
      pendingUnschedulable: 1,
    });
    const [plan] = planScaling([stuck], 100, T0);
    expect(plan).toMatchObject({ replicas: 2, changed: false, limitedBy: expect.stringMatching(/cannot be placed/) });
    expect(plan?.reason).toContain('cannot be placed');
  });

  it('gives scarce GPUs to the higher-priority task first', () => {
    const plans = planScaling([input('ns/low', { priority: 0 }), input('ns/high', { priority: 10 })], 3, T0);
    const byName = new Map(plans.map((p) => [p.specialist, p]));
    expect(byName.get('ns/high')?.replicas).toBe(3);
    expect(byName.get('ns/low')).toMatchObject({ replicas: 0, changed: false, limitedBy: expect.any(String) });
  });

  it('never takes running replicas away for another Specialist', () => {
    const running = input('ns/running', {
      signals: signalsWith({ at: T0, waiting: 40, currentReplicas: 4, readyReplicas: 4 }),
    });
    const plans = planScaling([running, input('ns/urgent', { priority: 100 })], 0, T0);
    expect(plans.find((p) => p.specialist === 'ns/running')?.replicas).toBe(4);
    expect(plans.find((p) => p.specialist === 'ns/urgent')?.replicas).toBe(0);
  });

  it('returns the state to keep, which parses back after a restart', () => {
    const [plan] = planScaling([input('ns/a')], undefined, T0);
    const stored = JSON.stringify(plan?.state);
    const [again] = planScaling([input('ns/a', { state: parsePolicyState(stored) })], undefined, T0 + 5000);
    const [fresh] = planScaling([input('ns/a', { state: plan?.state })], undefined, T0 + 5000);
    expect(again).toEqual(fresh);
  });
});

describe('parsePolicyState', () => {
  it.each([
    undefined,
    '',
    'not json',
    '42',
    'null',
    '{}',
    '{"recommendations": "x"}',
    '{"recommendations": [{"at": "t"}]}',
  ])('treats %j as no state', (text) => expect(parsePolicyState(text)).toBeUndefined());

  it('reads a stored state', () => {
    const state = { recommendations: [{ at: T0, replicas: 3 }], lastBusyAt: T0 };
    expect(parsePolicyState(JSON.stringify(state))).toEqual(state);
  });
});
