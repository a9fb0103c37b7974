import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { platform, platformEnv, platformIsUp } from './platform.js';
import { checkNothingLeftBehind } from './leftovers.js';
import type { PlatformEnv } from './platform.js';

declare module 'vitest' {
  export interface ProvidedContext {
    platform: PlatformEnv;
    testRunId: string;
  }
}

/**
 * Brings the platform up once per test run (idempotent: reuses a running one) and hands its
 * addresses to every suite. Stops it afterwards only if this run started it, unless
 * SLM_FLEET_KEEP_PLATFORM=1. Fails the run if a suite left a namespace or Redis keys behind.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const wasUp = await platformIsUp();
  await platform('up');
  const env = await platformEnv();
  const testRunId = randomBytes(3).toString('hex');
  project.provide('platform', env);
  project.provide('testRunId', testRunId);

  return async () => {
    try {
      await checkNothingLeftBehind(env, testRunId);
    } finally {
      if (!wasUp && process.env['SLM_FLEET_KEEP_PLATFORM'] !== '1') await platform('down');
    }
  };
}
