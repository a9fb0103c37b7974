import { describe, expect, it } from 'vitest';
import { shedding, taskNotFound } from './admission.js';
import type { SpecialistRoute, TaskRoute } from './routing-table.js';

const route: SpecialistRoute = {
  specialist: 'ns/a',
  queue: '{ns.a}',
  weight: 1,
  ready: true,
  maxWaiting: 10,
  readyReplicas: 1,
  concurrency: 1,
};

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
