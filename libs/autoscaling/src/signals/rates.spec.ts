// Rates from two scrapes: deltas over the interval, router restarts, Specialists coming and going.
import { describe, expect, it } from 'vitest';
import { counterDeltas, rates, ratesOf, type SpecialistRates } from './rates.js';
import {
  emptyRouterMetrics,
  sumRouterScrapes,
  type RouterScrape,
  type RouterSpecialistMetrics,
} from './router-metrics.js';

function m(overrides: Partial<RouterSpecialistMetrics>): RouterSpecialistMetrics {
  return { ...emptyRouterMetrics(), ...overrides };
}

function r(overrides: Partial<SpecialistRates>): SpecialistRates {
  return {
    arrivalRate: 0,
    answeredRate: 0,
    serviceTimeSeconds: undefined,
    queueWaitSeconds: undefined,
    waiting: undefined,
    ...overrides,
  };
}

const BEFORE = m({
  callsQueued: 100,
  serviceSecondsSum: 50,
  serviceCount: 90,
  queueWaitSecondsSum: 9,
  queueWaitCount: 90,
});

describe('rates', () => {
  it.each<[string, RouterScrape, RouterScrape, number, Map<string, SpecialistRates>]>([
    [
      'steady growth: arrival rate, answered rate, mean service and queue time',
      new Map([['s', BEFORE]]),
      new Map([
        [
          's',
          m({
            callsQueued: 120,
            serviceSecondsSum: 60,
            serviceCount: 110,
            queueWaitSecondsSum: 13,
            queueWaitCount: 110,
            waiting: 4,
          }),
        ],
      ]),
      10,
      new Map([
        ['s', r({ arrivalRate: 2, answeredRate: 2, serviceTimeSeconds: 0.5, queueWaitSeconds: 0.2, waiting: 4 })],
      ]),
    ],
    [
      'nothing new: zero rates, no mean times',
      new Map([['s', BEFORE]]),
      new Map([['s', BEFORE]]),
      10,
      new Map([['s', r({})]]),
    ],
    [
      'calls queued but none answered: no service time yet',
      new Map([['s', BEFORE]]),
      new Map([['s', { ...BEFORE, callsQueued: 130 }]]),
      15,
      new Map([['s', r({ arrivalRate: 2 })]]),
    ],
    [
      'a router restart: the current counts are the deltas, for every field together',
      new Map([['s', BEFORE]]),
      // Queued went down; the service count after the restart (95) exceeds its old value (90).
      new Map([
        [
          's',
          m({
            callsQueued: 100,
            serviceSecondsSum: 19,
            serviceCount: 95,
            queueWaitSecondsSum: 9.5,
            queueWaitCount: 95,
          }),
        ],
      ]),
      20,
      new Map([['s', r({ arrivalRate: 5, answeredRate: 4.75, serviceTimeSeconds: 0.2, queueWaitSeconds: 0.1 })]]),
    ],
    [
      "a restart seen on one Specialist resets the router's others",
      new Map([
        ['s', BEFORE],
        ['t', m({ callsQueued: 10 })],
      ]),
      new Map([
        ['s', m({ callsQueued: 4 })],
        ['t', m({ callsQueued: 12 })],
      ]),
      2,
      new Map([
        ['s', r({ arrivalRate: 2 })],
        ['t', r({ arrivalRate: 6 })],
      ]),
    ],
    [
      'a restart seen as a counted Specialist vanishing',
      new Map([
        ['gone', m({ callsQueued: 3 })],
        ['t', m({ callsQueued: 10 })],
      ]),
      new Map([['t', m({ callsQueued: 12 })]]),
      4,
      new Map([['t', r({ arrivalRate: 3 })]]),
    ],
    [
      'a Specialist with only a gauge vanishing is no restart',
      new Map([
        ['gauge-only', m({ waiting: 1 })],
        ['t', m({ callsQueued: 10 })],
      ]),
      new Map([['t', m({ callsQueued: 12 })]]),
      4,
      new Map([['t', r({ arrivalRate: 0.5 })]]),
    ],
    [
      'a Specialist appearing counts from zero',
      new Map([['s', BEFORE]]),
      new Map([
        ['s', BEFORE],
        [
          'new',
          m({ callsQueued: 6, serviceSecondsSum: 3, serviceCount: 2, queueWaitSecondsSum: 1, queueWaitCount: 2 }),
        ],
      ]),
      3,
      new Map([
        ['s', r({})],
        ['new', r({ arrivalRate: 2, answeredRate: 2 / 3, serviceTimeSeconds: 1.5, queueWaitSeconds: 0.5 })],
      ]),
    ],
    [
      'no previous scrape entries at all (a router first seen)',
      new Map(),
      new Map([['s', m({ callsQueued: 8 })]]),
      4,
      new Map([['s', r({ arrivalRate: 2 })]]),
    ],
    ['nothing scraped now', new Map([['s', BEFORE]]), new Map(), 10, new Map()],
  ])('%s', (_name, previous, current, seconds, expected) => {
    const got = rates(previous, current, seconds);
    expect([...got.keys()]).toEqual([...expected.keys()]);
    for (const [specialist, want] of expected) {
      const have = got.get(specialist)!;
      expect(have.arrivalRate).toBeCloseTo(want.arrivalRate, 9);
      expect(have.answeredRate).toBeCloseTo(want.answeredRate, 9);
      for (const key of ['serviceTimeSeconds', 'queueWaitSeconds'] as const) {
        if (want[key] === undefined) expect(have[key]).toBeUndefined();
        else expect(have[key]).toBeCloseTo(want[key], 9);
      }
      expect(have.waiting).toBe(want.waiting);
    }
  });

  it.each([0, -5, NaN, Infinity])('refuses an interval of %s seconds', (seconds) => {
    expect(() => rates(new Map(), new Map(), seconds)).toThrow(RangeError);
  });
});

describe('counterDeltas', () => {
  it('keeps the current waiting gauge, not a difference', () => {
    const deltas = counterDeltas(new Map([['s', m({ waiting: 10 })]]), new Map([['s', m({ waiting: 3 })]]));
    expect(deltas.get('s')?.waiting).toBe(3);
  });

  it('does not change its inputs', () => {
    const previous: RouterScrape = new Map([['s', { ...BEFORE }]]);
    const current: RouterScrape = new Map([['s', m({ callsQueued: 150 })]]);
    counterDeltas(previous, current);
    expect(previous.get('s')).toEqual(BEFORE);
    expect(current.get('s')).toEqual(m({ callsQueued: 150 }));
  });
});

describe('several routers: deltas per router, then summed', () => {
  // Router A restarts in the interval; router B keeps counting. 10 seconds apart.
  const aBefore: RouterScrape = new Map([['s', m({ callsQueued: 1000, serviceSecondsSum: 500, serviceCount: 1000 })]]);
  const aNow: RouterScrape = new Map([['s', m({ callsQueued: 5, serviceSecondsSum: 2, serviceCount: 4, waiting: 1 })]]);
  const bBefore: RouterScrape = new Map([['s', m({ callsQueued: 1000, serviceSecondsSum: 500, serviceCount: 1000 })]]);
  const bNow: RouterScrape = new Map([
    ['s', m({ callsQueued: 1015, serviceSecondsSum: 506, serviceCount: 1012, waiting: 2 })],
  ]);

  it('counts only the calls of the interval', () => {
    const deltas = sumRouterScrapes([counterDeltas(aBefore, aNow), counterDeltas(bBefore, bNow)]);
    const got = ratesOf(deltas, 10).get('s')!;
    expect(got.arrivalRate).toBeCloseTo(2, 9);
    expect(got.answeredRate).toBeCloseTo(1.6, 9);
    expect(got.serviceTimeSeconds).toBeCloseTo(0.5, 9);
    expect(got.waiting).toBe(2);
  });

  it('where summing the scrapes first would count every call B ever saw as new', () => {
    const naive = rates(sumRouterScrapes([aBefore, bBefore]), sumRouterScrapes([aNow, bNow]), 10).get('s')!;
    expect(naive.arrivalRate).toBeCloseTo(102, 9);
  });
});
