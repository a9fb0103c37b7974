export { createSuiteEnv, useSuiteEnv, toolPath, runTool, TEST_RUN_LABEL, type SuiteEnv } from './suite-env.js';
export { platform, platformEnv, parseEnvExports, repoRoot, type PlatformEnv } from './platform.js';
export { coreApi, deleteKeysWithPrefix, loadKubeConfig, redisClient } from './clients.js';
export { eventually } from './eventually.js';
export { addGpuNodes, installCrds, type FakeGpuNode } from './crds.js';
