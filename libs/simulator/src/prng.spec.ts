import { describe, expect, it } from 'vitest';
import { createRng, hashString } from './prng.js';

describe('hashString', () => {
  it('is stable and tells near-identical texts apart', () => {
    expect(hashString('hello')).toBe(hashString('hello'));
    expect(hashString('hello')).not.toBe(hashString('hellp'));
    expect(hashString('')).toBe(0x811c9dc5);
  });
});

describe('createRng', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const sequence = (seed: number): number[] => Array.from({ length: 5 }, createRng(seed).next);
    expect(sequence(7)).toEqual(sequence(7));
    expect(sequence(7)).not.toEqual(sequence(8));
  });

  it('keeps int() inside its inclusive bounds and reaches both ends', () => {
    const rng = createRng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(rng.int(3, 5));
    expect([...seen].sort()).toEqual([3, 4, 5]);
  });

  it('draws next() in [0, 1)', () => {
    const rng = createRng(99);
    for (let i = 0; i < 1000; i++) {
      const value = rng.next();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });

  it('refuses to pick from an empty list', () => {
    expect(() => createRng(1).pick([])).toThrow('empty');
  });
});
