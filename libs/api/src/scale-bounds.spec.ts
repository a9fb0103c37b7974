import { describe, expect, it } from 'vitest';
import { REPLICAS_LIMITED, replicasOutsideBounds, withScaleBounds } from './scale-bounds.js';
import type { SpecialistSpec } from './specialist.js';

const spec = (replicas: number | undefined, extra: Partial<SpecialistSpec['scaling']> = {}): SpecialistSpec => ({
  model: { uri: 'hf://org/m' },
  engine: { kind: 'vllm', maxConcurrency: 8 },
  tasks: ['t'],
  ...(replicas === undefined ? {} : { replicas }),
  scaling: {
    mode: 'managed',
    minReplicas: 1,
    maxReplicas: 4,
    targetQueuePerReplica: 4,
    scaleDownDelaySeconds: 300,
    ...extra,
  },
});

describe('replicasOutsideBounds', () => {
  it('names both numbers when spec.replicas asks for more than maxReplicas', () => {
    expect(replicasOutsideBounds(spec(7))).toEqual({
      reason: 'AboveMaxReplicas',
      message: expect.stringMatching(
        /^spec\.replicas is 7 but scaling\.maxReplicas is 4: 4 run\. .*scaling\.mode external/,
      ),
    });
  });

  it('says so on an openai endpoint too: its workers are clamped the same way', () => {
    expect(replicasOutsideBounds({ ...spec(7), engine: { kind: 'openai', maxConcurrency: 8 } })?.reason).toBe(
      'AboveMaxReplicas',
    );
  });

  it.each<[string, SpecialistSpec]>([
    ['within the bounds', spec(4)],
    ['unset', spec(undefined)],
    // spec.replicas defaults to 1: below a higher minReplicas is the normal start, not news.
    ['below minReplicas', spec(1, { minReplicas: 2 })],
    ['in external mode, where the outside scaler owns the bounds', spec(7, { mode: 'external' })],
  ])('says nothing %s', (_case, specialist) => {
    expect(replicasOutsideBounds(specialist)).toBeUndefined();
  });
});

describe('withScaleBounds', () => {
  const ready = { type: 'Ready', status: 'True' as const, reason: 'R', message: '', lastTransitionTime: 'T0' };

  it('adds ReplicasLimited while clamped, keeping its time, and removes it after', () => {
    const limited = withScaleBounds([ready], spec(7), 3, 'T1');
    expect(limited).toEqual([
      ready,
      expect.objectContaining({
        type: REPLICAS_LIMITED,
        status: 'True',
        reason: 'AboveMaxReplicas',
        observedGeneration: 3,
        lastTransitionTime: 'T1',
      }),
    ]);
    expect(withScaleBounds(limited, spec(7), 3, 'T2')[1]?.lastTransitionTime).toBe('T1');
    expect(withScaleBounds(limited, spec(3), 4, 'T3')).toEqual([ready]);
  });
});
