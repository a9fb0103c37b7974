import { describe, expect, it } from 'vitest';
import {
  fallbackForFailure,
  isLowConfidence,
  meanLogprob,
  placeCall,
  repairBeforeFallback,
  sendToShadow,
  type QueueLoad,
} from './fallback.js';
import type { FallbackTriggers, SpecialistRoute, TaskRoute } from './routing-table.js';

const route = (readyReplicas: number, concurrency = 2): SpecialistRoute => ({
  specialist: 'ns/small',
  queue: '{ns.small}',
  weight: 1,
  ready: true,
  maxWaiting: 100,
  readyReplicas,
  concurrency,
});
const llm: SpecialistRoute = { ...route(1), specialist: 'ns/llm', queue: '{ns.llm}' };
const triggers = (when: Partial<FallbackTriggers>): FallbackTriggers => ({
  overflow: false,
  schemaFailure: true,
  repairFirst: false,
  specialistError: true,
  ...when,
});
const task = (when?: Partial<FallbackTriggers>, targetLatencyMs?: number): TaskRoute => ({
  name: 't',
  namespace: 'ns',
  source: 'AgentTask',
  priority: 0,
  timeoutMs: 10_000,
  retries: 1,
  validateToolArguments: false,
  routes: [route(1)],
  ...(targetLatencyMs === undefined ? {} : { targetLatencyMs }),
  ...(when ? { fallback: { route: llm, when: triggers(when) } } : {}),
});

describe('placeCall', () => {
  // 2 replicas x 2 slots, 100 ms per call: each call ahead adds 25 ms once every slot is busy.
  const busy = (waiting: number): QueueLoad => ({ waiting, active: 4, meanServiceMs: 100 });
  it.each([
    ['no fallback: always the specialist', task(), route(0), busy(1000), 'specialist'],
    ['no ready replica, trigger unset: waits for one', task({}), route(0), busy(0), 'specialist'],
    [
      'no ready replica, trigger 0: falls back at once',
      task({ noReadySpecialistMs: 0 }),
      route(0),
      busy(0),
      'no_ready_replica',
    ],
    [
      'no ready replica, trigger 500: waits, then decides',
      task({ noReadySpecialistMs: 500 }),
      route(0),
      busy(0),
      'specialist',
    ],
    [
      'ready replica: the no-replica trigger does not fire',
      task({ noReadySpecialistMs: 0 }),
      route(2),
      busy(0),
      'specialist',
    ],
    ['predicted wait 100 ms over queueDelayMs 50', task({ queueDelayMs: 50 }), route(2), busy(3), 'queue_delay'],
    ['predicted wait 25 ms under queueDelayMs 50', task({ queueDelayMs: 50 }), route(2), busy(0), 'specialist'],
    [
      'a free slot: no wait at all',
      task({ queueDelayMs: 0 }),
      route(2),
      { waiting: 0, active: 1, meanServiceMs: 100 },
      'specialist',
    ],
    ['overflow: wait 250 + service 100 over target 300', task({ overflow: true }, 300), route(2), busy(9), 'overflow'],
    [
      'overflow: wait 200 + service 100 within target 300',
      task({ overflow: true }, 300),
      route(2),
      busy(7),
      'specialist',
    ],
    ['overflow off: a long queue waits', task({}, 300), route(2), busy(1000), 'specialist'],
    [
      'no service time seen yet: no prediction',
      task({ queueDelayMs: 0, overflow: true }, 1),
      route(2),
      { waiting: 50 },
      'specialist',
    ],
  ] as const)('%s', (_name, t, r, load, expected) => {
    const placement = placeCall(t, r, load);
    expect(placement.tier === 'fallback' ? placement.reason : placement.tier).toBe(expected);
    if (placement.tier === 'fallback') expect(placement.route.specialist).toBe('ns/llm');
  });

  it('tells how long to wait for a replica before falling back', () => {
    expect(placeCall(task({ noReadySpecialistMs: 500 }), route(0), busy(0))).toMatchObject({
      tier: 'specialist',
      fallBackIfNoReplicaInMs: 500,
    });
  });
});

describe('fallbackForFailure', () => {
  it.each([
    ['OUTPUT_SCHEMA_MISMATCH', {}, false, 'invalid_output'],
    ['TOOL_ARGUMENTS_INVALID', {}, false, 'invalid_output'],
    ['TOOL_CHOICE_VIOLATED', {}, false, 'invalid_output'],
    ['OUTPUT_SCHEMA_MISMATCH', { schemaFailure: false }, false, undefined],
    ['SPECIALIST_FAILED', {}, false, 'specialist_error'],
    ['SPECIALIST_FAILED', { specialistError: false }, false, undefined],
    ['SPECIALIST_FAILED', {}, true, undefined],
    ['OUTPUT_SCHEMA_MISMATCH', {}, true, undefined],
    ['DEADLINE_EXCEEDED', {}, false, undefined],
    ['CANCELLED', {}, false, undefined],
    ['ENGINE_REJECTED', {}, false, undefined],
  ] as const)('%s with %j, streamed %s: %s', (reason, when, streamed, expected) => {
    expect(fallbackForFailure(triggers(when), reason, streamed)).toBe(expected);
  });

  it('never falls back without a fallback', () => {
    expect(fallbackForFailure(undefined, 'SPECIALIST_FAILED', false)).toBeUndefined();
  });
});

describe('repairBeforeFallback', () => {
  it.each([
    [{ repairFirst: true }, 'OUTPUT_SCHEMA_MISMATCH', true],
    [{ repairFirst: true }, 'TOOL_ARGUMENTS_INVALID', true],
    [{ repairFirst: true }, 'SPECIALIST_FAILED', false],
    [{ repairFirst: false }, 'OUTPUT_SCHEMA_MISMATCH', false],
    [{ repairFirst: true, schemaFailure: false }, 'OUTPUT_SCHEMA_MISMATCH', false],
  ] as const)('%j on %s: %s', (when, reason, expected) => {
    expect(repairBeforeFallback(triggers(when), reason)).toBe(expected);
  });
});

describe('low confidence', () => {
  const tokens = (...logprobs: number[]) => logprobs.map((logprob) => ({ token: 'x', logprob }));
  it.each([
    [-1.5, tokens(-0.1, -0.2), false],
    [-1.5, tokens(-3, -2), true],
    [-1.5, tokens(-1.5), false],
    [-1.5, [], false],
    [-1.5, undefined, false],
    [undefined, tokens(-9), false],
  ] as const)('threshold %s, logprobs %j: %s', (minMeanLogprob, logprobs, expected) => {
    const when = triggers(minMeanLogprob === undefined ? {} : { minMeanLogprob });
    expect(isLowConfidence(when, logprobs)).toBe(expected);
  });

  it('means the tokens', () => {
    expect(meanLogprob(tokens(-1, -2, -3))).toBe(-2);
  });
});

describe('sendToShadow', () => {
  const shadow = { route: { ...route(1), specialist: 'ns/candidate', maxWaiting: 10 }, sampleRate: 0.3 };
  it.each([
    [0.1, 0, 'send'],
    [0.29, 9, 'send'],
    [0.3, 0, 'not_sampled'],
    [0.1, 10, 'shed'],
  ] as const)('random %s with %i waiting: %s', (random, waiting, expected) => {
    expect(sendToShadow(shadow, random, waiting)).toBe(expected);
  });

  it('sends nothing without a shadow', () => {
    expect(sendToShadow(undefined, 0, 0)).toBe('not_sampled');
  });
});
