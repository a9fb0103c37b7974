import { describe, expect, it } from 'vitest';
import { RequestLog } from './stats.js';

describe('RequestLog', () => {
  it('counts requests in flight and the peak, per model, with arrival times and statuses', () => {
    const log = new RequestLog();
    const a = log.arrive(1_000);
    const b = log.arrive(1_001);
    log.model(a, 'base');
    log.model(b, 'sql');
    log.finish(a, 429);
    const c = log.arrive(2_500);
    log.model(c, 'sql');
    expect(log.snapshot()).toEqual({
      inFlight: 2,
      peakInFlight: 2,
      models: { base: 1, sql: 2 },
      recent: [
        { receivedAt: 1_000, model: 'base', status: 429 },
        { receivedAt: 1_001, model: 'sql' },
        { receivedAt: 2_500, model: 'sql' },
      ],
    });
    log.finish(b, undefined); // gone unanswered
    log.finish(c, 200);
    expect(log.snapshot()).toMatchObject({ inFlight: 0, peakInFlight: 2 });
  });

  it('keeps the last requests only, oldest first', () => {
    const log = new RequestLog(3);
    for (let at = 1; at <= 5; at++) log.finish(log.arrive(at), 200);
    expect(log.snapshot().recent.map((record) => record.receivedAt)).toEqual([3, 4, 5]);
  });

  it('hands out copies: a snapshot does not change later', () => {
    const log = new RequestLog();
    const record = log.arrive(1);
    const before = log.snapshot();
    log.finish(record, 200);
    expect(before.recent).toEqual([{ receivedAt: 1 }]);
  });
});
