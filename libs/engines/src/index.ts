export { engineKinds, engineRunsInPod, isEngineKind, type EngineKind, type PodEngineKind } from './engine-kind.js';
export type { EngineContainerInput } from './engine-input.js';
export type { ModelNames } from './launch/engine-launch.js';
export { parseModelUri, type ModelSource } from './model-source.js';
export { startupBudget } from './probes.js';
export {
  engineProfile,
  type Accelerator,
  type EngineProfile,
  type ModelScheme,
  type SharedMemoryNeed,
  type ToolCallingMode,
} from './profiles.js';
export { engineContainerName, renderEngine, type EngineWorkload } from './render-engine.js';
export { toolCallFamilies, type ParserEngine, type ToolCallFamily } from './tool-call-families.js';
export { TOOL_CALLING_OFF, toolCallingOf, type ToolCalling } from './tool-calling.js';
export * from './openai-client/index.js';
