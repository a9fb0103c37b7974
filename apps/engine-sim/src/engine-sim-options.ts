import type { SimulatorSettings } from '@slm-fleet/simulator';
import { checkAccessToken } from '@slm-fleet/service';

/**
 * How the simulator behaves (the CLI's `slm-fleet engine-sim` flags, apps/cli/src/service-options.ts):
 * model, ttft and tpot (ms), maxBatch, batchSlowdown (0..1 of tpot per other request in the
 * batch), outputTokens, errorRate and hangRate (0..1), slowStart (ms) and the faults' seed.
 * faultsToken guards the run-time switches (/sim/faults).
 */
export interface EngineSimOptions extends SimulatorSettings {
  /** Address to bind; loopback unless told otherwise. */
  host: string;
  /** 0 picks a free port. */
  httpPort: number;
  /**
   * The bearer token /sim/faults requires of every caller (`--faults-token`,
   * SLM_FLEET_SIM_FAULTS_TOKEN). Unset: /sim/faults answers only loopback callers. Never logged.
   */
  faultsToken?: string;
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
  if (options.faultsToken !== undefined) {
    checkAccessToken(options.faultsToken, 'engine-sim: the faults token (--faults-token, SLM_FLEET_SIM_FAULTS_TOKEN)');
  }
}
