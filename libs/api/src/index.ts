export * from './specialist.js';
export * from './agent-task.js';
export { API_VERSION, GROUP, VERSION, buildCrd, resourceDefinitions, type ResourceDefinition } from './crd.js';
export { generatedFiles, type GeneratedFile } from './generate.js';
export * from './conditions.js';
export type { ResourceMeta } from './resource-meta.js';
export { validateAgentTaskSpec, validateSpecialistSpec, type SpecValidation } from './validate-spec.js';
export { INVALID_SPEC, agentTaskSpecError, withInvalidSpec } from './agent-task-checks.js';
export { REPLICAS_LIMITED, replicasOutsideBounds, withScaleBounds, type ScaleBoundsDecision } from './scale-bounds.js';
