// Adding up several routers' scrapes: counters summed, the queue depth the largest seen.
import { describe, expect, it } from 'vitest';
import {
  emptyRouterMetrics,
  sumRouterScrapes,
  type RouterScrape,
  type RouterSpecialistMetrics,
} from './router-metrics.js';

function m(overrides: Partial<RouterSpecialistMetrics>): RouterSpecialistMetrics {
  return { ...emptyRouterMetrics(), ...overrides };
}

const A = m({
  callsQueued: 10,
  serviceSecondsSum: 5,
  serviceCount: 8,
  queueWaitSecondsSum: 1,
  queueWaitCount: 8,
  waiting: 3,
});
const B = m({
  callsQueued: 4,
  serviceSecondsSum: 2,
  serviceCount: 3,
  queueWaitSecondsSum: 0.5,
  queueWaitCount: 3,
  waiting: 5,
});

describe('sumRouterScrapes', () => {
  it.each<[string, RouterScrape[], RouterScrape]>([
    ['no routers', [], new Map()],
    ['one router, unchanged', [new Map([['s', A]])], new Map([['s', A]])],
    [
      'two routers: counters summed, waiting the max',
      [new Map([['s', A]]), new Map([['s', B]])],
      new Map([
        [
          's',
          m({
            callsQueued: 14,
            serviceSecondsSum: 7,
            serviceCount: 11,
            queueWaitSecondsSum: 1.5,
            queueWaitCount: 11,
            waiting: 5,
          }),
        ],
      ]),
    ],
    [
      'waiting from the one router that reported it',
      [new Map([['s', m({ callsQueued: 1 })]]), new Map([['s', m({ callsQueued: 2, waiting: 0 })]])],
      new Map([['s', m({ callsQueued: 3, waiting: 0 })]]),
    ],
    [
      'a Specialist only one router knows',
      [new Map([['s', A]]), new Map([['t', B]])],
      new Map([
        ['s', A],
        ['t', B],
      ]),
    ],
  ])('%s', (_name, scrapes, expected) => {
    expect(sumRouterScrapes(scrapes)).toEqual(expected);
  });

  it('leaves waiting out when no router reported it', () => {
    const sum = sumRouterScrapes([new Map([['s', m({ callsQueued: 1 })]]), new Map([['s', m({ callsQueued: 2 })]])]);
    expect(sum.get('s')).not.toHaveProperty('waiting');
  });

  it('does not change the scrapes it sums', () => {
    const first: RouterScrape = new Map([['s', { ...A }]]);
    sumRouterScrapes([first, new Map([['s', B]])]);
    expect(first.get('s')).toEqual(A);
  });
});
