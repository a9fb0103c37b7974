import { describe, expect, it } from 'vitest';
import type { RedisClient } from './redis.module.js';
import { replyPopper } from './reply-list.js';

describe('replyPopper on a Redis without BLMPOP (before 7.0)', () => {
  it('falls back to BLPOP then LPOP, and stays with them', async () => {
    const sent: string[] = [];
    const list = ['a', 'b', 'c'];
    const redis = {
      blmpop: async () => {
        sent.push('blmpop');
        throw new Error("ERR unknown command 'blmpop', with args beginning with: ");
      },
      blpop: async (key: string) => (sent.push('blpop'), [key, list.shift()]),
      lpop: async (_key: string, count: number) => (sent.push(`lpop ${count}`), list.splice(0, count)),
    } as unknown as RedisClient;
    const pop = replyPopper(redis, 'k', 2, 1);
    expect(await pop()).toEqual(['a', 'b']);
    expect(await pop()).toEqual(['c']);
    expect(sent).toEqual(['blmpop', 'blpop', 'lpop 1', 'blpop', 'lpop 1']);
  });

  it('passes on other errors', async () => {
    const redis = { blmpop: async () => Promise.reject(new Error('Connection is closed.')) } as unknown as RedisClient;
    await expect(replyPopper(redis, 'k', 2, 1)()).rejects.toThrow('Connection is closed.');
  });
});
