import { describe, expect, it } from 'vitest';
import type { ValidCall } from '@slm-fleet/calls';
import { cancelIsTheDeadline, jobIdFor, keyReused, requestFingerprint } from './dispatch-decisions.js';

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
