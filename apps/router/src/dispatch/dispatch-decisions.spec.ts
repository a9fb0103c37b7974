import { describe, expect, it } from 'vitest';
import type { SpecialistRoute, TaskRoute } from '@slm-fleet/routing';
import type { ValidCall } from '@slm-fleet/calls';
import {
  cancelIsTheDeadline,
  jobIdFor,
  keyReused,
  requestFingerprint,
  shedding,
  taskNotFound,
} from './dispatch-decisions.js';

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

describe('requestFingerprint', () => {
  const call: ValidCall = { task: 't', messages: [{ role: 'user', content: 'hi' }], params: { max_tokens: 5 } };

  it('is the same for the same request, whatever its key, session or priority', () => {
    expect(requestFingerprint({ ...call, idempotencyKey: 'a', sessionKey: 's', priority: 3 })).toBe(
      requestFingerprint({ ...call, idempotencyKey: 'b' }),
    );
  });

  it.each<[string, Partial<ValidCall>]>([
    ['another prompt', { messages: [{ role: 'user', content: 'hello' }] }],
    ['other parameters', { params: { max_tokens: 6 } }],
    ['a schema', { jsonSchema: { type: 'object' } }],
    ['tools', { tools: [{ type: 'function', function: { name: 'f' } }] }],
    ['a tool choice', { toolChoice: 'required' }],
  ])('differs for %s', (_, change) => {
    expect(requestFingerprint({ ...call, ...change })).not.toBe(requestFingerprint(call));
  });

  it('refuses a reused key with FAILED_PRECONDITION, naming the key and the task', () => {
    expect(keyReused('k1', 'ns/t')).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'IDEMPOTENCY_KEY_REUSED' });
    expect(keyReused('k1', 'ns/t').message).toMatch(/"k1" was used for a different request to task ns\/t/);
  });
});

describe('cancelIsTheDeadline', () => {
  it.each([
    // [now, started, deadline, the deadline's]
    [1_000, 0, 10_000, false], // a caller that gave up early
    [9_749, 0, 10_000, false],
    [9_750, 0, 10_000, true], // the last 250 ms of a long call
    [10_010, 0, 10_000, true], // after it: our timer lost the race
    [100, 0, 300, false],
    [150, 0, 300, true], // a short call: its last half
    [5, 0, 30, false],
    [10, 0, 30, true], // at least the last 20 ms
  ])('cancel at %i of a call from %i to %i: %s', (now, startedAt, deadline, expected) => {
    expect(cancelIsTheDeadline(now, startedAt, deadline)).toBe(expected);
  });
});
