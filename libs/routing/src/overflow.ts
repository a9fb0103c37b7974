// Overflow: when a call arrives, predict from the queue as it is now whether the specialists'
// ready replicas can answer it within the task's latency target; if not, it goes to the
// fallback (large) model instead of waiting. Decided at arrival, not discovered after waiting,
// so only the excess of a burst leaves, and calls return to the specialists as replicas become
// ready. Pure: the router and the autoscaling benchmark call these same functions.

export interface QueueState {
  /** Calls queued for the specialist, not yet taken by a replica (this call not included). */
  waiting: number;
  /** Replicas taking calls now: starting and draining ones serve nothing yet or any more. */
  readyReplicas: number;
  /** Calls one replica serves at once (the Specialist's engine.maxConcurrency). */
  concurrency: number;
  /** Observed mean service time of recent calls, ms. */
  meanServiceMs: number;
  /**
   * Calls running on the ready replicas, when known. Without it every slot is taken as busy,
   * which errs towards a longer wait (by one completion, meanServiceMs / slots).
   */
  inFlight?: number;
}

/**
 * Expected ms until a call arriving now starts on a ready replica: 0 if a slot is free for it,
 * otherwise the completions it must wait for (the queue ahead of it, and itself) at the rate
 * the ready slots finish calls, slots / meanServiceMs. Infinity with no ready replica: nothing
 * will take it until a pod starts, which is the start-up time, not a queueing figure.
 */
export function predictQueueWaitMs(state: QueueState): number {
  const slots = Math.max(0, state.readyReplicas) * Math.max(0, state.concurrency);
  if (slots <= 0) return Infinity;
  const waiting = Math.max(0, state.waiting);
  const free = state.inFlight === undefined ? 0 : Math.max(0, slots - state.inFlight);
  const completionsNeeded = waiting + 1 - free;
  if (completionsNeeded <= 0) return 0;
  return (completionsNeeded * Math.max(0, state.meanServiceMs)) / slots;
}

export interface OverflowInput {
  predictedWaitMs: number;
  /** Expected service time of the call on a specialist, ms (the observed mean). */
  meanServiceMs: number;
  /** The AgentTask's latency target (or the call's deadline, whichever is sooner), ms. */
  targetLatencyMs: number;
  /**
   * A high percentile of recent service times, ms, when known. It stands for this call's own
   * service: a burst fills the queue up to the boundary, and a call kept there with only the
   * mean to spare misses whenever its service runs longer than average (about 4 in 10).
   */
  serviceTailMs?: number | undefined;
}

/**
 * Overflow when the predicted wait plus the call's service would pass the target: the tail
 * service time if known (and not below the mean), else the mean. A call that would start at
 * once is judged on the mean only: waiting is what overflow avoids, and the specialists must
 * keep getting calls, or their service times (these inputs) would never be measured again.
 */
export function shouldOverflow(input: OverflowInput): boolean {
  const mean = Math.max(0, input.meanServiceMs);
  const tail = input.serviceTailMs;
  const service = tail === undefined || !(input.predictedWaitMs > 0) ? mean : Math.max(mean, tail);
  return input.predictedWaitMs + service > input.targetLatencyMs;
}

/** Both steps at once: the router's question when a call arrives. */
export function overflowOnArrival(
  state: QueueState,
  targetLatencyMs: number,
  serviceTailMs?: number | undefined,
): boolean {
  const predictedWaitMs = predictQueueWaitMs(state);
  return shouldOverflow({ predictedWaitMs, meanServiceMs: state.meanServiceMs, targetLatencyMs, serviceTailMs });
}

/** How many recent service times the mean and tail are taken over. */
export const RECENT_SERVICE_WINDOW = 100;
/** The tail shouldOverflow takes for a call's own service: as the 99 % target allows. */
export const SERVICE_TAIL_QUANTILE = 0.99;

/** The mean and a high quantile of recent service times (ms or s: the unit of the input). */
export function recentServiceStats(
  recent: readonly number[],
  quantile = SERVICE_TAIL_QUANTILE,
): { mean: number; tail: number } | undefined {
  if (recent.length === 0) return undefined;
  const sorted = Float64Array.from(recent).sort(); // numeric, and much faster than a comparator
  const tail = sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] ?? 0;
  return { mean: recent.reduce((a, b) => a + b, 0) / recent.length, tail };
}
