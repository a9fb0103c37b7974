// The issue's "done when" ("the queue earns its place: pull beats push at every load, and each
// call costs less CPU"), and the absolute throughput target that triggers a CPU profile.
import { THROUGHPUT_TARGET } from './throughput.js';

export const TARGETS = {
  overhead: { rate: 500, addedP50Ms: 2, addedP99Ms: 5 },
  throughputCallsPerSecond: THROUGHPUT_TARGET,
  /** Best path calls/s over the best bare echo server's, same condition. */
  throughputOverEcho: 0.5,
  tail: {
    utilisation: 0.9,
    /** Pull p99 / least-loaded p99 at most this. */
    pullP99OverLeastLoaded: 1,
    /** Round-robin p99 / pull p99 at least this. */
    roundRobinP99OverPull: 2,
    /** Pull p50 / least-loaded p50 at most this. */
    pullP50OverLeastLoaded: 1.2,
  },
} as const;
