// The one Specialist every policy scales, and the simulated world around it. All three policies
// get the same spec, engines, start-up delay and calls; only the decision rule differs.
import type { ScalingPolicySpec } from '@slm-fleet/autoscaling';

export interface SimConfig {
  spec: ScalingPolicySpec;
  /** Seconds from a replica being asked for until it takes calls (image, model load, Ready). */
  startupSeconds: number;
  /** A call within this many seconds from arrival to answer counts as within target. */
  latencyTargetSeconds: number;
  /** Mean and log-space sigma of the lognormal service time of one call. */
  serviceMeanSeconds: number;
  serviceSigma: number;
  /** The clock step: starts, completions and pod changes happen on ticks of this length. */
  tickSeconds: number;
  /** Calls arriving before this, and GPU-seconds before it, are left out of the after-warm-up figures. */
  warmupSeconds: number;
  /** The oracle's replica count is chosen per interval of this length. */
  oracleIntervalSeconds: number;
  /** Share of calls the oracle keeps within the latency target. */
  oracleWithinTarget: number;
}

// targetQueuePerReplica = maxConcurrency x targetUtilisation (6 = 8 x 0.75), so the in-flight
// rules (KubeAI, HPA) and a rate rule aim at the same load per replica: the comparison is of
// the rules, not of their targets. (The CRD's defaults, 4 of 8, would make the in-flight rules
// look twice as wasteful for no reason of their own.)
export const DEFAULT_SPEC: ScalingPolicySpec = {
  minReplicas: 0,
  maxReplicas: 20,
  targetQueuePerReplica: 6,
  maxConcurrency: 8,
  targetLatencyMs: 10_000,
  scaleDownDelaySeconds: 300,
  targetUtilisation: 0.75,
};

export const DEFAULT_CONFIG: SimConfig = {
  spec: DEFAULT_SPEC,
  startupSeconds: 60,
  latencyTargetSeconds: 10,
  serviceMeanSeconds: 2,
  serviceSigma: 0.5,
  tickSeconds: 0.1,
  // KubeAI's moving average needs 10 minutes to fill; 15 leaves it 5 more.
  warmupSeconds: 15 * 60,
  oracleIntervalSeconds: 60,
  oracleWithinTarget: 0.99,
};

/** Calls per second one replica carries at the spec's target: 8 x 0.75 / 2 s = 3. */
export const ratePerReplica = (config: SimConfig): number =>
  (config.spec.maxConcurrency * (config.spec.targetUtilisation ?? 0.8)) / config.serviceMeanSeconds;
