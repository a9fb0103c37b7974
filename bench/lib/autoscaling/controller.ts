// What a policy sees and does in the simulator. Each policy reads the state every
// `intervalSeconds` and answers with the replica count to write to the scale subresource.

/** The Specialist's state at one control tick, as the router and Redis would report it. */
export interface Observation {
  /** Simulated seconds since the trace began. */
  now: number;
  waiting: number;
  active: number;
  /** Calls that arrived in the last `intervalSeconds`. */
  arrivedInInterval: number;
  /** Mean service time of the last 100 completed calls; undefined before the first completes. */
  serviceTimeSeconds: number | undefined;
  oldestWaitingSeconds: number;
  /** Ready pods taking calls (not starting, not draining). */
  readyReplicas: number;
  /** The replica count last written (spec.replicas). */
  currentReplicas: number;
  /** p99 latency of calls completed in the last minute; undefined when none completed. */
  latencyP99Seconds: number | undefined;
}

export interface Controller {
  name: string;
  intervalSeconds: number;
  /** Replicas (Ready) when the trace begins. */
  initialReplicas: number;
  /** The replica count to write; the simulator creates or drains pods to match. */
  decide: (observation: Observation) => number;
  /**
   * KubeAI's proxy: a call for a model at 0 replicas sets replicas to 1 at once, outside the
   * autoscaler's loop. Only the KubeAI-style policy has it.
   */
  scalesFromZeroOnArrival?: boolean;
}
