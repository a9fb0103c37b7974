// The autoscaler's inputs and outputs: pure data, so the policy is a function tested without
// a cluster and replayed against traces in bench/.

/** What is known of one Specialist's load at one moment. `undefined` means the signal is missing. */
export interface SpecialistSignals {
  /** When the signals were read, epoch ms. */
  at: number;
  /** Calls waiting in the Specialist's queue. */
  waiting: number | undefined;
  /** Calls running in its workers. */
  active: number | undefined;
  /** Calls arriving per second over the last interval, all its tasks together. */
  arrivalRate: number | undefined;
  /** Mean seconds a worker spends on one call (engine time included). */
  serviceTimeSeconds: number | undefined;
  /** Age in seconds of the oldest waiting call (0 when none waits). */
  oldestWaitingSeconds: number | undefined;
  /** Replicas whose pods are Ready. */
  readyReplicas: number;
  /** Replicas asked for now (spec.replicas). */
  currentReplicas: number;
  /** A recent high percentile of call latency in seconds, when the router measured one. */
  latencySeconds?: number | undefined;
}

/** The Specialist's scaling settings (spec.scaling, and the engine's concurrency). */
export interface ScalingPolicySpec {
  minReplicas: number;
  maxReplicas: number;
  /** Waiting plus running calls one replica should carry. */
  targetQueuePerReplica: number;
  /** Calls one replica runs at once (spec.engine.maxConcurrency). */
  maxConcurrency: number;
  /** Latency target in ms (the strictest of its tasks' or spec.scaling.targetLatencyMs). */
  targetLatencyMs?: number | undefined;
  /** Load must stay low this long before replicas are removed. */
  scaleDownDelaySeconds: number;
  /** With minReplicas 0: idle this long before scaling to zero. Defaults to scaleDownDelaySeconds. */
  scaleToZeroAfterSeconds?: number | undefined;
  /** Share of maxConcurrency to aim for when sizing from the arrival rate; default 0.8. */
  targetUtilisation?: number | undefined;
}

/**
 * What the policy remembers between decisions. Plain JSON: the operator keeps it on the
 * Specialist (an annotation) so an operator restart does not forget the scale-down window.
 */
export interface PolicyState {
  /** Recent recommendations, oldest first, kept for the scale-down window. */
  recommendations: { at: number; replicas: number }[];
  /** When the Specialist last had a call waiting or running, epoch ms. */
  lastBusyAt?: number | undefined;
  /**
   * The smoothed offered load: calls in service (arrival rate x service time), an exponential
   * moving average, and when it was last updated (epoch ms). Absent until both were measured.
   */
  load?: { at: number; calls: number } | undefined;
}

export interface ScalingDecision {
  /** The replica count to ask for. */
  replicas: number;
  /** Why, in a few words a person can read in status and events (e.g. "backlog 40 / 4 per replica"). */
  reason: string;
  /** The state to keep for the next decision. */
  state: PolicyState;
}

/** One Specialist asking for GPUs, for sharing scarce ones by task priority. */
export interface GpuRequest {
  /** namespace/name */
  specialist: string;
  /** The highest priority among the tasks it serves. */
  priority: number;
  /** Replicas running or placed now. */
  currentReplicas: number;
  /** Replicas the policy wants. */
  desiredReplicas: number;
  gpusPerReplica: number;
}

export interface GpuGrant {
  specialist: string;
  /** Replicas it may have: current plus what the free GPUs allow, up to desired. */
  replicas: number;
  /** Set when it gets fewer than desired, e.g. "waiting for 2 GPUs; team-a/x has priority 10". */
  shortBy?: string | undefined;
}
