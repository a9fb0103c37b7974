// A router's reply list: workers push a call's replies (chunks, the final answer) onto the
// list of the router that holds the call; the router pops them in batches. Each side costs
// one Redis command per batch, the fewest the list allows.
import { REPLY_LIST_TTL_SECONDS } from './call-protocol.js';
import type { RedisClient } from './redis.module.js';

/**
 * RPUSH and EXPIRE as one script: one command and one round trip (a MULTI was four commands),
 * and the list is never left without its TTL. One key, so one Cluster slot.
 */
const PUSH_SCRIPT = `redis.call('RPUSH', KEYS[1], unpack(ARGV, 2))
return redis.call('EXPIRE', KEYS[1], ARGV[1])`;
const PUSH_COMMAND = 'slmPushReplies';

type PushCommand = (key: string, ttlSeconds: number, ...replies: string[]) => Promise<number>;

/** Defines the push script on a client once (ioredis sends EVALSHA, and EVAL on NOSCRIPT). */
function pushCommandOf(redis: RedisClient): PushCommand {
  const client = redis as RedisClient & Partial<Record<typeof PUSH_COMMAND, PushCommand>>;
  if (!client[PUSH_COMMAND]) redis.defineCommand(PUSH_COMMAND, { numberOfKeys: 1, lua: PUSH_SCRIPT });
  return (client[PUSH_COMMAND] as PushCommand).bind(client);
}

/** Sends encoded replies onto a reply list. */
export function replyPusher(redis: RedisClient): (key: string, replies: string[]) => Promise<void> {
  const push = pushCommandOf(redis);
  return async (key, replies) => {
    if (replies.length === 0) return;
    await push(key, REPLY_LIST_TTL_SECONDS, ...replies);
  };
}

/**
 * Waits up to `blockSeconds` for replies and takes up to `count` at once: BLMPOP, one command
 * per wake-up (BLPOP then LPOP was two). Redis before 7.0 has no BLMPOP: there the pair is
 * used, found out on the first call.
 */
export function replyPopper(
  redis: RedisClient,
  key: string,
  count: number,
  blockSeconds: number,
): () => Promise<string[]> {
  let blmpop = true;
  const legacy = async (): Promise<string[]> => {
    const first = await redis.blpop(key, blockSeconds);
    if (!first) return [];
    const rest = (await redis.lpop(key, count - 1)) ?? [];
    return [first[1], ...rest];
  };
  return async () => {
    if (!blmpop) return legacy();
    try {
      const popped = (await redis.blmpop(blockSeconds, 1, key, 'LEFT', 'COUNT', count)) as [string, string[]] | null;
      return popped?.[1] ?? [];
    } catch (error) {
      if (!/unknown command/i.test((error as Error).message)) throw error;
      blmpop = false;
      return legacy();
    }
  };
}
