import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { Redis } from 'ioredis';

export { loadKubeConfig } from '@slm-fleet/k8s';

export function coreApi(kubeConfig: KubeConfig): CoreV1Api {
  return kubeConfig.makeApiClient(CoreV1Api);
}

/** A Redis client fit for BullMQ workers too (they need maxRetriesPerRequest: null). */
export function redisClient(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
}

/** Removes every key under a prefix (SCAN, so Redis is never blocked). Returns the count. */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
