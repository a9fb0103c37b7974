/** How the simulator behaves; the CLI's `slm-fleet engine-sim` flags (apps/cli/src/service-options.ts). */
export interface EngineSimOptions {
  /** Address to bind; loopback unless told otherwise. */
  host: string;
  /** 0 picks a free port. */
  httpPort: number;
  /** The one model name served; requests for another get 404 like vLLM. */
  model: string;
  /** Time to first token in ms, counted from when the request enters the batch. */
  ttft: number;
  /** Time per output token in ms. */
  tpot: number;
  /** Requests generated at once; more wait first-in first-out. */
  maxBatch: number;
  /** 0..1: extra fraction of tpot per other request in the batch. */
  batchSlowdown: number;
  /** Tokens per plain-text answer when the request gives no max_tokens. */
  outputTokens: number;
  /** Share of requests answered with HTTP 500. */
  errorRate: number;
  /** Share of requests accepted and never answered. */
  hangRate: number;
  /** ms before /health and /v1/models report ready (503 before), like a model loading. */
  slowStart: number;
  /** Seed of the fault draws. */
  seed: number;
}

/** Nest injection token of the options. */
export const ENGINE_SIM_OPTIONS = Symbol('EngineSimOptions');

/** Rejects options the CLI would have refused, for callers that start the simulator in-process. */
export function checkEngineSimOptions(options: EngineSimOptions): void {
  const fractions = ['batchSlowdown', 'errorRate', 'hangRate'] as const;
  const durations = ['ttft', 'tpot', 'slowStart'] as const;
  for (const key of fractions) {
    if (!(options[key] >= 0 && options[key] <= 1))
      throw new Error(`engine-sim: ${key} must be in [0, 1], not ${options[key]}`);
  }
  for (const key of durations) {
    if (!(options[key] >= 0 && Number.isFinite(options[key])))
      throw new Error(`engine-sim: ${key} must be ≥ 0 ms, not ${options[key]}`);
  }
  for (const key of ['maxBatch', 'outputTokens'] as const) {
    if (!(Number.isInteger(options[key]) && options[key] >= 1))
      throw new Error(`engine-sim: ${key} must be an integer ≥ 1, not ${options[key]}`);
  }
}
