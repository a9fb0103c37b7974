import { describe, expect, it } from 'vitest';
import { desiredReplicas } from './replicas.js';
import { specialist } from './test-fixtures.js';

describe('desiredReplicas', () => {
  const scaling = (mode: 'managed' | 'external', min: number, max: number) => ({
    mode,
    minReplicas: min,
    maxReplicas: max,
    targetQueuePerReplica: 4,
    scaleDownDelaySeconds: 300,
  });

  it.each([
    ['managed, unset: the minimum', 'managed', undefined, 2, 5, 2],
    ['managed, within bounds', 'managed', 3, 1, 5, 3],
    ['managed, above max: clamped', 'managed', 9, 1, 5, 5],
    ['managed, below min: raised', 'managed', 0, 1, 5, 1],
    ['managed, scale to zero allowed', 'managed', 0, 0, 5, 0],
    ['external: taken as is above max', 'external', 9, 1, 5, 9],
    ['external, unset: the minimum', 'external', undefined, 2, 5, 2],
  ] as const)('%s', (_name, mode, replicas, min, max, expected) => {
    const spec = specialist({ scaling: scaling(mode, min, max), ...(replicas === undefined ? {} : { replicas }) }).spec;
    expect(desiredReplicas(spec)).toBe(expected);
  });
});
