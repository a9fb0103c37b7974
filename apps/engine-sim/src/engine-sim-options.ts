import {
  MAX_RETRY_AFTER_SECONDS,
  isSimulatorProfile,
  type SimulatorProfile,
  type SimulatorSettings,
} from '@slm-fleet/simulator';
import { checkAccessToken } from '@slm-fleet/service';

/**
 * How the simulator behaves (the CLI's `slm-fleet engine-sim` flags, apps/cli/src/service-options.ts):
 * model, ttft and tpot (ms), maxBatch, batchSlowdown (0..1 of tpot per other request in the
 * batch), outputTokens, the fault rates (0..1) and the Retry-After of its 429s, slowStart (ms)
 * and the faults' seed. faultsToken guards the run-time switches (/sim/faults); apiKeyEnv
 * names the variable holding the key every /v1 request must carry.
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
  /**
   * The environment variable holding the API key every /v1 request must send as
   * `Authorization: Bearer` (`--api-key-env`), as a hosted endpoint requires one. The name, not
   * the key: the key stays out of `ps` and out of the logs. Unset: no key is asked for.
   */
  apiKeyEnv?: string;
  /**
   * `large-model` stands in for the large model of the fallback tier: it never answers off
   * schema or with low confidence (the CLI also gives it a slower ttft and tpot by default).
   */
  profile?: SimulatorProfile;
  /** LoRA adapter names served besides `model` (vLLM's --lora-modules names). */
  adapters?: string[];
}

/** Nest injection token of the options. */
export const ENGINE_SIM_OPTIONS = Symbol('EngineSimOptions');

const FRACTIONS = [
  'batchSlowdown',
  'errorRate',
  'hangRate',
  'rateLimitRate',
  'offSchemaRate',
  'lowConfidenceRate',
] as const;

/** Rejects options the CLI would have refused, for callers that start the simulator in-process. */
export function checkEngineSimOptions(options: EngineSimOptions, env: NodeJS.ProcessEnv = process.env): void {
  const durations = ['ttft', 'tpot', 'slowStart'] as const;
  for (const key of FRACTIONS) {
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
  const { retryAfterSeconds, profile = 'default', adapters = [] } = options;
  if (!(
    Number.isInteger(retryAfterSeconds) &&
    retryAfterSeconds >= 0 &&
    retryAfterSeconds <= MAX_RETRY_AFTER_SECONDS
  )) {
    throw new Error(`engine-sim: retryAfterSeconds must be a whole number from 0 to ${MAX_RETRY_AFTER_SECONDS}`);
  }
  if (!isSimulatorProfile(profile))
    throw new Error(`engine-sim: profile must be default or large-model, not ${profile}`);
  if (profile === 'large-model' && (options.offSchemaRate > 0 || options.lowConfidenceRate > 0)) {
    throw new Error('engine-sim: the large-model profile always answers on schema and with confidence');
  }
  for (const adapter of adapters) {
    if (adapter === '' || adapter === options.model || adapters.indexOf(adapter) !== adapters.lastIndexOf(adapter)) {
      throw new Error(`engine-sim: adapter names must be non-empty, distinct and not the model's, got "${adapter}"`);
    }
  }
  if (options.faultsToken !== undefined) {
    checkAccessToken(options.faultsToken, 'engine-sim: the faults token (--faults-token, SLM_FLEET_SIM_FAULTS_TOKEN)');
  }
  apiKeyOf(options, env);
}

/**
 * The API key /v1 requires: the value of the variable `apiKeyEnv` names, or undefined without
 * one. Throws, naming the variable and never the value, when it is unset, empty or cannot
 * travel in a header.
 */
export function apiKeyOf(
  options: Pick<EngineSimOptions, 'apiKeyEnv'>,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const name = options.apiKeyEnv;
  if (name === undefined) return undefined;
  const key = env[name];
  if (!key) throw new Error(`engine-sim: --api-key-env names ${name}, which is not set or empty`);
  if (!/^[\x21-\x7e]{1,4096}$/.test(key)) {
    throw new Error(`engine-sim: the API key in ${name} must be 1 to 4096 visible ASCII characters without spaces`);
  }
  return key;
}
