// The reply list's two ends against a real Redis: a worker's push (one script call that keeps
// the list's TTL) and a router's pop (a blocking batch).
import { describe, expect, it } from 'vitest';
import { REPLY_LIST_TTL_SECONDS, replyPopper, replyPusher } from '@slm-fleet/queue';
import { useSuiteEnv } from '@slm-fleet/testing';

const env = useSuiteEnv('reply-list');

describe('reply list', () => {
  it('pushes replies in order with the TTL, and pops them in batches of at most COUNT', async () => {
    const redis = env().redis();
    const key = `${env().redisPrefix}replies:{router-a}`;
    const push = replyPusher(redis);
    await push(key, ['r1', 'r2']);
    await push(key, ['r3']);
    await push(key, []);
    expect(await redis.lrange(key, 0, -1)).toEqual(['r1', 'r2', 'r3']);
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(REPLY_LIST_TTL_SECONDS - 10);
    expect(ttl).toBeLessThanOrEqual(REPLY_LIST_TTL_SECONDS);

    const pop = replyPopper(redis.duplicate(), key, 2, 1);
    expect(await pop()).toEqual(['r1', 'r2']);
    expect(await pop()).toEqual(['r3']);
    // Empty: the pop blocks for its second, then answers nothing.
    expect(await pop()).toEqual([]);
  });

  it('a pop waiting on an empty list wakes with the first push', async () => {
    const redis = env().redis();
    const key = `${env().redisPrefix}replies:{router-b}`;
    const pop = replyPopper(redis.duplicate(), key, 256, 5);
    const popped = pop();
    await replyPusher(redis)(key, ['late']);
    expect(await popped).toEqual(['late']);
  });
});
