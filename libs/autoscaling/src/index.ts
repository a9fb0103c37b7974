export type {
  GpuGrant,
  GpuRequest,
  PolicyState,
  ScalingDecision,
  ScalingPolicySpec,
  SpecialistSignals,
} from './types.js';
