import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Reconciles run from milliseconds (no-op) to tens of seconds (slow API server, big apply). */
const RECONCILE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** The operator's controller-runtime metrics; `controller` names the reconciled kind. */
export interface ControllerMetrics {
  /** Reconciles by outcome: `result` is success, error or requeue. */
  reconcileTotal: Counter<'controller' | 'result'>;
  reconcileDuration: Histogram<'controller'>;
  /** Keys waiting for a worker. */
  workqueueDepth: Gauge<'controller'>;
  /** Keys requeued with backoff after a failure. */
  workqueueRetries: Counter<'controller'>;
  /** 1 while this replica holds the leader lease, else 0. */
  leader: Gauge;
  /** Autoscaler intervals run, by result (success, error). */
  autoscalerIntervals: Counter<'result'>;
  /** Replicas the autoscaler asks for, by Specialist (namespace/name). */
  autoscalerDesiredReplicas: Gauge<'specialist'>;
  /** Replica changes the autoscaler wrote, by Specialist and direction (up, down). */
  autoscalerScaleTotal: Counter<'specialist' | 'direction'>;
}

export function createControllerMetrics(registry: Registry): ControllerMetrics {
  const registers = [registry];
  return {
    reconcileTotal: new Counter({
      name: 'slm_fleet_operator_reconcile_total',
      help: 'Reconciles finished, by controller and result (success, error, requeue).',
      labelNames: ['controller', 'result'],
      registers,
    }),
    reconcileDuration: new Histogram({
      name: 'slm_fleet_operator_reconcile_duration_seconds',
      help: 'Time one reconcile took, by controller.',
      labelNames: ['controller'],
      buckets: RECONCILE_BUCKETS,
      registers,
    }),
    workqueueDepth: new Gauge({
      name: 'slm_fleet_operator_workqueue_depth',
      help: 'Keys waiting in the work queue for a worker, by controller.',
      labelNames: ['controller'],
      registers,
    }),
    workqueueRetries: new Counter({
      name: 'slm_fleet_operator_workqueue_retries_total',
      help: 'Keys requeued with backoff after a failed reconcile, by controller.',
      labelNames: ['controller'],
      registers,
    }),
    leader: new Gauge({
      name: 'slm_fleet_operator_leader',
      help: '1 while this operator replica holds the leader lease, else 0.',
      registers,
    }),
    autoscalerIntervals: new Counter({
      name: 'slm_fleet_operator_autoscaler_intervals_total',
      help: 'Autoscaler intervals run on the leader, by result (success, error).',
      labelNames: ['result'],
      registers,
    }),
    autoscalerDesiredReplicas: new Gauge({
      name: 'slm_fleet_operator_autoscaler_desired_replicas',
      help: 'Replicas the autoscaler asks for, by Specialist (managed mode only).',
      labelNames: ['specialist'],
      registers,
    }),
    autoscalerScaleTotal: new Counter({
      name: 'slm_fleet_operator_autoscaler_scale_total',
      help: 'Replica count changes the autoscaler wrote, by Specialist and direction (up, down).',
      labelNames: ['specialist', 'direction'],
      registers,
    }),
  };
}
