/**
 * How the simulator behaves unless told otherwise: the `slm-fleet engine-sim` flags' defaults,
 * and what tests start it with. Durations in ms, rates from 0 to 1, Retry-After in seconds.
 */
export const SIMULATOR_DEFAULTS = {
  model: 'sim-model',
  ttft: 0,
  tpot: 0,
  maxBatch: 64,
  batchSlowdown: 0,
  outputTokens: 16,
  errorRate: 0,
  hangRate: 0,
  rateLimitRate: 0,
  retryAfterSeconds: 1,
  offSchemaRate: 0,
  lowConfidenceRate: 0,
  slowStart: 0,
  seed: 1,
} as const;

export type SimulatorSettings = {
  -readonly [K in keyof typeof SIMULATOR_DEFAULTS]: (typeof SIMULATOR_DEFAULTS)[K] extends string ? string : number;
};
