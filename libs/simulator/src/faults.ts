import { ApiError } from './api-error.js';
import type { Rng } from './prng.js';

/** What happens to one request, drawn per valid request in arrival order. */
export type Fault = 'none' | 'error' | 'hang';

export interface FaultRates {
  /** Share of requests answered with HTTP 500. */
  errorRate: number;
  /** Share of requests accepted and never answered. */
  hangRate: number;
}

/** One uniform draw decides: below errorRate it errors, in the next hangRate it hangs (errors win when the two add up past 1). */
export function drawFault(rng: Rng, rates: FaultRates): Fault {
  const draw = rng.next();
  if (draw < rates.errorRate) return 'error';
  if (draw < rates.errorRate + rates.hangRate) return 'hang';
  return 'none';
}

/** The switches POST /sim/faults may change while the simulator runs. */
export interface RuntimeSwitches extends FaultRates {
  ttft: number;
  tpot: number;
}

const FRACTIONS = new Set(['errorRate', 'hangRate']);
const DURATIONS = new Set(['ttft', 'tpot']);

/** Validates a POST /sim/faults body: known keys only, fractions in [0, 1], durations ≥ 0 ms. */
export function parseSwitchUpdate(body: unknown): Partial<RuntimeSwitches> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(400, 'the body must be a JSON object', null);
  }
  const update: Partial<RuntimeSwitches> = {};
  for (const [key, value] of Object.entries(body)) {
    if (FRACTIONS.has(key)) {
      if (typeof value !== 'number' || !(value >= 0 && value <= 1))
        throw new ApiError(400, `${key} must be a number in [0, 1]`, key);
    } else if (DURATIONS.has(key)) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new ApiError(400, `${key} must be a duration in milliseconds ≥ 0`, key);
      }
    } else {
      throw new ApiError(400, `unknown switch ${key}; known: errorRate, hangRate, ttft, tpot`, key);
    }
    update[key as keyof RuntimeSwitches] = value;
  }
  return update;
}
