import { describe, expect, it } from 'vitest';
import { drawFaults, parseSwitchUpdate, type FaultDraw, type FaultRates } from './faults.js';
import { createRng, type Rng } from './prng.js';

const NONE: FaultRates = { errorRate: 0, hangRate: 0, rateLimitRate: 0, offSchemaRate: 0, lowConfidenceRate: 0 };

/** An Rng that returns the given draws in order, and counts how many were taken. */
function scripted(draws: number[]): Rng & { taken: () => number } {
  let i = 0;
  const next = (): number => {
    const value = draws[i++];
    if (value === undefined) throw new Error('more draws than scripted');
    return value;
  };
  return { next, int: () => 0, pick: (items) => items[0]!, taken: () => i };
}

describe('drawFaults', () => {
  it.each<[string, Partial<FaultRates>, number[], FaultDraw, number]>([
    ['no rates: one draw, nothing', {}, [0.5], { fault: 'none', offSchema: false, lowConfidence: false }, 1],
    [
      'below errorRate: error',
      { errorRate: 0.2, hangRate: 0.2 },
      [0.1],
      { fault: 'error', offSchema: false, lowConfidence: false },
      1,
    ],
    [
      'in the hang band',
      { errorRate: 0.2, hangRate: 0.2 },
      [0.3],
      { fault: 'hang', offSchema: false, lowConfidence: false },
      1,
    ],
    [
      'in the rate-limit band, after error and hang',
      { errorRate: 0.2, hangRate: 0.2, rateLimitRate: 0.2 },
      [0.5],
      { fault: 'rate-limit', offSchema: false, lowConfidence: false },
      1,
    ],
    [
      'past every band',
      { errorRate: 0.2, hangRate: 0.2, rateLimitRate: 0.2 },
      [0.7],
      { fault: 'none', offSchema: false, lowConfidence: false },
      1,
    ],
    [
      'rate limit 1: always',
      { rateLimitRate: 1 },
      [0.999],
      { fault: 'rate-limit', offSchema: false, lowConfidence: false },
      1,
    ],
    [
      'off-schema: a second draw below its rate',
      { offSchemaRate: 0.5 },
      [0.9, 0.4],
      { fault: 'none', offSchema: true, lowConfidence: false },
      2,
    ],
    [
      'off-schema: a second draw above its rate',
      { offSchemaRate: 0.5 },
      [0.9, 0.6],
      { fault: 'none', offSchema: false, lowConfidence: false },
      2,
    ],
    [
      'low confidence: its own draw after off-schema',
      { offSchemaRate: 1, lowConfidenceRate: 0.5 },
      [0.9, 0.99, 0.1],
      { fault: 'none', offSchema: true, lowConfidence: true },
      3,
    ],
    [
      'low confidence alone: no off-schema draw',
      { lowConfidenceRate: 1 },
      [0.9, 0.99],
      { fault: 'none', offSchema: false, lowConfidence: true },
      2,
    ],
    [
      'answer faults are drawn beside an error too',
      { errorRate: 1, offSchemaRate: 1 },
      [0.5, 0.5],
      { fault: 'error', offSchema: true, lowConfidence: false },
      2,
    ],
  ])('%s', (_case, rates, draws, expected, taken) => {
    const rng = scripted(draws);
    expect(drawFaults(rng, { ...NONE, ...rates })).toEqual(expected);
    expect(rng.taken()).toBe(taken);
  });

  it('faults about the share asked for', () => {
    const rng = createRng(1);
    const counts = { none: 0, error: 0, hang: 0, 'rate-limit': 0 };
    for (let i = 0; i < 10_000; i++)
      counts[drawFaults(rng, { ...NONE, errorRate: 0.1, hangRate: 0.2, rateLimitRate: 0.3 }).fault]++;
    expect(counts.error).toBeGreaterThan(800);
    expect(counts.error).toBeLessThan(1200);
    expect(counts.hang).toBeGreaterThan(1700);
    expect(counts.hang).toBeLessThan(2300);
    expect(counts['rate-limit']).toBeGreaterThan(2700);
    expect(counts['rate-limit']).toBeLessThan(3300);
  });

  it('draws the same faults for the same seed', () => {
    const sequence = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 50 }, () =>
        drawFaults(rng, { ...NONE, errorRate: 0.3, hangRate: 0.3, offSchemaRate: 0.5 }),
      );
    };
    expect(sequence(4)).toEqual(sequence(4));
    expect(sequence(4)).not.toEqual(sequence(5));
  });
});

describe('parseSwitchUpdate', () => {
  it('accepts any subset of the known switches', () => {
    expect(parseSwitchUpdate({ errorRate: 1, tpot: 2.5 })).toEqual({ errorRate: 1, tpot: 2.5 });
    expect(
      parseSwitchUpdate({ rateLimitRate: 1, retryAfterSeconds: 2, offSchemaRate: 0.5, lowConfidenceRate: 1 }),
    ).toEqual({
      rateLimitRate: 1,
      retryAfterSeconds: 2,
      offSchemaRate: 0.5,
      lowConfidenceRate: 1,
    });
    expect(parseSwitchUpdate({})).toEqual({});
  });

  it.each([
    [[], null],
    [{ errorRate: 1.5 }, 'errorRate'],
    [{ hangRate: -0.1 }, 'hangRate'],
    [{ hangRate: '0.5' }, 'hangRate'],
    [{ rateLimitRate: 2 }, 'rateLimitRate'],
    [{ retryAfterSeconds: 1.5 }, 'retryAfterSeconds'],
    [{ retryAfterSeconds: -1 }, 'retryAfterSeconds'],
    [{ retryAfterSeconds: 3601 }, 'retryAfterSeconds'],
    [{ ttft: -1 }, 'ttft'],
    [{ tpot: null }, 'tpot'],
    [{ errorrate: 1 }, 'errorrate'],
  ])('refuses %j naming %s', (body, param) => {
    expect(() => parseSwitchUpdate(body)).toThrow(expect.objectContaining({ status: 400, param }) as Error);
  });

  it.each([
    [{ offSchemaRate: 0.1 }, 'offSchemaRate'],
    [{ lowConfidenceRate: 1 }, 'lowConfidenceRate'],
  ])('the large-model profile refuses %j: it is always on schema and confident', (body, param) => {
    expect(() => parseSwitchUpdate(body, 'large-model')).toThrow(
      expect.objectContaining({ status: 400, param, message: expect.stringContaining('large-model') }) as Error,
    );
    expect(parseSwitchUpdate({ offSchemaRate: 0, lowConfidenceRate: 0, rateLimitRate: 1 }, 'large-model')).toEqual({
      offSchemaRate: 0,
      lowConfidenceRate: 0,
      rateLimitRate: 1,
    });
  });
});
