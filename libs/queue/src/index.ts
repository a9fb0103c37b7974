export { parseRedisUrl, redactRedisUrl } from './redis-url.js';
export { REDIS, RedisModule, connectRedis } from './redis.module.js';
export { specialistQueueName } from './queue-names.js';
