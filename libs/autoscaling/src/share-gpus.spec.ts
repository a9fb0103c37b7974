// Scarce GPUs go to the highest-priority scale-up first; nobody loses running replicas.
import { describe, expect, it } from 'vitest';
import { shareGpus } from './share-gpus.js';
import type { GpuGrant, GpuRequest } from './types.js';

const want = (
  specialist: string,
  priority: number,
  currentReplicas: number,
  desiredReplicas: number,
  gpusPerReplica = 1,
): GpuRequest => ({
  specialist,
  priority,
  currentReplicas,
  desiredReplicas,
  gpusPerReplica,
});

/** Grants as "name=replicas", for compact tables. */
const counts = (grants: GpuGrant[]): string[] => grants.map((grant) => `${grant.specialist}=${grant.replicas}`);

describe('shareGpus', () => {
  it.each<[string, GpuRequest[], number, string[]]>([
    ['enough for everyone', [want('ns/a', 0, 1, 3), want('ns/b', 0, 0, 2)], 4, ['ns/a=3', 'ns/b=2']],
    ['higher priority first', [want('ns/low', 1, 0, 2), want('ns/high', 10, 0, 2)], 2, ['ns/low=0', 'ns/high=2']],
    [
      'higher priority even with more replicas',
      [want('ns/low', 1, 0, 2), want('ns/high', 10, 5, 7)],
      1,
      ['ns/low=0', 'ns/high=6'],
    ],
    ['equal priority: fewest replicas first', [want('ns/a', 5, 3, 6), want('ns/b', 5, 1, 6)], 1, ['ns/a=3', 'ns/b=2']],
    ['equal priority and replicas: by name', [want('ns/b', 5, 1, 3), want('ns/a', 5, 1, 3)], 1, ['ns/b=1', 'ns/a=2']],
    // One at a time to the fewest: 0 and 2 become 3 and 3, not 4 and 2.
    ['equals take turns', [want('ns/a', 0, 0, 6), want('ns/b', 0, 2, 6)], 4, ['ns/a=3', 'ns/b=3']],
    [
      'no preemption: none free keeps everyone running',
      [want('ns/low', 1, 4, 4), want('ns/high', 10, 1, 5)],
      0,
      ['ns/low=4', 'ns/high=1'],
    ],
    [
      'a scale-down gets its count with none free',
      [want('ns/a', 0, 5, 2), want('ns/b', 9, 1, 3)],
      0,
      ['ns/a=2', 'ns/b=1'],
    ],
    [
      'GPUs a scale-down frees are not yet free',
      [want('ns/a', 0, 5, 2), want('ns/b', 0, 0, 2)],
      0,
      ['ns/a=2', 'ns/b=0'],
    ],
    ['no GPUs needed: desired at once', [want('ns/cpu', 0, 0, 4, 0)], 0, ['ns/cpu=4']],
    ['whole replicas only', [want('ns/big', 0, 0, 2, 2)], 3, ['ns/big=1']],
    // The top request needs 2 and 1 is free: the lower one must not take it.
    [
      'no backfilling past a higher priority',
      [want('ns/big', 9, 0, 1, 2), want('ns/small', 1, 0, 1, 1)],
      1,
      ['ns/big=0', 'ns/small=0'],
    ],
    ['negative free counts as none', [want('ns/a', 0, 1, 2)], -3, ['ns/a=1']],
  ])('%s', (_name, requests, free, expected) => {
    expect(counts(shareGpus(requests, free))).toEqual(expected);
  });

  it.each<[string, GpuRequest[], number, (string | undefined)[]]>([
    ['none free', [want('ns/a', 0, 1, 3)], 0, ['waiting for 2 GPUs: none free']],
    ['part granted, the rest short', [want('ns/a', 0, 1, 4, 2)], 2, ['waiting for 4 GPUs: none free']],
    ['too few for one replica', [want('ns/a', 0, 0, 1, 4)], 3, ['waiting for 4 GPUs: only 3 free']],
    [
      'a higher priority took them',
      [want('ns/low', 1, 0, 1), want('ns/high', 10, 0, 2)],
      2,
      ['waiting for 1 GPU; higher-priority ns/high goes first', undefined],
    ],
    [
      'a higher priority is waiting for them',
      [want('ns/big', 9, 0, 1, 2), want('ns/small', 1, 0, 1)],
      1,
      ['waiting for 2 GPUs: only 1 free', 'waiting for 1 GPU; higher-priority ns/big goes first'],
    ],
    [
      'equals sharing',
      [want('ns/a', 0, 0, 2), want('ns/b', 0, 0, 2)],
      2,
      ['waiting for 1 GPU; sharing with same-priority ns/b', 'waiting for 1 GPU; sharing with same-priority ns/a'],
    ],
  ])('says why a request is short: %s', (_name, requests, free, expected) => {
    expect(shareGpus(requests, free).map((grant) => grant.shortBy)).toEqual(expected);
  });
});
