import { ApiError } from './api-error.js';
import type { SimulatorProfile } from './profiles.js';
import type { Rng } from './prng.js';

/** What happens to one request, drawn per valid request in arrival order. */
export type Fault = 'none' | 'error' | 'hang' | 'rate-limit';

export interface FaultRates {
  /** Share of requests answered with HTTP 500. */
  errorRate: number;
  /** Share of requests accepted and never answered. */
  hangRate: number;
  /** Share of requests answered with HTTP 429 and a Retry-After. */
  rateLimitRate: number;
  /** Share of answers that break the requested JSON schema or the called tool's parameters. */
  offSchemaRate: number;
  /** Share of answers whose logprobs (when asked for) are far below normal. */
  lowConfidenceRate: number;
}

/** One request's draw: how it ends, and, if answered, how good the answer is. */
export interface FaultDraw {
  fault: Fault;
  offSchema: boolean;
  lowConfidence: boolean;
}

/**
 * One uniform draw decides how the request ends: below errorRate it errors, in the next
 * hangRate it hangs, in the next rateLimitRate it is answered 429 (earlier ones win when the
 * rates add up past 1). Then one draw for each answer fault whose rate is above 0: at 0 no
 * draw is made, so the sequence of the others is the same as without these switches.
 */
export function drawFaults(rng: Rng, rates: FaultRates): FaultDraw {
  const draw = rng.next();
  let fault: Fault = 'none';
  if (draw < rates.errorRate) fault = 'error';
  else if (draw < rates.errorRate + rates.hangRate) fault = 'hang';
  else if (draw < rates.errorRate + rates.hangRate + rates.rateLimitRate) fault = 'rate-limit';
  const offSchema = rates.offSchemaRate > 0 && rng.next() < rates.offSchemaRate;
  const lowConfidence = rates.lowConfidenceRate > 0 && rng.next() < rates.lowConfidenceRate;
  return { fault, offSchema, lowConfidence };
}

/** The switches POST /sim/faults may change while the simulator runs. */
export interface RuntimeSwitches extends FaultRates {
  ttft: number;
  tpot: number;
  /** The Retry-After (whole seconds) of a 429 of the rate-limit fault. */
  retryAfterSeconds: number;
}

const FRACTIONS = new Set(['errorRate', 'hangRate', 'rateLimitRate', 'offSchemaRate', 'lowConfidenceRate']);
const DURATIONS = new Set(['ttft', 'tpot']);
/** Answer faults a profile that is always right refuses. */
const ANSWER_FAULTS = new Set(['offSchemaRate', 'lowConfidenceRate']);
/** An hour: longer would only stall a test until its timeout. */
export const MAX_RETRY_AFTER_SECONDS = 3600;
const KNOWN = [...FRACTIONS, ...DURATIONS, 'retryAfterSeconds'].join(', ');

/**
 * Validates a POST /sim/faults body: known keys only, fractions in [0, 1], durations ≥ 0 ms,
 * retryAfterSeconds a whole number of seconds. The large-model profile refuses answer faults:
 * it stands in for a model that is always on schema and sure of itself.
 */
export function parseSwitchUpdate(body: unknown, profile: SimulatorProfile = 'default'): Partial<RuntimeSwitches> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(400, 'the body must be a JSON object', null);
  }
  const update: Partial<RuntimeSwitches> = {};
  for (const [key, value] of Object.entries(body)) {
    if (FRACTIONS.has(key)) {
      if (typeof value !== 'number' || !(value >= 0 && value <= 1))
        throw new ApiError(400, `${key} must be a number in [0, 1]`, key);
      if (profile === 'large-model' && ANSWER_FAULTS.has(key) && value > 0) {
        throw new ApiError(400, `${key}: the large-model profile always answers on schema and with confidence`, key);
      }
    } else if (DURATIONS.has(key)) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new ApiError(400, `${key} must be a duration in milliseconds ≥ 0`, key);
      }
    } else if (key === 'retryAfterSeconds') {
      if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > MAX_RETRY_AFTER_SECONDS) {
        throw new ApiError(400, `${key} must be a whole number of seconds from 0 to ${MAX_RETRY_AFTER_SECONDS}`, key);
      }
    } else {
      throw new ApiError(400, `unknown switch ${key}; known: ${KNOWN}`, key);
    }
    update[key as keyof RuntimeSwitches] = value as number;
  }
  return update;
}
