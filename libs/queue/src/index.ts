export { parseRedisUrl, redactRedisUrl } from './redis-url.js';
export {
  REDIS,
  RedisModule,
  connectRedis,
  duplicateRedis,
  type RedisClient,
  type RedisConnectionOptions,
} from './redis.module.js';
export { DEFAULT_QUEUE_PREFIX, shadowStatsKey, specialistQueueName } from './queue-names.js';
export * from './call-protocol.js';
export * from './chat-types.js';
export * from './stream-deltas.js';
export { replyPopper, replyPusher } from './reply-list.js';
export { isRedisUnreachable, logRedisErrors } from './redis-errors.js';
export { coalesceWrites } from './coalesced-writes.js';
