import type { V1Probe } from '@kubernetes/client-node';
import type { EngineProfile } from './profiles.js';

export interface EngineProbes {
  startupProbe: V1Probe;
  readinessProbe: V1Probe;
  livenessProbe: V1Probe;
}

/** Loading may download gigabytes and compile kernels: 180 checks 10 s apart allow 30 minutes. */
export const startupBudget = { periodSeconds: 10, failureThreshold: 180 } as const;

/**
 * Liveness and readiness only start once the startup probe has passed, so they can be strict
 * about a loaded engine yet never kill one that is still loading. Liveness tolerates a minute of
 * failures: a busy engine answers its health path late, and a restart would drop its whole batch.
 */
export function engineProbes(profile: EngineProfile): EngineProbes {
  const check = (path: string) => ({ httpGet: { path, port: 'http' }, timeoutSeconds: 5 });
  return {
    startupProbe: { ...check(profile.healthPath), ...startupBudget },
    readinessProbe: { ...check(profile.healthPath), periodSeconds: 10, failureThreshold: 3 },
    livenessProbe: { ...check(profile.livenessPath), periodSeconds: 20, failureThreshold: 3, timeoutSeconds: 10 },
  };
}
