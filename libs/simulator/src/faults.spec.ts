import { describe, expect, it } from 'vitest';
import { drawFault, parseSwitchUpdate } from './faults.js';
import { createRng } from './prng.js';

describe('drawFault', () => {
  const tally = (errorRate: number, hangRate: number, seed = 1) => {
    const rng = createRng(seed);
    const counts = { none: 0, error: 0, hang: 0 };
    for (let i = 0; i < 10_000; i++) counts[drawFault(rng, { errorRate, hangRate })]++;
    return counts;
  };

  it('never faults at rate 0 and always at rate 1', () => {
    expect(tally(0, 0)).toEqual({ none: 10_000, error: 0, hang: 0 });
    expect(tally(1, 0)).toEqual({ none: 0, error: 10_000, hang: 0 });
    expect(tally(0, 1)).toEqual({ none: 0, error: 0, hang: 10_000 });
  });

  it('faults about the share asked for', () => {
    const counts = tally(0.1, 0.2);
    expect(counts.error).toBeGreaterThan(800);
    expect(counts.error).toBeLessThan(1200);
    expect(counts.hang).toBeGreaterThan(1700);
    expect(counts.hang).toBeLessThan(2300);
  });

  it('draws the same faults for the same seed', () => {
    const sequence = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 50 }, () => drawFault(rng, { errorRate: 0.3, hangRate: 0.3 }));
    };
    expect(sequence(4)).toEqual(sequence(4));
    expect(sequence(4)).not.toEqual(sequence(5));
  });
});

describe('parseSwitchUpdate', () => {
  it('accepts any subset of the known switches', () => {
    expect(parseSwitchUpdate({ errorRate: 1, tpot: 2.5 })).toEqual({ errorRate: 1, tpot: 2.5 });
    expect(parseSwitchUpdate({})).toEqual({});
  });

  it.each([
    [[], null],
    [{ errorRate: 1.5 }, 'errorRate'],
    [{ hangRate: -0.1 }, 'hangRate'],
    [{ hangRate: '0.5' }, 'hangRate'],
    [{ ttft: -1 }, 'ttft'],
    [{ tpot: null }, 'tpot'],
    [{ errorrate: 1 }, 'errorrate'],
  ])('refuses %j naming %s', (body, param) => {
    expect(() => parseSwitchUpdate(body)).toThrow(expect.objectContaining({ status: 400, param }) as Error);
  });
});
