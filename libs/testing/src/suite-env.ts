import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, inject } from 'vitest';
import { coreApi, deleteKeysWithPrefix, loadKubeConfig, redisClient } from './clients.js';
import type { PlatformEnv } from './platform.js';

/** Runs a tool; on failure the error message carries the tool's stderr. */
export function runTool(bin: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(bin, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${bin.split('/').pop()} ${args.join(' ')}: ${stderr || error.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Label on every namespace a suite creates, so a run's leftovers can be found. */
export const TEST_RUN_LABEL = 'slm.dev/test-run';
export const redisPrefixOfRun = (testRunId: string): string => `t:${testRunId}:`;

/** What one test suite gets to itself: a namespace, a kubeconfig and a Redis key prefix. */
export interface SuiteEnv {
  platform: PlatformEnv;
  namespace: string;
  /** A kubeconfig file whose context defaults to the suite's namespace. */
  kubeconfigPath: string;
  kubeConfig: KubeConfig;
  redisUrl: string;
  /** Every Redis key the suite writes starts with this. */
  redisPrefix: string;
  /** The same, as the services' `--queue-prefix` (BullMQ's `prefix`, which adds the `:`). */
  queuePrefix: string;
  /** Runs the platform's real kubectl against the suite's kubeconfig; resolves to stdout. */
  kubectl: (...args: string[]) => Promise<string>;
  /** `kubectl apply -f -` of a YAML or JSON manifest; rejects with kubectl's error text. */
  apply: (manifest: string) => Promise<string>;
  /** A Redis client that is closed when the suite ends. */
  redis: () => Redis;
  /** Deletes the namespace and the Redis keys, and closes clients. */
  cleanup: () => Promise<void>;
}

export function toolPath(env: PlatformEnv, tool: string): string {
  for (const dir of env.PATH.split(':')) {
    if (dir && existsSync(join(dir, tool))) return join(dir, tool);
  }
  throw new Error(`${tool} not found on the platform PATH (${env.PATH.split(':').slice(0, 4).join(':')}...)`);
}

const slug = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 30);

export async function createSuiteEnv(name: string): Promise<SuiteEnv> {
  const platform = inject('platform');
  const testRunId = inject('testRunId');
  const suiteId = `${slug(name)}-${testRunId}-${randomBytes(2).toString('hex')}`;
  const namespace = `t-${suiteId}`;
  const redisPrefix = `${redisPrefixOfRun(testRunId)}${suiteId}:`;

  const dir = await mkdtemp(join(tmpdir(), 'slm-fleet-suite-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  const kubectlBin = toolPath(platform, 'kubectl');
  await writeFile(kubeconfigPath, await readFile(platform.KUBECONFIG, 'utf8'));
  await runTool(kubectlBin, [
    '--kubeconfig',
    kubeconfigPath,
    'config',
    'set-context',
    '--current',
    `--namespace=${namespace}`,
  ]);
  const kubeConfig = loadKubeConfig(kubeconfigPath);
  await coreApi(kubeConfig).createNamespace({
    body: { metadata: { name: namespace, labels: { [TEST_RUN_LABEL]: testRunId } } },
  });

  const clients: Redis[] = [];
  return {
    platform,
    namespace,
    kubeconfigPath,
    kubeConfig,
    redisUrl: platform.REDIS_URL,
    redisPrefix,
    queuePrefix: redisPrefix.replace(/:$/, ''),
    kubectl: (...args) => runTool(kubectlBin, ['--kubeconfig', kubeconfigPath, ...args]),
    apply: (manifest) => runTool(kubectlBin, ['--kubeconfig', kubeconfigPath, 'apply', '-f', '-'], manifest),
    redis: () => {
      const client = redisClient(platform.REDIS_URL);
      clients.push(client);
      return client;
    },
    cleanup: async () => {
      const cleaner = redisClient(platform.REDIS_URL);
      try {
        await deleteKeysWithPrefix(cleaner, redisPrefix);
      } finally {
        cleaner.disconnect();
        for (const client of clients) client.disconnect();
      }
      await coreApi(kubeConfig).deleteNamespace({ name: namespace, propagationPolicy: 'Background' });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Registers beforeAll/afterAll for a suite environment; call the result inside tests. */
export function useSuiteEnv(name: string): () => SuiteEnv {
  let env: SuiteEnv | undefined;
  beforeAll(async () => {
    env = await createSuiteEnv(name);
  });
  afterAll(async () => {
    await env?.cleanup();
  });
  return () => {
    if (!env) throw new Error('suite environment used before beforeAll ran');
    return env;
  };
}

/**
 * The environment `eval "$(scripts/platform env)"` gives a shell, for the suite: its kubeconfig,
 * Redis and tools, and its queue prefix, so services a docs block starts keep their keys
 * under the suite's prefix (which the suite removes).
 */
export const shellEnvOf = (env: SuiteEnv): NodeJS.ProcessEnv => ({
  ...process.env,
  KUBECONFIG: env.kubeconfigPath,
  REDIS_URL: env.redisUrl,
  PATH: env.platform.PATH,
  SLM_FLEET_QUEUE_PREFIX: env.queuePrefix,
});
