import { describe, expect, it } from 'vitest';
import { ServiceTimes } from './service-times.js';

describe('ServiceTimes', () => {
  it('knows nothing before the first answer, then the mean and tail of the recent ones', () => {
    const times = new ServiceTimes();
    expect(times.of('ns/a')).toBeUndefined();
    times.observe('ns/a', 100);
    expect(times.of('ns/a')).toEqual({ meanServiceMs: 100, serviceTailMs: 100 });
    // Recomputed every 10 answers: the 101st is the last of a round.
    for (let i = 0; i < 100; i++) times.observe('ns/a', i === 50 ? 1000 : 100);
    expect(times.of('ns/a')).toEqual({ meanServiceMs: 109, serviceTailMs: 1000 });
    expect(times.of('ns/b')).toBeUndefined();
  });

  it('forgets answers older than the last 100', () => {
    const times = new ServiceTimes();
    for (let i = 0; i < 100; i++) times.observe('ns/a', 1000);
    for (let i = 0; i < 101; i++) times.observe('ns/a', 10);
    expect(times.of('ns/a')).toEqual({ meanServiceMs: 10, serviceTailMs: 10 });
  });

  it('ignores a service time that is not a number', () => {
    const times = new ServiceTimes();
    times.observe('ns/a', Number.NaN);
    expect(times.of('ns/a')).toBeUndefined();
  });
});
