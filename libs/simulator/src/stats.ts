/** Counters of GET /sim/stats. */
export interface SimStats {
  /** Chat completion requests received, valid or not. */
  requests: number;
  /** Requests in the batch now (generating or hung). */
  active: number;
  /** Requests queued for a batch slot now. */
  waiting: number;
  /** Answers delivered in full. */
  completed: number;
  /** Requests answered with an error status: invalid (4xx), error fault (500), not ready (503). */
  errors: number;
  /** Requests the hang fault swallowed. */
  hung: number;
  /** Requests whose client went away before the answer was complete. */
  disconnected: number;
}

/** The counters the server increments; active and waiting come from the batch scheduler. */
export type SimCounters = Omit<SimStats, 'active' | 'waiting'>;

export function zeroCounters(): SimCounters {
  return { requests: 0, completed: 0, errors: 0, hung: 0, disconnected: 0 };
}
