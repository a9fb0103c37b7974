// Straight to the needed count: KubeAI climbs one replica at a time and took about two hours
// from 0 to 8 pods (its issue 229). Here a backlog gets its count in one decision.
import { describe, expect, it } from 'vitest';
import { replicasOf, repeat, run, specWith } from './signals.fixture.js';

describe('scaling up', () => {
  it('goes from 0 to 8 in one decision on a backlog of 32', () => {
    expect(replicasOf(run(specWith(), [{ waiting: 32 }]))).toEqual([8]);
  });

  it('goes from 2 to 8 in one decision, not by steps', () => {
    expect(replicasOf(run(specWith(), [{ waiting: 32 }], { currentReplicas: 2 }))).toEqual([8]);
  });

  it('does not keep climbing while the same backlog waits for pods to start', () => {
    // Sizing depends on the load only, so a backlog that has not drained yet asks for the
    // same count again instead of adding on top of what was already asked for.
    expect(replicasOf(run(specWith(), repeat(5, { waiting: 32 })))).toEqual([8, 8, 8, 8, 8]);
  });

  it('jumps again when the backlog grows', () => {
    expect(replicasOf(run(specWith(), [{ waiting: 8 }, { waiting: 40 }]))).toEqual([2, 10]);
  });
});
