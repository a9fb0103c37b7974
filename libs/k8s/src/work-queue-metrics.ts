import type { ControllerMetrics } from '@slm-fleet/telemetry';
import type { WorkQueueHooks } from './work-queue.js';

/** Feeds a controller's work queue into the operator metrics, labelled with the controller name. */
export function workQueueMetrics(metrics: ControllerMetrics, controller: string): WorkQueueHooks {
  return {
    depthChanged: (depth) => metrics.workqueueDepth.set({ controller }, depth),
    processed: (outcome, seconds) => {
      metrics.reconcileTotal.inc({ controller, result: outcome });
      metrics.reconcileDuration.observe({ controller }, seconds);
    },
    retried: () => metrics.workqueueRetries.inc({ controller }),
  };
}
