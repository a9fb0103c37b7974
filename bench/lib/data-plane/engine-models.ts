// The two ways the tail benchmark's replicas generate, and how the pull workers in front of
// them are sized: one call at a time (the simplest engine), and continuous batching as vLLM
// and SGLang run (up to 8 calls decode together, each step slower the fuller the batch).
export const ENGINE_MODELS = ['one-at-a-time', 'batching'] as const;
export type EngineModel = (typeof ENGINE_MODELS)[number];

export interface EngineModelConfig {
  /** engine-sim --max-batch: calls generated at once; more wait FIFO. */
  maxBatch: number;
  /** engine-sim --batch-slowdown: each other call in the batch adds this share of tpot to every token. */
  batchSlowdown: number;
  /** A pull worker's concurrency, one worker per replica: what the replica takes at once. */
  workerConcurrency: number;
  /** Multiplies --tail-tpot for this model's simulators. */
  tpotFactor: number;
  /** How a replica's capacity is measured, so a utilisation means the same under both models. */
  capacity: string;
}

export const ENGINE_MODEL_CONFIG: Record<EngineModel, EngineModelConfig> = {
  'one-at-a-time': {
    maxBatch: 1,
    batchSlowdown: 0,
    workerConcurrency: 1,
    tpotFactor: 1,
    capacity:
      'service time fitted from calls sent one at a time (fixed + per token); rate = utilisation x 4 / mean service time',
  },
  batching: {
    maxBatch: 8,
    // A full batch of 8 decodes at 1 + 0.15 x 7 = 2.05 x tpot per token: in the range of a
    // small model on one GPU, where a batch of 8 costs far less than 8 calls one at a time.
    batchSlowdown: 0.15,
    workerConcurrency: 8,
    // Four times the one-at-a-time tpot, so both models take about the same calls per second
    // (a batch of 8 at 2.05 x tpot serves ~3.9 times the calls). At 1 ms the four replicas
    // stream ~15,000 tokens/s, and this two-core machine, not the discipline, sets the result:
    // the pull path's router, worker and Redis cost ~4 ms of CPU per call on top of what push
    // costs. A real engine's tpot is 10-30 ms, far from either.
    tpotFactor: 4,
    capacity:
      'calls/s the replicas complete with full batches: a closed loop of 8 streamed calls in flight per replica, straight to the simulators, sizes from the mix; rate = utilisation x that',
  },
};
