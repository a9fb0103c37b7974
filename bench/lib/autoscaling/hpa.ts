// The Kubernetes HPA (pkg/controller/podautoscaler) on an External metric with an AverageValue
// target, as KEDA sets it up: metric = in-flight calls (waiting + running) of the Specialist,
// target = targetQueuePerReplica per replica. Every 15 s (the controller's sync period):
//   ratio = inFlight / (target x replicas); within 10 % of 1 keep replicas, else
//   ceil(inFlight / target); then the default behavior: scale-up stabilisation 0 s, scale-down
//   stabilisation 300 s (the highest recommendation in the window), scale-up at most
//   max(+4 pods, +100 %) per 15 s, scale-down at most 100 % per 15 s; within [max(min, 1), max].
// Metrics are fresh at each sync here, which flatters it: a real one reads through Prometheus.
import type { ScalingPolicySpec } from '@slm-fleet/autoscaling';
import type { Controller } from './controller.js';

export const HPA_SYNC_SECONDS = 15;
const TOLERANCE = 0.1;
const SCALE_DOWN_STABILISATION_SECONDS = 300;
const PERIOD_SECONDS = 15;

interface Event {
  at: number;
  change: number;
}

/** Replicas added (or removed) by events strictly inside the last period, as the HPA counts them. */
const changedInPeriod = (events: Event[], now: number): number =>
  events.filter((e) => e.at > now - PERIOD_SECONDS).reduce((sum, e) => sum + e.change, 0);

export function hpaController(spec: ScalingPolicySpec): Controller {
  const min = Math.max(1, spec.minReplicas);
  const target = spec.targetQueuePerReplica;
  let recommendations: { at: number; replicas: number }[] = [];
  let ups: Event[] = [];
  let downs: Event[] = [];
  return {
    name: 'hpa',
    intervalSeconds: HPA_SYNC_SECONDS,
    initialReplicas: min,
    decide: (o) => {
      const current = o.currentReplicas;
      const inFlight = o.waiting + o.active;
      const ratio = current === 0 ? Infinity : inFlight / (target * current);
      const raw = Math.abs(1 - ratio) > TOLERANCE ? Math.ceil(inFlight / target) : current;
      // Stabilise: scale-up window 0 s (this answer only); scale-down window: the highest in 300 s.
      recommendations = recommendations.filter((r) => r.at > o.now - SCALE_DOWN_STABILISATION_SECONDS);
      recommendations.push({ at: o.now, replicas: raw });
      const downLimit = Math.max(...recommendations.map((r) => r.replicas));
      let desired = Math.min(Math.max(current, raw), downLimit);
      // Rate limits, from the replicas at the start of the period.
      ups = ups.filter((e) => e.at > o.now - PERIOD_SECONDS);
      downs = downs.filter((e) => e.at > o.now - PERIOD_SECONDS);
      const periodStart = current - changedInPeriod(ups, o.now) + changedInPeriod(downs, o.now);
      if (desired > current) {
        const upLimit = Math.max(current, Math.max(periodStart + 4, Math.ceil(periodStart * 2)));
        desired = Math.min(desired, upLimit, spec.maxReplicas);
      }
      // Scale-down: 100 % per period removes no limit; only the floor is left.
      desired = Math.min(spec.maxReplicas, Math.max(min, desired));
      if (desired > current) ups.push({ at: o.now, change: desired - current });
      if (desired < current) downs.push({ at: o.now, change: current - desired });
      return desired;
    },
  };
}
