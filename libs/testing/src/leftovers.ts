import { coreApi, deleteKeysWithPrefix, loadKubeConfig, redisClient } from './clients.js';
import type { PlatformEnv } from './platform.js';
import { TEST_RUN_LABEL, redisPrefixOfRun } from './suite-env.js';

/** Throws if any suite of this run left a namespace or Redis keys behind (and removes them). */
export async function checkNothingLeftBehind(env: PlatformEnv, testRunId: string): Promise<void> {
  const problems: string[] = [];
  const core = coreApi(loadKubeConfig(env.KUBECONFIG));
  const namespaces = await core.listNamespace({ labelSelector: `${TEST_RUN_LABEL}=${testRunId}` });
  const live = namespaces.items.filter((ns) => !ns.metadata?.deletionTimestamp).map((ns) => ns.metadata?.name);
  if (live.length > 0) problems.push(`namespaces not deleted: ${live.join(', ')}`);

  const redis = redisClient(env.REDIS_URL);
  try {
    const keys = await deleteKeysWithPrefix(redis, redisPrefixOfRun(testRunId));
    if (keys > 0) problems.push(`${keys} Redis keys left under ${redisPrefixOfRun(testRunId)}`);
  } finally {
    redis.disconnect();
  }
  if (problems.length > 0) throw new Error(`test suites left things behind: ${problems.join('; ')}`);
}
