// Input that alternates high and low each interval must not make the output alternate: each
// change of replicas restarts or stops engines, which costs more than it saves.
import { describe, expect, it } from 'vitest';
import { replicasOf, run, specWith } from './signals.fixture.js';
import type { SpecialistSignals } from './types.js';

const alternating = (count: number, high: number, low: number): Partial<SpecialistSignals>[] =>
  Array.from({ length: count }, (_, index) => ({ waiting: index % 2 === 0 ? high : low }));

const changes = (replicas: number[]): number =>
  replicas.filter((count, index) => index > 0 && count !== replicas[index - 1]).length;

describe('flapping input', () => {
  it('holds the high count while the load alternates 32 / 4 calls', () => {
    const replicas = replicasOf(run(specWith({ scaleDownDelaySeconds: 60 }), alternating(20, 32, 4)));
    expect(replicas).toEqual(Array<number>(20).fill(8));
  });

  it('would flap without the window, which is what the window prevents', () => {
    // The same input with no delay alternates 8 / 1: the hold above is the window's doing.
    const replicas = replicasOf(run(specWith({ scaleDownDelaySeconds: 0 }), alternating(6, 32, 4)));
    expect(replicas).toEqual([8, 1, 8, 1, 8, 1]);
  });

  it('holds across alternating busy / idle samples without dropping to zero', () => {
    const replicas = replicasOf(run(specWith({ scaleDownDelaySeconds: 60 }), alternating(30, 8, 0)));
    expect(changes(replicas)).toBe(0);
    expect(replicas[0]).toBe(2);
  });

  it('settles once, after the delay, when the flapping stops', () => {
    const samples = [...alternating(10, 32, 4), ...Array.from({ length: 10 }, () => ({ waiting: 4 }))];
    const replicas = replicasOf(run(specWith({ scaleDownDelaySeconds: 60 }), samples));
    // Last high sample at 80 s: the window holds 8 through 130 s, then 1 from 140 s on.
    expect(replicas).toEqual([...Array<number>(14).fill(8), ...Array<number>(6).fill(1)]);
    expect(changes(replicas)).toBe(1);
  });
});
