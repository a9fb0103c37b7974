export {
  createSuiteEnv,
  useSuiteEnv,
  toolPath,
  runTool,
  shellEnvOf,
  TEST_RUN_LABEL,
  type SuiteEnv,
} from './suite-env.js';
export { platform, platformEnv, parseEnvExports, repoRoot, type PlatformEnv } from './platform.js';
export { coreApi, deleteKeysWithPrefix, loadKubeConfig, redisClient } from './clients.js';
export { eventually } from './eventually.js';
export { addGpuNodes, installCrds, type FakeGpuNode } from './crds.js';
export {
  startPodRunner,
  type PodRunner,
  type PodRunnerOptions,
  type PodSimulatorSettings,
  type RunningPod,
  type StopReason,
  type StoppedPod,
} from './pod-runner.js';
export { slmFleetBin, spawnCli, type CliProcess, type ProcessExit } from './cli-process.js';
export { docBlock, docCodeBlock, runDocScript, withValues } from './doc-blocks.js';
export { llamaCppFiles, startLlamaServer, type LlamaServer } from './llama-server.js';
