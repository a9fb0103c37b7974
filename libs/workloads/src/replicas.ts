import type { SpecialistSpec } from '@slm-fleet/api';

/**
 * The replica count the Deployment should have. spec.replicas is the scale subresource:
 * written by the autoscaler (managed), by HPA/KEDA (external) or by `kubectl scale`.
 * In managed mode it is clamped to the scaling bounds; in external mode the outside
 * scaler owns the bounds, so it is taken as is. Absent, the minimum applies.
 */
export function desiredReplicas(spec: SpecialistSpec): number {
  const { minReplicas, maxReplicas, mode } = spec.scaling;
  const asked = spec.replicas ?? minReplicas;
  if (mode === 'external') return asked;
  return Math.min(maxReplicas, Math.max(minReplicas, asked));
}
