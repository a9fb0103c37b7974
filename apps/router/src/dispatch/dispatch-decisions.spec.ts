import { describe, expect, it } from 'vitest';
import type { SpecialistRoute, TaskRoute } from '@slm-fleet/routing';
import { jobIdFor, shedding, taskNotFound } from './dispatch-decisions.js';

const route: SpecialistRoute = { specialist: 'ns/a', queue: '{ns.a}', weight: 1, ready: true, maxWaiting: 10 };

describe('shedding', () => {
  it.each([
    [-1, 9, false],
    [-1, 10, true],
    [-1000, 500, true],
    [0, 10_000, false],
    [5, 10_000, false],
  ])('priority %i with %i waiting: shed %s', (priority, waiting, shed) => {
    expect(shedding(priority, waiting, route) !== undefined).toBe(shed);
  });

  it('says why and what to do', () => {
    expect(shedding(-1, 10, route)).toMatchObject({
      code: 'RESOURCE_EXHAUSTED',
      reason: 'QUEUE_FULL',
      message: expect.stringMatching(/ns\/a has 10 calls waiting, its bound is 10 \(spec.queue.maxWaiting\)/),
    });
  });
});

describe('taskNotFound', () => {
  it('lists the known tasks', () => {
    const table = new Map([
      ['b', {} as TaskRoute],
      ['a', {} as TaskRoute],
    ]);
    expect(taskNotFound('c', 'ns', table).message).toMatch(/no task named "c" in namespace ns .*tasks: a, b$/);
    expect(taskNotFound('c', 'ns', new Map()).message).toMatch(/tasks: none yet$/);
  });
});

describe('jobIdFor', () => {
  it('scopes the key by task and never contains a colon', () => {
    expect(jobIdFor('extract', 'k-1')).toBe('idem.extract.k-1');
    expect(jobIdFor('extract', 'k-1')).not.toBe(jobIdFor('triage', 'k-1'));
  });
});
