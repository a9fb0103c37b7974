// What the client's tests read from the real processes: the simulator's request count (how
// many times an engine ran) and a router's metrics (how many calls it served).
import { SlmFleetError } from '@slm-fleet/client';
import type { FleetProcess } from '../data-plane/fleet.js';

export async function engineRequests(simulator: FleetProcess): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${simulator.port}/sim/stats`);
  return ((await response.json()) as { requests: number }).requests;
}

/** The sum of a router metric's series (0 when there is none). */
export async function routerMetric(router: FleetProcess, name: string) {
  const text = await (await fetch(`http://127.0.0.1:${router.port}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^(\w+)(?:\{.*\})? (\S+)$/.exec(line);
    if (match?.[1] === name) sum += Number(match[2]);
  }
  return sum;
}

/** The SlmFleetError a call failed with. */
export async function failureOf(call: Promise<unknown>): Promise<SlmFleetError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof SlmFleetError) return error;
    throw error;
  }
  throw new Error('the call succeeded; a failure was expected');
}
