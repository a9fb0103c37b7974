// KubeAI's autoscaler as its code does it (internal/modelautoscaler, modelclient.Scale):
// every 10 s the leader sums the proxies' in-flight gauge (waiting for an endpoint + running);
// a simple moving average over 10 minutes, its window prefilled with zeros on a fresh start;
// ceil(avg / targetRequests) within [min, max]. A higher count is written at once; a lower one
// only after ceil(scaleDownDelay / interval) consecutive lower answers (the count is not reset
// by the scale-down itself, only by an answer that is not lower). Scale from zero is the
// proxy's: the first call sets replicas to 1.
import type { ScalingPolicySpec } from '@slm-fleet/autoscaling';
import type { Controller } from './controller.js';

export const KUBEAI_INTERVAL_SECONDS = 10;
export const KUBEAI_WINDOW_SECONDS = 600;

export function kubeAiController(spec: ScalingPolicySpec): Controller {
  const window: number[] = new Array<number>(KUBEAI_WINDOW_SECONDS / KUBEAI_INTERVAL_SECONDS).fill(0);
  let sum = 0;
  let consecutiveScaleDowns = 0;
  const required = Math.ceil(spec.scaleDownDelaySeconds / KUBEAI_INTERVAL_SECONDS);
  return {
    name: 'kubeai',
    intervalSeconds: KUBEAI_INTERVAL_SECONDS,
    initialReplicas: spec.minReplicas,
    scalesFromZeroOnArrival: true,
    decide: (o) => {
      const inFlight = o.waiting + o.active;
      sum += inFlight - (window.shift() ?? 0);
      window.push(inFlight);
      const average = sum / window.length;
      const wanted = Math.min(
        spec.maxReplicas,
        Math.max(spec.minReplicas, Math.ceil(average / spec.targetQueuePerReplica)),
      );
      if (wanted < o.currentReplicas) {
        if (consecutiveScaleDowns < required) {
          consecutiveScaleDowns++;
          return o.currentReplicas;
        }
        return wanted;
      }
      consecutiveScaleDowns = 0;
      return wanted;
    },
  };
}
